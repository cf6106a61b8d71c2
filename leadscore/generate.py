"""Deterministic demo data for the raw landing contract (`leadscore.contract`).

Everything is generated in bulk inside DuckDB: `range()` tables expanded with `unnest`, and
pseudo-random numbers from `hash(hash(seed, key, salt))` (macros `u`, `u2`, `hh`/`ub`), so the
same arguments give the same rows on any number of threads. Nothing is generated row by row in
Python.

The generation works in four steps:

1. `acc`: one row per account with its clean (latent) attributes.
2. `ct`: one row per contact with its latent persona, seniority, fit, intent, activity window,
   opportunity outcome, and the number of events of each kind it will produce (plus running
   offsets of those numbers, which make every event id unique without a global sort).
3. `mom`: the contact's high-intent moments (pricing visits, demo requests, webinars
   attended, meetings ...); they drive web, form and attendance rows and precede the contact's
   opportunity.
4. One `COPY (select ...) TO '<out>/<schema>/<table>.parquet'` per raw table, where the raw
   values are dirtied (documented shares) and cast to the contract's types.

The data is one simulated world (ORIGIN .. its horizon) computed from the seed and the number
of contacts alone; `end_date` only cuts it: a table holds the rows that exist at the end date
and the CRM rows as they stood then. So a later end date reproduces every row of an earlier
one and adds the days between: the generator simulates a daily load (issue 12).

How the latent variables drive the outcome is documented in `docs/demo_data.md`.
"""

from __future__ import annotations

import logging
import math
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from leadscore import db
from leadscore import vocab as v
from leadscore.contract import RAW_TABLES, RawTable

log = logging.getLogger(__name__)

DEFAULT_CONTACTS = 5000
DEFAULT_SEED = 42
DEFAULT_END_DATE = date(2026, 11, 1)

DAY = 86_400
# One simulated world from ORIGIN (time 0) to ORIGIN + WORLD_DAYS; `--end-date` only cuts it:
# every row is a function of the seed, the number of contacts and its own keys, never of the
# end date, and a table at end date D holds the rows of the world that exist at D (00:00 UTC).
# So the data at D + 1 holds every row of D unchanged, plus what happened on the day between
# (new events, new contacts, CRM changes: the CRM tables are written as they stood at D).
ORIGIN = date(2024, 11, 1)
WORLD_DAYS = 1095  # the horizon: 2027-11-01
WORLD = WORLD_DAYS * DAY
HISTORY_DAYS = 730  # the default end date's history (ORIGIN .. DEFAULT_END_DATE)
HISTORY = HISTORY_DAYS * DAY  # reference span of the per-contact event rates
# Contacts of the world per requested contact: about `--contacts` of them exist at the default
# end date (5.5% silent ones early in the world, the rest created uniformly over it).
WORLD_CONTACTS_PER_CONTACT = 1.44
CONVERSION_SPAN = 200 * DAY  # a buyer's hand-raise comes 30-95% of this after its first visit
CAMPAIGN_SPACING = HISTORY // 208  # two e-mail campaigns a week (whole seconds: fast SQL)
CAMPAIGNS = -(-WORLD // CAMPAIGN_SPACING)  # campaigns of the whole world
FUTURE_SHIFT = 5 * 365 * DAY  # future-dated events land about five years after end_date
UNKNOWN_CONTACT_BASE = 40_000_000_000  # id numbers of contacts that exist in no contact row
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Shares of planted dirt on event tables (per generated row).
EXACT_DUPLICATE_SHARE = 0.005
CONFLICTING_DUPLICATE_SHARE = 0.001
NULL_CONTACT_SHARE = {"web_events": 0.01}  # anonymous page views; other tables below
NULL_CONTACT_SHARE_DEFAULT = 0.003
UNKNOWN_CONTACT_SHARE = 0.003
FUTURE_SHARE = 0.0005
TWIN_EVENT_SHARE = 0.25  # events of a contact with a case-variant twin that land on the twin


@dataclass(frozen=True)
class GenerateConfig:
    out_dir: Path
    contacts: int = DEFAULT_CONTACTS
    seed: int = DEFAULT_SEED
    end_date: date = DEFAULT_END_DATE
    threads: int | None = None
    with_truth: bool = False  # also write <out>/_truth/contact_truth.parquet (latent values)
    preserve_order: bool = False  # same row order every run too (slower, more memory)


# --- SQL text helpers -------------------------------------------------------------------------


def lit(value: str | float | None) -> str:
    """A SQL literal."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def sql_list(values: Iterable[str | float | None]) -> str:
    return "[" + ", ".join(lit(x) for x in values) + "]"


def pick(values: Sequence[str | float | None], u: str) -> str:
    """One of `values`, uniformly, by the uniform [0, 1) expression `u`."""
    return f"({sql_list(values)})[1 + cast(floor(({u}) * {len(values)}) as bigint)]"


def weighted(pairs: Sequence[tuple[str | float | None, float]], u: str) -> str:
    """One value of `pairs` (value, weight) with probability proportional to its weight."""
    total = float(sum(w for _, w in pairs))
    cum, whens = 0.0, []
    for value, w in pairs[:-1]:
        cum += w / total
        whens.append(f"when ({u}) < {cum!r} then {lit(value)}")
    return f"(case {' '.join(whens)} else {lit(pairs[-1][0])} end)"


def sql_in(values: Iterable[str]) -> str:
    """A parenthesised list for `x in (...)`."""
    return "(" + ", ".join(lit(x) for x in values) + ")"


def sigmoid(x: str) -> str:
    return f"(1.0 / (1.0 + exp(-({x}))))"


def per_level_pick(level: str, u: str) -> str:
    whens = " ".join(
        f"when {lvl} then {pick(titles, u)}" for lvl, titles in v.TITLES_BY_LEVEL.items()
    )
    return f"(case {level} {whens} end)"


def variant_pick(column: str, variants: dict[str, tuple[str, ...]], u: str) -> str:
    """A dirty spelling of the canonical value in `column` (the value itself if none)."""
    whens = " ".join(
        f"when {lit(k)} then {pick(vals, u)}" for k, vals in variants.items()
    )
    return f"coalesce(case {column} {whens} end, {column})"


# --- Connection setup -------------------------------------------------------------------------


def _setup(con: duckdb.DuckDBPyConnection, cfg: GenerateConfig, origin: int) -> None:
    # Row order is not part of the determinism contract (content is); keeping insertion order
    # makes COPY hold whole row groups of events in memory (7.6 GB instead of 2.4 GB at 1M
    # contacts) and runs slower, so it is opt-in.
    con.execute(f"set preserve_insertion_order = {str(cfg.preserve_order).lower()}")
    if cfg.threads:
        con.execute(f"set threads = {int(cfg.threads)}")
    seed = int(cfg.seed)
    macros = [
        # DuckDB combines the arguments of a multi-argument hash() weakly (u(i, 'x') and
        # u(i, 'y') would be 0.99 correlated); hashing the combined value again mixes it well.
        f"create macro u(a, s) as hash(hash({seed}, a, s)) / 18446744073709551616.0",
        f"create macro u2(a, b, s) as hash(hash({seed}, a, b, s)) / 18446744073709551616.0",
        # Hot paths draw four 16-bit uniforms from one 64-bit hash: hh(...) then ub(h, 0..3).
        f"create macro hh(a, s) as hash(hash({seed}, a, s))",
        f"create macro hh2(a, b, s) as hash(hash({seed}, a, b, s))",
        "create macro ub(h, k) as "
        "cast((h >> cast(16 * k as ubigint)) & cast(65535 as ubigint) as double) / 65536.0",
        # Zero-padded id: padded('we_', 12, 9) = 'we_000000012' (cheaper than printf).
        "create macro padded(prefix, n, width) as "
        "prefix || substr(cast(cast(pow(10, width) as bigint) + n as varchar), 2)",
        "create macro gauss(a, b, s) as "
        "sqrt(-2.0 * ln(1.0 - u2(a, b, s || '_r'))) * cos(2.0 * pi() * u2(a, b, s || '_t'))",
        f"create macro ts(sec) as make_timestamp(cast(floor({origin} + sec) as bigint)"
        " * 1000000)",
        "create macro b62(n, p) as "
        f"substr('{B62}', cast((n // cast(pow(62, p) as bigint)) % 62 as integer) + 1, 1)",
        # Salesforce-like 18-character id: prefix (3) + '5e0000' + 6 base-62 digits + 3 checksum.
        "create macro sfid(prefix, n) as prefix || '5e0000' || b62(n, 5) || b62(n, 4) || "
        "b62(n, 3) || b62(n, 2) || b62(n, 1) || b62(n, 0) || "
        "substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', cast(hash(prefix, n) % 32 as integer) + 1, 1)"
        " || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', "
        "cast((hash(prefix, n) // 32) % 32 as integer) + 1, 1)"
        " || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', "
        "cast((hash(prefix, n) // 1024) % 32 as integer) + 1, 1)",
    ]
    for m in macros:
        con.execute(m)


# --- Step 1: accounts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    contacts: int  # requested: about this many exist at the default end date
    accounts: int
    universities: int

    @property
    def world_contacts(self) -> int:
        """Contacts of the whole world (ORIGIN .. horizon); those created by the cut exist."""
        return math.ceil(self.contacts * WORLD_CONTACTS_PER_CONTACT)

    @property
    def first_university(self) -> int:
        return 1 + len(v.COMPETITORS)

    @property
    def first_company(self) -> int:
        return self.first_university + self.universities

    @property
    def companies(self) -> int:
        return self.accounts - self.first_company


def sizes_for(contacts: int) -> Sizes:
    accounts = max(math.ceil(contacts / 8), 20)
    universities = max(2, round(accounts * 0.03))
    return Sizes(contacts, accounts, universities)


def _accounts_sql(s: Sizes) -> str:
    ind_pairs = [(name, w) for name, w, _ in v.INDUSTRIES]
    sfx_u = "u(a, 'sfx')"
    suffix_whens = " ".join(
        f"when {lit(name)} then {pick(sfx, sfx_u)}" for name, _, sfx in v.INDUSTRIES
    )
    comp_domains = sql_list(d for d, _ in v.COMPETITORS)
    comp_names = sql_list(n for _, n in v.COMPETITORS)
    prefix = pick(v.COMPANY_PREFIXES, "u(a, 'pfx')")
    return f"""
    create table acc as
    with b as (
        select a,
            case when a = 0 then 'own'
                 when a < {s.first_university} then 'competitor'
                 when a < {s.first_company} then 'university'
                 else 'company' end as kind
        from range({s.accounts}) t(a)
    ),
    x as (
        select *,
            case kind when 'own' then 'software' when 'competitor' then 'software'
                 when 'university' then 'education'
                 else {weighted(ind_pairs, "u(a, 'ind')")} end as industry_c,
            case kind when 'own' then 450
                 when 'competitor' then ([300, 1200, 80, 2500])[a]
                 when 'university' then 2000 + floor(u(a, 'emp') * 38000)
                 else least(100000, greatest(5,
                      round(exp(ln(120) + 2.0 * gauss(a, 0, 'emp'))))) end as emp_c,
            case kind when 'own' then 'US' when 'competitor' then (['US', 'GB', 'US', 'DE'])[a]
                 else {weighted(v.COUNTRIES, "u(a, 'cty')")} end as country_c,
            {prefix} as pfx
        from b
    ),
    y as (
        select *,
            case kind when 'own' then {lit(v.OWN_COMPANY)}
                 when 'competitor' then ({comp_names})[a]
                 when 'university' then pfx || ' ' || {pick(v.UNIVERSITY_NAMES, "u(a, 'uni')")}
                 else pfx || ' ' || (case industry_c {suffix_whens} end) end as name_c,
            industry_c in {sql_in(v.GOOD_INDUSTRIES)} as is_good_industry,
            industry_c in {sql_in(v.EXCLUDED_INDUSTRIES)} as is_excluded_industry,
            kind = 'company' and u(a, 'target') < 0.015 + 0.16 * (
                (industry_c in {sql_in(v.GOOD_INDUSTRIES)})::int
                * (emp_c between 200 and 5000)::int) as is_target
        from x
    )
    select *,
        case kind when 'own' then {lit(v.OWN_DOMAIN)}
             when 'competitor' then ({comp_domains})[a]
             else lower(replace(name_c, ' ', '-')) || '-' || a::varchar
                  || case when kind = 'university' then '.edu'
                          when country_c = 'DE' then '.de'
                          when country_c = 'GB' then '.co.uk'
                          when industry_c = 'software' and u(a, 'tld') < 0.3 then '.io'
                          else '.com' end end as domain_c,
        sfid('001', a) as account_id
    from y
    order by a
    """


# --- Step 2: contacts -------------------------------------------------------------------------


def _contacts_sql(s: Sizes) -> str:
    company = (
        f"({s.first_company} + cast(floor(pow(u(i, 'acc'), 1.3) * {s.companies}) as bigint))"
    )
    level_weights = {
        "decision_maker": weighted(v.DECISION_MAKER_LEVELS, "u(i, 'lvl')"),
        "other": weighted(v.OTHER_PERSONA_LEVELS, "u(i, 'lvl')"),
    }
    title_clean = f"""case persona
            when 'student' then {pick(v.STUDENT_TITLES, "u(i, 'title')")}
            when 'job_seeker' then {pick(v.JOB_SEEKER_TITLES, "u(i, 'title')")}
            else {per_level_pick('level', "u(i, 'title')")} end"""
    seniority_score = "([0.0, 0.3, 0.6, 0.85, 0.95, 1.0])[level + 1]"
    g = v.GOOD_COUNTRIES
    return f"""
    create table ct0 as
    with b as (
        select i, {weighted(v.PERSONAS, "u(i, 'persona')")} as persona
        from range({s.world_contacts}) t(i)
    ),
    b2 as (
        select *,
            case persona
                when 'employee' then 0
                when 'competitor' then 1 + cast(floor(u(i, 'acc') * {len(v.COMPETITORS)}) as bigint)
                when 'student' then case when u(i, 'has_acc') < 0.6 then {s.first_university}
                    + cast(floor(u(i, 'acc') * {s.universities}) as bigint) end
                when 'job_seeker' then case when u(i, 'has_acc') < 0.3 then {company} end
                else {company} end as a,
            case when persona = 'bot' then
                case when u(i, 'bot_kind') < 0.7 then 'scanner' else 'flood' end end as bot_kind,
            case persona
                when 'decision_maker' then {level_weights['decision_maker']}
                when 'manager' then 2 when 'individual_contributor' then 1
                when 'intern' then 0 when 'student' then 0 when 'job_seeker' then 0
                else {level_weights['other']} end as level
        from b
    ),
    j as (
        select b2.*, acc.account_id, acc.kind as account_kind, acc.domain_c, acc.industry_c,
            acc.emp_c, acc.country_c, acc.is_target, acc.is_good_industry,
            acc.is_excluded_industry
        from b2 left join acc using (a)
    ),
    p as (
        select *,
            {title_clean} as title_clean,
            case
                when persona = 'employee' then 'own'
                when persona = 'competitor' then 'competitor'
                when persona = 'student' then case when a is null then 'personal' else 'edu' end
                when persona = 'job_seeker' then
                    case when a is null or u(i, 'personal') < 0.8 then 'personal'
                         else 'corporate' end
                when persona = 'bot' then 'corporate'
                when u(i, 'personal') < 0.11 then 'personal'
                else 'corporate' end as email_kind,
            {pick(v.FIRST_NAMES, "u(i, 'first')")} as first_c,
            {pick(v.LAST_NAMES, "u(i, 'last')")} as last_c,
            {pick(v.PRODUCT_LINES, "u(i, 'interest')")} as interest,
            persona not in ('bot', 'employee') and u(i, 'silent') < 0.055 as is_silent,
            case when persona = 'bot' then 1.0
                 when u(i, 'inactive') < 0.08 then 0.0
                 else least(60.0, exp(gauss(i, 0, 'act') - 0.5)) end as activity,
            case persona
                when 'competitor' then 0.3 + 0.6 * u(i, 'q')
                when 'student' then 0.6 * pow(u(i, 'q'), 1.5)
                when 'job_seeker' then 0.2 * u(i, 'q')
                when 'employee' then 0.5 * u(i, 'q')
                when 'bot' then 0.0
                when 'intern' then 0.5 * pow(u(i, 'q'), 2)
                else pow(u(i, 'q'), 2) end as intent
        from j
    ),
    f as (
        select *,
            case when persona in ('student', 'job_seeker') then 0.0
                 else {seniority_score} end * 0.35
            + case when emp_c between 50 and 5000 then 1.0
                   when emp_c between 10 and 20000 then 0.5 else 0.15 end * 0.20
            + (coalesce(is_target, false))::int * 0.15
            + case when is_good_industry then 1.0 when is_excluded_industry then 0.0
                   when industry_c is null then 0.3 else 0.5 end * 0.10
            + case email_kind when 'corporate' then 1.0 when 'personal' then 0.3
                   when 'edu' then 0.2 else 0.0 end * 0.10
            + case when country_c in {sql_in(g)} then 1.0 else 0.4 end * 0.10 as fit,
            case when is_silent then u(i, 'created') * 300 * {DAY}
                 else u(i, 'created') * {WORLD - 15 * DAY} end as created_t,
            not is_silent and u(i, 'late') < 0.01 as is_late
        from p
    ),
    w as (
        select *,
            greatest(0.0, created_t - pow(u(i, 'pre'), 2) * 60 * {DAY}) as win_start
        from f
    ),
    w2 as (
        select *,
            case when is_silent then
                    win_start + (0.05 + 0.95 * u(i, 'end'))
                        * greatest({DAY}, {HISTORY - 380 * DAY} - win_start)
                 else least(cast({WORLD} as double), greatest(created_t + 7 * {DAY},
                     {WORLD} - pow(u(i, 'end'), 4) * 200 * {DAY})) end as win_end0
        from w
    )
    -- a late contact (created in the CRM after most of its events) is active for at most
    -- the conversion span and created at 97% of that window
    select * exclude (win_end0),
        case when is_late then least(win_end0, win_start + {CONVERSION_SPAN})
             else win_end0 end as win_end
    from w2
    order by i
    """


# How many more forms, webinars and high-intent moments a long activity window holds than the
# typical window of a contact (400 days; a buyer's moments all lie before its hand-raise).
SPAN_FACTOR = (f"case when wants_opp is not distinct from true then 1.0 else "
               f"least(3.0, greatest(0.25, (win_end - win_start) / {400 * DAY}.0)) end")


OPP_INTERCEPT = -8.3


def _contacts_outcome_sql() -> str:
    """Intent moments, opportunity and win draws (step 2b)."""
    eligible = "persona in ('decision_maker', 'manager', 'individual_contributor', 'intern')"
    p_opp = sigmoid(f"{OPP_INTERCEPT} + 5.5 * fit + 6.5 * intent")
    p_win = sigmoid("-5.5 + 9.0 * fit")
    return f"""
    create table ct1 as
    with o as (
        select *,
            {eligible} and activity > 0 and u(i, 'opp') < {p_opp}
                * case when persona = 'intern' then 0.1 else 1.0 end as wants_opp
        from ct0
    ),
    o2 as (
        select *,
            case when persona = 'bot' or activity = 0 then 0
                 else least(30, cast(floor(-ln(1.0 - u(i, 'n_hi'))
                     * (0.05 + 5.0 * intent * intent) * {SPAN_FACTOR}) as bigint)) end as n_hi0
        from o
    ),
    t as (
        select *,
            case when wants_opp then greatest(n_hi0, 1) else n_hi0 end as n_hi,
            case when wants_opp then win_start + (0.3 + 0.65 * u(i, 't_hr'))
                * least(win_end - win_start, {CONVERSION_SPAN}) end as t_hr
        from o2
    ),
    t2 as (
        select *, t_hr + (3 + 18 * u(i, 't_opp')) * {DAY} as t_opp
        from t
    )
    select *,
        wants_opp and t_opp <= {WORLD} as has_opp,
        u(i, 'win') < {p_win}
            * case when is_excluded_industry then 0.1 else 1.0 end
            * case when email_kind = 'personal' then 0.5 else 1.0 end
            * case when persona = 'intern' then 0.1 else 1.0 end as win_draw,
        (20 + 100 * u(i, 'cycle')) * {DAY} as sales_cycle
    from t2
    order by i
    """


def _contacts_counts_sql(s: Sizes, cut: int) -> str:
    """Per-contact event counts and their running offsets (step 2c).

    Counts and offsets are those of the whole world (so ids do not depend on the cut);
    `n_bg_cut` and `n_del_cut` bound the background page views and deliveries that can lie
    before the cut (sessions and campaigns are in time order), so later ones are not built.
    """
    wfrac = f"((win_end - win_start) / cast({HISTORY} as double))"
    return f"""
    create table ct as
    with e as (
        select *,
            u(i, 'twin') < 0.01 and persona <> 'bot' as has_twin,
            u(i, 'malformed') < 0.012 as has_malformed_email,
            u(i, 'opt_out_crm') < 0.02 as crm_opt_out,
            case when bot_kind = 'scanner' then 0
                 when bot_kind = 'flood' then cast(floor(10 * u(i, 'n_bg')) as bigint)
                 else least(20000, cast(floor(activity * 62 * (0.15 + 0.9 * {wfrac})
                     * (0.5 + u(i, 'n_bg'))) as bigint)) end as n_bg,
            1 + cast(floor(u(i, 'pps') * 6) as bigint) as pps,
            case when bot_kind = 'flood' then 120 + cast(floor(u(i, 'n_flood') * 380) as bigint)
                 else 0 end as n_flood,
            1 + cast(floor(u(i, 'stride') * 4) as bigint) as stride,
            cast(ceil(win_start / {CAMPAIGN_SPACING}) as bigint) as c_first,
            least({CAMPAIGNS - 1}, cast(floor(win_end / {CAMPAIGN_SPACING}) as bigint)) as c_last,
            case when bot_kind is not null then 0
                 when persona = 'job_seeker' then 1 + cast(floor(u(i, 'n_bf') * 3) as bigint)
                 else cast(floor(-ln(1.0 - u(i, 'n_bf')) * 0.6 * least(activity, 3.0) * {SPAN_FACTOR})
                     as bigint)
                 end as n_bf,
            case when bot_kind is not null then 0
                 else cast(floor(-ln(1.0 - u(i, 'n_ba')) * 0.25 * least(activity, 3.0)
                     * {SPAN_FACTOR}) as bigint)
                 end as n_ba
        from ct1
    ),
    m as (
        select *,
            case when has_malformed_email or crm_opt_out or c_last < c_first then 0
                 else (c_last - c_first) // stride + 1 end as n_del0
        from e
    ),
    m2 as (
        select *,
            case when n_del0 > 0 and u(i, 'unsub') < 0.03 then 'unsubscribe'
                 when n_del0 > 0 and u(i, 'unsub') < 0.033 then 'spam_report'
                 when n_del0 > 0 and u(i, 'unsub') < 0.048 then 'bounce' end as email_stop,
            cast(floor(u(i, 'stop_at') * n_del0) as bigint) as stop_at
        from m
    ),
    n as (
        select *,
            case when email_stop is null then n_del0 else stop_at + 1 end as n_del,
            cast(ceil(n_bg / pps) as bigint) as n_sess_bg
        from m2
    ),
    n2 as (
        select *, n_sess_bg + n_hi + (n_flood > 0)::int as n_sess,
            case when {cut} < win_start then 0
                 else least(n_bg, pps * (1 + cast(floor(({cut} - win_start) * n_sess_bg
                     / greatest(win_end - win_start, 1.0)) as bigint))) end as n_bg_cut,
            case when {cut // CAMPAIGN_SPACING} < c_first then 0
                 else least(n_del0, ({cut // CAMPAIGN_SPACING} - c_first) // stride + 1) end
                as n_del_cut0
        from n
    )
    select * exclude (n_del_cut0), least(n_del, n_del_cut0) as n_del_cut,
        cast(sum(n_bg) over w - n_bg as bigint) as bg_off,
        cast(sum(n_flood) over w - n_flood as bigint) as flood_off,
        cast(sum(n_sess) over w - n_sess as bigint) as sess_off,
        cast(sum(n_hi) over w - n_hi as bigint) as hi_off,
        cast(sum(n_del) over w - n_del as bigint) as del_off,
        cast(sum(n_bf) over w - n_bf as bigint) as bf_off,
        cast(sum(n_ba) over w - n_ba as bigint) as ba_off,
        sfid('003', i) as contact_id,
        case when has_twin then sfid('003', {s.world_contacts} + i) end as twin_contact_id
    from n2
    window w as (order by i rows between unbounded preceding and current row)
    order by i
    """


# --- Step 3: intent moments -------------------------------------------------------------------


MOMENT_KINDS = {
    "regular": (
        ("pricing_visit", 30), ("case_study_visit", 20), ("demo_request", 10),
        ("free_trial", 8), ("contact_us", 7), ("webinar_attended", 15), ("meeting", 5),
        ("demo", 5),
    ),
    "competitor": (
        ("pricing_visit", 45), ("case_study_visit", 20), ("demo_request", 8),
        ("free_trial", 12), ("webinar_attended", 15),
    ),
    "student": (
        ("pricing_visit", 20), ("case_study_visit", 20), ("free_trial", 30),
        ("webinar_attended", 30),
    ),
    "job_seeker": (("pricing_visit", 30), ("contact_us", 30), ("webinar_attended", 40)),
    "employee": (("pricing_visit", 30), ("demo_request", 30), ("webinar_attended", 40)),
}
HAND_RAISES = (("demo_request", 50), ("contact_us", 25), ("free_trial", 25))


def _moments_sql() -> str:
    u = "u2(i, j, 'kind')"
    kind = f"""case
            when wants_opp and j = n_hi - 1 then {weighted(HAND_RAISES, u)}
            when persona in ('competitor', 'student', 'job_seeker', 'employee') then
                case persona
                    when 'competitor' then {weighted(MOMENT_KINDS['competitor'], u)}
                    when 'student' then {weighted(MOMENT_KINDS['student'], u)}
                    when 'job_seeker' then {weighted(MOMENT_KINDS['job_seeker'], u)}
                    else {weighted(MOMENT_KINDS['employee'], u)} end
            else {weighted(MOMENT_KINDS['regular'], u)} end"""
    return f"""
    create table mom as
    with x as (
        select i, persona, wants_opp, n_hi, win_start, win_end, t_hr, interest, hi_off,
            n_sess_bg, sess_off, unnest(range(n_hi)) as j
        from ct where n_hi > 0
    )
    select i, j, hi_off + j as m, sess_off + n_sess_bg + j as sess_no, persona,
        {kind} as kind,
        case when wants_opp and j = n_hi - 1 then t_hr
             when wants_opp then win_start + u2(i, j, 't') * (t_hr - {DAY} - win_start)
             else win_start + u2(i, j, 't') * (win_end - win_start) end as t,
        case when u2(i, j, 'pl') < 0.8 then interest
             else {pick(v.PRODUCT_LINES, "u2(i, j, 'pl2')")} end as product_line
    from x
    order by m
    """


# --- Step 4: raw tables -----------------------------------------------------------------------


def _page_path(family: str, u: str, product: str) -> str:
    """Expand a page family (see `vocab.BROWSING_PAGES`) to a clean path."""
    return f"""(case {family}
        when 'blog' then '/blog/' || {pick(v.BLOG_SLUGS, u)}
        when 'product' then '/product/' || {product}
        when 'docs' then '/docs/' || {pick(v.DOCS_PAGES, u)}
        when 'integrations' then '/integrations/' || {pick(v.INTEGRATIONS, u)}
        when 'careers_job' then '/careers/' || {pick(v.CAREERS_JOBS, u)}
        when 'case_study' then '/case-studies/' || {pick(v.CASE_STUDY_SLUGS, u)}
        else {family} end)"""


def _dirty_path(path: str, u: str, u_utm: str) -> str:
    utm = pick(v.UTM_SOURCES, u_utm)
    return f"""(case
        when {u} < 0.03 then {path} || '?utm_source=' || {utm} || '&utm_medium=cpc'
        when {u} < 0.05 and {path} <> '/' then {path} || '/'
        when {u} < 0.06 then upper({path})
        when {u} < 0.065 then {path} || '#top'
        else {path} end)"""


def id_width(upper_bound: int) -> int:
    """Digits of zero-padded event ids: 9 ('we_000000001') unless more are needed."""
    return max(9, len(str(max(upper_bound, 0))))


def _dirty_events(
    base: str, table: str, id_column: str, id_prefix: str, columns: dict[str, str],
    width: int, cut: int,
) -> str:
    """Wrap a base event query (columns eid, cid, twin_cid, t, ...) with the event dirt.

    `columns` maps output column -> expression over the base columns and over `hc`, a hash
    of the row whose 16-bit slices `ub(hc, 0..3)` are the column-level dice; `contact_id`,
    `occurred_at` and the id column are added here.
    """
    p_null = NULL_CONTACT_SHARE.get(table, NULL_CONTACT_SHARE_DEFAULT)
    p_unknown = p_null + UNKNOWN_CONTACT_SHARE
    dup = "ub(hd, 0)"
    extra = ",\n        ".join(f"{expr} as {name}" for name, expr in columns.items())
    return f"""
    with base as ({base}),
    d0 as (
        select *, hh(eid, '{table}_dirt') as hd, hh(eid, '{table}_cols') as hc
        from base where t <= {cut}
    ),
    d as (
        select *, unnest(case when {dup} < {EXACT_DUPLICATE_SHARE} then [0, 1]
            when {dup} < {EXACT_DUPLICATE_SHARE + CONFLICTING_DUPLICATE_SHARE} then [0, 2]
            else [0] end) as copy_k
        from d0
    )
    select padded('{id_prefix}', eid, {width}) as {id_column},
        case when ub(hd, 1) < {p_null} then null
             when ub(hd, 1) < {p_unknown}
                 then sfid('003', {UNKNOWN_CONTACT_BASE} + eid % 1000000)
             when twin_cid is not null and ub(hd, 2) < {TWIN_EVENT_SHARE} then twin_cid
             else cid end as contact_id,
        {extra},
        ts(t + case when copy_k = 2 then 1 + floor(u(eid, 'shift') * 3600) else 0 end
             + case when ub(hd, 3) < {FUTURE_SHARE} then {FUTURE_SHIFT} else 0 end)
            as occurred_at
    from d
    """


def _web_sql(totals: dict[str, int], cut: int) -> str:
    other_line = pick(v.PRODUCT_LINES, "u2(i, k, 'pl2')")
    product = f"case when ub(hp, 3) < 0.6 then interest else {other_line} end"
    family = f"""case
            when persona = 'job_seeker' then {weighted(v.JOB_SEEKER_PAGES, "ub(hp, 1)")}
            when has_opp and t > t_opp then {weighted(v.CUSTOMER_PAGES, "ub(hp, 1)")}
            else {weighted(v.BROWSING_PAGES, "ub(hp, 1)")} end"""
    background = """
        select i, persona, has_opp, t_opp, interest, contact_id as cid,
            twin_contact_id as twin_cid, bg_off + k as eid, sess_off + k // pps as sess_no,
            win_start + (k // pps + u2(i, k // pps, 'sess')) / n_sess_bg
                * (win_end - win_start) + (k % pps) * 120 + ub(hp, 0) * 100 as t, k, hp
        from (
            select *, hh2(i, k, 'page') as hp
            from (
                select i, persona, has_opp, t_opp, interest, contact_id, twin_contact_id,
                    bg_off, sess_off, pps, n_sess_bg, win_start, win_end,
                    unnest(range(n_bg_cut)) as k
                from ct where n_bg_cut > 0
            )
        )"""
    bg_paths = f"""
        select eid, cid, twin_cid, sess_no, t,
            {_page_path(f"({family})", "ub(hp, 2)", product)} as path
        from ({background})"""
    moment_pages = {
        "pricing_visit": "['/pricing', '/pricing/enterprise', cs]",
        "case_study_visit": "[cs, cs2, prod]",
        "demo_request": "[prod, '/pricing', '/demo']",
        "free_trial": "[prod, '/pricing', '/pricing']",
        "contact_us": "['/pricing', '/about', '/contact']",
        "webinar_attended": "[blog, prod, cs]",
        "meeting": "['/pricing', integ, '/pricing/enterprise']",
        "demo": "['/pricing', integ, docs]",
    }
    page_case = " ".join(f"when '{k}' then {lst}" for k, lst in moment_pages.items())
    moments = f"""
        select eid, cid, twin_cid, sess_no, t, (case kind {page_case} end)[p + 1] as path
        from (
            select mom.* exclude (t), c.contact_id as cid, c.twin_contact_id as twin_cid,
                {totals['bg']} + 3 * m + p as eid,
                mom.t - (3 - p) * 90 - u2(m, p, 'gap') * 60 as t,
                '/case-studies/' || {pick(v.CASE_STUDY_SLUGS, "u2(m, p, 'cs')")} as cs,
                '/case-studies/' || {pick(v.CASE_STUDY_SLUGS, "u2(m, p, 'cs2')")} as cs2,
                '/product/' || mom.product_line as prod,
                '/blog/' || {pick(v.BLOG_SLUGS, "u2(m, p, 'blog')")} as blog,
                '/integrations/' || {pick(v.INTEGRATIONS, "u2(m, p, 'int')")} as integ,
                '/docs/' || {pick(v.DOCS_PAGES, "u2(m, p, 'doc')")} as docs
            from (select *, unnest(range(3)) as p from mom) mom
            join ct c using (i)
        )"""
    flood_base = f"""
        select i, interest, contact_id as cid, twin_contact_id as twin_cid,
            {totals['bg'] + 3 * totals['hi']} + flood_off + k as eid,
            sess_off + n_sess - 1 as sess_no,
            floor((win_start + u(i, 'flood_t')
                * least(win_end - win_start, {CONVERSION_SPAN})) / 60) * 60
                + cast(k as double) * 59 / n_flood as t, k
        from (select *, unnest(range(n_flood)) as k from ct
              where n_flood > 0 and win_start <= {cut})"""
    floods = f"""
        select eid, cid, twin_cid, sess_no, t,
            {_page_path(weighted(v.BROWSING_PAGES, "u2(i, k, 'fam')"), "u2(i, k, 'slug')",
                        "interest")} as path
        from ({flood_base})"""
    base = f"{bg_paths} union all {moments} union all {floods}"
    return _dirty_events(base, "web_events", "event_id", "we_", {
        "session_id": f"padded('ws_', sess_no, {id_width(totals['sess'])})",
        "page_path": _dirty_path("path", "ub(hc, 0)", "ub(hc, 1)"),
    }, id_width(totals["bg"] + 3 * totals["hi"] + totals["flood"]), cut)


def _email_sql(totals: dict[str, int], cut: int) -> str:
    variants = variant_pick("typ", v.EMAIL_EVENT_TYPE_VARIANTS, "ub(hc, 2)")
    log_delay = f"exp(ub(hdl, 2) * ln(3 * {DAY} / 60.0)) * 60"
    deliveries = f"""
        select *,
            c_first + d * stride as camp,
            (c_first + d * stride) * {CAMPAIGN_SPACING}
                + u(c_first + d * stride, 'camp_time') * 36000
                + ub(hdl, 0) * 600 as t_del,
            email_stop = 'bounce' and d = stop_at as is_bounce,
            email_stop = 'unsubscribe' and d = stop_at as is_unsub,
            email_stop = 'spam_report' and d = stop_at as is_spam
        from (
            select *, hh2(i, d, 'delivery') as hdl
            from (
                select i, contact_id, twin_contact_id, c_first, stride, email_stop, stop_at,
                    bot_kind, activity, intent, del_off, unnest(range(n_del_cut)) as d
                from ct where n_del_cut > 0
            )
        )"""
    engaged = f"""
        select *,
            not is_bounce and (bot_kind = 'scanner' or is_unsub
                or ub(hdl, 1) < case when activity = 0 then 0.04
                    else least(0.8, 0.12 + 0.12 * least(activity, 2.0) + 0.2 * intent) end)
                as has_open,
            case when bot_kind = 'scanner' then t_del + 1 + u2(i, d, 'bot_open') * 4
                 else t_del + 60 + {log_delay} end as t_open
        from ({deliveries})"""
    clicked = f"""
        select *,
            has_open and (bot_kind = 'scanner'
                or ub(hdl, 3) < 0.08 + 0.35 * intent) as has_click
        from ({engaged})"""
    rows = f"""
        select *, (del_off + d) * 5 + k as eid
        from (
            select *, unnest([0, case when has_open then 1 end, case when has_click then 2 end,
                case when is_unsub then 3 end, case when is_spam then 4 end]) as k
            from ({clicked})
        ) where k is not null"""
    base = f"""
        select eid, contact_id as cid, twin_contact_id as twin_cid,
            padded('cmp_', camp, 4) as campaign_id,
            case k when 0 then case when is_bounce then 'bounce' else 'delivered' end
                   when 1 then 'open' when 2 then 'click' when 3 then 'unsubscribe'
                   else 'spam_report' end as typ,
            case k when 0 then t_del
                   when 1 then t_open
                   when 2 then case when bot_kind = 'scanner'
                                    then t_del + 1 + u2(i, d, 'bot_click') * 4
                                    else t_open + 5 + u2(i, d, 'click_delay') * 600 end
                   when 3 then t_open + 20 + u2(i, d, 'unsub_delay') * 300
                   else t_del + 600 + u2(i, d, 'spam_delay') * {DAY} end as t
        from ({rows})"""
    unknown = v.EMAIL_EVENT_TYPES_UNKNOWN
    return _dirty_events(base, "email_events", "event_id", "ee_", {
        "campaign_id": "campaign_id",
        "event_type": f"""case
            when typ = 'open' and ub(hc, 0) < 0.004 then {lit(unknown[0])}
            when ub(hc, 0) > 0.9995 then {lit(unknown[1])}
            when ub(hc, 1) < 0.03 then {variants}
            else typ end""",
    }, id_width(5 * totals["del"]), cut)


def _forms_sql(totals: dict[str, int], cut: int) -> str:
    wp_names = [n for n, _ in v.WHITEPAPERS]
    wp_lines = [pl for _, pl in v.WHITEPAPERS]
    wb_names = [n for n, _ in v.WEBINARS]
    wb_lines = [pl for _, pl in v.WEBINARS]
    trial_case = " ".join(f"when {lit(k)} then {lit(a)}" for k, a in v.TRIAL_ASSETS.items())
    moment_forms = f"""
        select m as eid, c.contact_id as cid, c.twin_contact_id as twin_cid, mom.t,
            kind as typ,
            case kind when 'demo_request' then {lit(v.DEMO_ASSET)}
                      when 'free_trial' then case mom.product_line {trial_case} end end as asset,
            case when kind = 'contact_us' and u(m, 'form_pl') < 0.5 then null
                 else mom.product_line end as pl
        from mom join ct c using (i)
        where kind in {sql_in(v.HIGH_INTENT_FORM_TYPES)}"""
    kind = f"""case when persona = 'job_seeker' then {weighted(
        (("job_application", 70), ("content_download", 20), ("newsletter_signup", 10)),
        "u2(i, k, 'form')")}
        else {weighted((("content_download", 55), ("webinar_registration", 20),
                        ("newsletter_signup", 25)), "u2(i, k, 'form')")} end"""
    background = f"""
        select eid, cid, twin_cid, t, typ,
            case typ when 'content_download' then {sql_list(wp_names)}[ai % {len(wp_names)} + 1]
                     when 'webinar_registration' then {sql_list(wb_names)}[ai % {len(wb_names)} + 1]
                     when 'newsletter_signup' then {lit(v.NEWSLETTER_ASSET)}
                     else {sql_list(v.JOB_POSTINGS)}[ai % {len(v.JOB_POSTINGS)} + 1] end as asset,
            case typ when 'content_download' then {sql_list(wp_lines)}[ai % {len(wp_lines)} + 1]
                     when 'webinar_registration' then {sql_list(wb_lines)}[ai % {len(wb_lines)} + 1]
                     end as pl
        from (
            select {totals['hi']} + bf_off + k as eid, contact_id as cid,
                twin_contact_id as twin_cid,
                win_start + u2(i, k, 'form_t') * (win_end - win_start) as t,
                {kind} as typ, cast(floor(u2(i, k, 'asset') * 1000) as bigint) as ai
            from (select *, unnest(range(n_bf)) as k from ct where n_bf > 0)
        )"""
    base = f"{moment_forms} union all {background}"
    variants = variant_pick("typ", v.FORM_TYPE_VARIANTS, "ub(hc, 3)")
    return _dirty_events(base, "form_submissions", "submission_id", "fs_", {
        "form_type": f"""case
            when ub(hc, 0) < 0.005 then {pick(v.FORM_TYPES_UNKNOWN, "ub(hc, 1)")}
            when ub(hc, 2) < 0.02 then {variants}
            else typ end""",
        "asset_name": "asset",
        "product_line": "case when u(eid, 'pl_dirt') < 0.02 then upper(pl) else pl end",
    }, id_width(totals["hi"] + totals["bf"]), cut)


def _attendance_sql(totals: dict[str, int], cut: int) -> str:
    moment_rows = f"""
        select 2 * m + r as eid, c.contact_id as cid, c.twin_contact_id as twin_cid,
            case kind when 'webinar_attended' then 'webinar' else kind end as typ,
            case r when 0 then 'registered' else 'attended' end as status,
            case when kind = 'webinar_attended' and u(m, 'att_pl') < 0.3 then null
                 when kind = 'meeting' and u(m, 'att_pl') < 0.5 then null
                 else mom.product_line end as pl,
            case r when 1 then mom.t
                 else mom.t - (1 + u(m, 'lead') * case when kind = 'webinar_attended'
                                                      then 13 else 4 end) * {DAY} end as t
        from (select *, unnest(range(2)) as r from mom
              where kind in ('webinar_attended', 'meeting', 'demo')) mom
        join ct c using (i)"""
    bg_kind = weighted(
        (("webinar_no_show", 50), ("webinar_registered", 20), ("conference", 30)),
        "u2(i, k, 'att_kind')",
    )
    background = f"""
        select eid0 + r as eid, cid, twin_cid,
            case when bk = 'conference' then 'conference' else 'webinar' end as typ,
            case when r = 0 then 'registered' when bk = 'conference' then 'attended'
                 else 'no_show' end as status,
            case when bk = 'conference' then null else pl0 end as pl,
            case r when 0 then t0 - (1 + u(eid0, 'lead') * 20) * {DAY} else t0 end as t
        from (
            select *, unnest(case when bk = 'webinar_registered' then [0] else [0, 1] end) as r
            from (
                select i, k, contact_id as cid, twin_contact_id as twin_cid, {bg_kind} as bk,
                    win_start + u2(i, k, 'att_t') * (win_end - win_start) as t0,
                    case when u2(i, k, 'att_pl') < 0.3 then null
                         else {pick(v.PRODUCT_LINES, "u2(i, k, 'att_pl2')")} end as pl0,
                    {2 * totals['hi']} + 2 * (ba_off + k) as eid0
                from (select *, unnest(range(n_ba)) as k from ct where n_ba > 0)
            )
        )"""
    base = f"{moment_rows} union all {background}"
    type_variants = variant_pick("typ", v.ATTENDANCE_VARIANTS, "ub(hc, 1)")
    status_variants = variant_pick("status", v.ATTENDANCE_VARIANTS, "u(eid, 'svar')")
    return _dirty_events(base, "event_attendance", "attendance_id", "at_", {
        "event_type": f"case when ub(hc, 0) < 0.02 then {type_variants} else typ end",
        "status": f"""case
            when ub(hc, 2) < 0.003 then {lit(v.ATTENDANCE_STATUSES_UNKNOWN[0])}
            when ub(hc, 3) < 0.03 then {status_variants}
            else status end""",
        "product_line": "pl",
    }, id_width(2 * totals["hi"] + 2 * totals["ba"]), cut)


def _touches_sql() -> str:
    """Contacts sales touched: first touch after the first hand-raise (speed to lead)."""
    fast = "60 * exp(u(i, 'delay') * ln(2880.0))"  # 1 minute .. 2 days, log-uniform
    slow = f"(2 + 12 * u(i, 'delay2')) * {DAY}"
    return f"""
    create table touch as
    with hr as (
        select i, min(t) as first_hr from mom
        where kind in {sql_in(v.HIGH_INTENT_FORM_TYPES)} group by i
    ),
    first_m as (select i, min(t) as first_moment from mom group by i),
    c as (
        select ct.*, hr.first_hr, first_m.first_moment
        from ct join first_m using (i) left join hr using (i)
    ),
    x as (
        select *,
            case
                when bot_kind is not null then null
                when first_hr is not null and (has_opp or u(i, 'touched') < 0.85) then
                    first_hr + case when has_opp or u(i, 'slow') < 0.8 then {fast}
                                    else {slow} end
                when first_hr is null and u(i, 'outbound') < 0.05 then
                    first_moment + (1 + 9 * u(i, 'delay')) * {DAY}
            end as t_first,
            1 + least(11, cast(floor(-ln(1.0 - u(i, 'n_act')) * 2.5) as bigint)) as n_act
        from c
    )
    select i, contact_id, persona, fit, has_opp, t_opp, t_first, n_act,
        cast(sum(n_act) over (order by i rows between unbounded preceding and current row)
            - n_act as bigint) as act_off
    from x where t_first is not null
    order by i
    """


def _activities_sql(cut: int) -> str:
    typ = weighted(v.ACTIVITY_TYPES, "u2(i, k, 'act_type')")
    return f"""
    select sfid('00T', act_off + k) as activity_id, contact_id,
        case when u2(i, k, 'act_dirt') < 0.02 then
                 ({sql_list(['Call', 'EMAIL', ' meeting', 'Email '])})[
                    1 + cast(floor(u2(i, k, 'act_dirt2') * 4) as bigint)]
             else {typ} end as activity_type,
        ts(t) as occurred_at
    from (
        select *, case when k = 0 then t_first
                       else t_first + k * {DAY * 3 // 2} + u2(i, k, 'act_t') * {DAY} end as t
        from (select *, unnest(range(n_act)) as k from touch where t_first <= {cut})
    ) where t <= {cut}
    """


def _status_changes_sql(cut: int) -> str:
    bad = "persona in ('student', 'competitor', 'job_seeker', 'employee', 'intern')"
    outcome = f"""case
        when has_opp then 'accepted'
        when {bad} then case when u(i, 'outcome') < 0.9 then 'rejected' end
        when fit < 0.4 then case when u(i, 'outcome') < 0.6 then 'rejected'
                                 when u(i, 'outcome') < 0.85 then 'recycled' end
        else case when u(i, 'outcome') < 0.45 then 'recycled'
                  when u(i, 'outcome') < 0.6 then 'rejected' end end"""
    variants = {
        "working": ("Working", " WORKING"), "accepted": (" ACCEPTED", "Accepted"),
        "rejected": ("Rejected", "REJECTED "), "recycled": ("RECYCLED ", "Recycled"),
    }
    rows = f"""
        select i, contact_id, 'working' as status, t_first + u(i, 'working_t') * 3600 as t
        from touch where t_first <= {cut}
        union all
        select i, contact_id, outcome as status,
            case when outcome = 'accepted' then t_opp - u(i, 'accept_t') * 43200
                 else t_first + (1 + 9 * u(i, 'outcome_t')) * {DAY} end as t
        from (select *, {outcome} as outcome from touch where t_first <= {cut})
        where outcome is not null"""
    return f"""
    select contact_id,
        case when status <> 'working' and u2(i, status, 'unknown') < 0.01
                 then {lit(v.LEAD_STATUSES_UNKNOWN[0])}
             when u2(i, status, 'variant') < 0.02
                 then {variant_pick("status", variants, "u2(i, status, 'variant2')")}
             else status end as status,
        ts(t) as changed_at
    from (
        select *, unnest(case when u2(i, status, 'dup') < 0.005 then [0, 1] else [0] end) as copy_k
        from ({rows}) where t <= {cut}
    )
    """


def _opportunities_sql(s: Sizes, cut: int) -> str:
    """Opportunities created by the cut, each in the stage it had then.

    An opportunity lives from `t_opp` to `t_close` (won after its cycle, lost after 60% of
    it); before it closes its stage moves discovery -> proposal -> negotiation at a third and
    two thirds of that time, so a later cut may show a stage change or the close.
    """
    pl_variants = {pl: (pl.upper(), " " + pl, pl.title()) for pl in v.PRODUCT_LINES}
    stage_expr = f"""case
        when t_close > {cut} then
            case when ({cut} - t_opp) / (t_close - t_opp) < 0.33 then 'discovery'
                 when ({cut} - t_opp) / (t_close - t_opp) < 0.66 then 'proposal'
                 else 'negotiation' end
        when won then 'closed_won' else 'closed_lost' end"""
    contact_opps = """
        select i as n, account_id, contact_id, interest as pl, t_opp, sales_cycle as cycle,
            win_draw as won, emp_c
        from ct where has_opp"""
    account_opps = f"""
        select {s.world_contacts} + a as n, account_id, null as contact_id,
            {pick(v.PRODUCT_LINES, "u(a, 'deal_pl')")} as pl,
            u(a, 'deal_t') * {WORLD - 30 * DAY} as t_opp,
            (20 + 100 * u(a, 'deal_cycle')) * {DAY} as cycle,
            u(a, 'deal_win') < case when is_target then 0.5 else 0.3 end as won, emp_c
        from acc
        where kind = 'company'
          and u(a, 'deal') < case when is_target then 0.15 else 0.01 end"""
    return f"""
    select sfid('006', n) as opportunity_id, account_id, contact_id,
        case when u(n, 'pl_dirt') < 0.03
             then {variant_pick("pl", pl_variants, "u(n, 'pl_dirt2')")} else pl end
            as product_line,
        case when u(n, 'stage_dirt') < 0.02 then upper(stage) else stage end as stage,
        case when u(n, 'amount_dirt') < 0.005 then -amount
             when u(n, 'amount_dirt') < 0.015 then null else amount end as amount,
        ts(t_opp) as created_at,
        case when stage like 'closed%' then ts(t_close) end as closed_at,
        case when stage like 'closed%' then won
             when u(n, 'won_null') < 0.05 then null else false end as is_won
    from (
        select *, {stage_expr} as stage,
            round(8000 * exp(0.6 * gauss(n, 0, 'amount'))
                * (1 + ln(greatest(coalesce(emp_c, 10), 10)) / 2), 2) as amount
        from (
            select *, t_opp + case when won then cycle else 0.6 * cycle end as t_close
            from ({contact_opps} union all {account_opps})
        )
        where t_opp <= {cut}
    )
    """


def _accounts_raw_sql(s: Sizes, cut: int) -> str:
    """Accounts created by the cut, as they stood then.

    An account is created at its own draw (up to three years before ORIGIN) or before its
    first contact, whichever is earlier; it is edited once (`t_upd`: `updated_at` moves, no
    loaded field changes) and 0.3% get a conflicting second version 30 days after that edit.
    """
    industry = """case
        when u(a, 'ind_null') < 0.03 then null
        when u(a, 'ind_dirt') < 0.70 then
            array_to_string(list_transform(string_split(industry_c, ' '),
                lambda w: upper(w[1]) || w[2:]), ' ')
        when u(a, 'ind_dirt') < 0.85 then industry_c
        when u(a, 'ind_dirt') < 0.90 then upper(industry_c)
        when u(a, 'ind_dirt') < 0.95 then ' ' || upper(industry_c[1]) || industry_c[2:] || ' '
        else replace(industry_c, ' ', '  ') || ' ' end"""
    c0 = s.first_company  # one of each impossible count is planted at fixed positions
    employees = f"""case
        when a = {c0} then -emp_c when a = {c0 + 1} then 0 when a = {c0 + 2} then 1000000000
        when u(a, 'emp_dirt') < 0.005 then -emp_c
        when u(a, 'emp_dirt') < 0.008 then 0
        when u(a, 'emp_dirt') < 0.010 then 1000000000
        when u(a, 'emp_dirt') < 0.040 then null
        else emp_c end"""
    revenue = """case when u(a, 'rev_null') < 0.10 then null
        else round(emp_c * (80000 + 320000 * u(a, 'rev')), 2) end"""
    country = """case
        when u(a, 'cty_dirt') < 0.02 then null
        when u(a, 'cty_dirt') < 0.05 then lower(country_c)
        when u(a, 'cty_dirt') < 0.07 then ' ' || country_c || ' '
        else country_c end"""
    domain = """case
        when u(a, 'dom_dirt') < 0.01 then null
        when u(a, 'dom_dirt') < 0.03 then 'www.' || domain_c
        when u(a, 'dom_dirt') < 0.04 then upper(domain_c)
        else domain_c end"""
    return f"""
    select account_id,
        case when copy_k = 2 then name_c || ' Inc.' else name_c end as name,
        {domain} as domain, {industry} as industry,
        case when copy_k = 2 then round(emp_c * 1.1) else {employees} end as employee_count,
        {revenue} as annual_revenue, {country} as country,
        case when u(a, 'tgt_null') < 0.02 then null else is_target end as is_target_account,
        ts(created) as created_at,
        ts(case when copy_k = 2 then t_upd + 30 * {DAY}
                when t_upd <= {cut} then t_upd else created end) as updated_at
    from (
        select *, greatest(created, 0) + u(a, 'acc_upd') * {HISTORY} as t_upd
        from (
            select acc.*, unnest(case when u(a, 'dup') < 0.005 then [0, 1]
                                      when u(a, 'dup') < 0.008 then [0, 2] else [0] end)
                    as copy_k,
                least(u(a, 'acc_created') * {HISTORY + 1095 * DAY} - {1095 * DAY},
                      coalesce(first_contact.t, {WORLD})) as created
            from acc
            left join (select a, min(created_t) as t from ct group by a) first_contact
                using (a)
        )
    )
    where created <= {cut} and (copy_k <> 2 or t_upd + 30 * {DAY} <= {cut})
    """


def _contacts_raw_sql(cut: int) -> str:
    """Contact rows created by the cut, as they stood then.

    Each row is edited once (`t_upd`, up to a year after its creation; 0.3% get a promotion,
    a second version 30 days after the edit) and an unsubscriber's `email_opt_out` turns true
    four days after the campaign it unsubscribed from (90% of them): `updated_at` follows.
    """
    corporate_local = """case
        when u(i, 'local') < 0.6 then first_c || '.' || last_c
        when u(i, 'local') < 0.8 then first_c[1] || last_c
        when u(i, 'local') < 0.9 then first_c
        else first_c || '_' || last_c end"""
    personal_local = """case
        when u(i, 'local') < 0.5 then first_c || '.' || last_c
            || cast(10 + floor(u(i, 'digits') * 89) as bigint)
        else first_c || last_c || cast(floor(u(i, 'digits') * 9999) as bigint) end"""
    domain = f"""case when email_kind = 'personal'
            then {weighted([(d, 1) for d in v.PERSONAL_EMAIL_DOMAINS], "u(i, 'pdomain')")}
            else domain_c end"""
    malformed = """case
        when u(i, 'malformed_kind') < 0.25 then local || '@'
        when u(i, 'malformed_kind') < 0.50 then local || '.' || dom
        when u(i, 'malformed_kind') < 0.65 then 'a@b'
        when u(i, 'malformed_kind') < 0.80 then ''
        when u(i, 'malformed_kind') < 0.90 then first_c || ' ' || last_c || '@' || dom
        else null end"""
    twin_variant = """case
        when u(i, 'twin_kind') < 0.25 then ' ' || upper(email[1]) || email[2:] || ' '
        when u(i, 'twin_kind') < 0.50 then upper(email)
        when u(i, 'twin_kind') < 0.75 then split_part(email, '@', 1) || '@'
            || upper(split_part(email, '@', 2))
        else email || ' ' end"""
    title = f"""case
        when u(i, 'tdirt') < 0.05 then {pick(v.PLACEHOLDER_TITLES, "u(i, 'tnull')")}
        when u(i, 'tdirt') < 0.10 then upper(t0)
        when u(i, 'tdirt') < 0.14 then lower(t0)
        when u(i, 'tdirt') < 0.17 then '  ' || t0 || ' '
        when u(i, 'tdirt') < 0.19 then replace(t0, ' ', '  ')
        else t0 end"""
    country = """case
        when u(i, 'ccty') < 0.05 then null
        when u(i, 'ccty') < 0.08 then lower(c0)
        when u(i, 'ccty') < 0.10 then c0 || ' '
        else c0 end"""
    with_email = f"""
        select *, case when has_malformed_email then {malformed}
                       when u(i, 'email_case') < 0.05 then upper(email[1]) || email[2:]
                       else email end as email_raw
        from (
            select *, case when n_same > 1 then local || '.' || i::varchar else local end
                || '@' || dom as email
            from (
                select *, count(*) over (partition by local, dom) as n_same
                from (select *,
                          case when email_kind = 'personal' then {personal_local}
                               else {corporate_local} end as local,
                          {domain} as dom
                      from ct)
            )
        )"""
    return f"""
    select case when copy_k = 3 then twin_contact_id else contact_id end as contact_id,
        account_id,
        case when copy_k = 3 then {twin_variant} else email_raw end as email,
        case when u(i, 'fn_null') < 0.01 then null
             else upper(first_c[1]) || first_c[2:] end as first_name,
        upper(last_c[1]) || last_c[2:] as last_name,
        case when copy_k = 2 then {per_level_pick('least(level + 1, 5)', "u(i, 'promo')")}
             else title_raw end as job_title,
        {country} as country,
        {weighted(v.LEAD_SOURCES, "u2(i, vk, 'lead_source')")} as lead_source,
        case when u(i, 'opt_null') < 0.03 then null
             else crm_opt_out or t_opt_out <= {cut} end as email_opt_out,
        ts(created) as created_at,
        ts(greatest(created,
                    case when copy_k = 2 then t_upd + 30 * {DAY}
                         when t_upd <= {cut} then t_upd end,
                    case when t_opt_out <= {cut} then t_opt_out end)) as updated_at
    from (
    select * from (
        select *, created + u2(i, vk, 'upd') * 365 * {DAY} as t_upd
        from (
        select *,
            case when copy_k = 3 then greatest(0.0, least(cast({WORLD - DAY} as double),
                     created_t + (u(i, 'twin_t') - 0.5) * 400 * {DAY}))
                 when is_late then win_start + 0.97 * (win_end - win_start)
                 else created_t end as created,
            case when email_stop = 'unsubscribe' and u(i, 'opt_sync') < 0.9
                 then (c_first + stop_at * stride) * {CAMPAIGN_SPACING} + 4 * {DAY} end
                as t_opt_out,
            case when u(i, 'cty_own') < 0.8 and country_c is not null then country_c
                 else {weighted(v.COUNTRIES, "u(i, 'ccty2')")} end as c0,
            {title} as title_raw,
            case when copy_k = 1 then 0 else copy_k end as vk
        from (
            select *, title_clean as t0,
                unnest([0, case when u(i, 'cdup') < 0.005 then 1 end,
                        case when u(i, 'cdup') >= 0.005 and u(i, 'cdup') < 0.008 then 2 end,
                        case when has_twin and email_raw is not null
                             and not has_malformed_email then 3 end]) as copy_k
            from ({with_email})
        ) where copy_k is not null
        )
    ) where created <= {cut} and (copy_k <> 2 or t_upd + 30 * {DAY} <= {cut})
    )
    """


def _truth_sql(cut: int) -> str:
    """Latent values of the contacts that exist at the cut (outcomes as of the cut)."""
    return f"""
    select contact_id, twin_contact_id, persona, bot_kind, level as seniority_level,
        email_kind, fit, intent, activity, is_silent, n_hi as high_intent_moments,
        wants_opp, has_opp and t_opp <= {cut} as has_opp,
        has_opp and win_draw and t_opp + sales_cycle <= {cut} as has_won_opportunity,
        interest as product_interest
    from ct
    where (case when is_late then win_start + 0.97 * (win_end - win_start)
                else created_t end) <= {cut}
    """


# --- Writing --------------------------------------------------------------------------------------


def _select_contract(t: RawTable, inner: str) -> str:
    casts = ", ".join(f"cast({c} as {typ}) as {c}" for c, typ in t.columns)
    return f"select {casts} from ({inner}) src"


def _copy(con: duckdb.DuckDBPyConnection, t: RawTable, inner: str, out_dir: Path) -> int:
    path = out_dir / t.schema / f"{t.name}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sql = (
        f"copy ({_select_contract(t, inner)}) to {lit(str(path))} "
        "(format parquet, compression zstd, row_group_size 122880)"
    )
    row = con.execute(sql).fetchone()
    rows = int(row[0]) if row else 0
    log.info("wrote %-32s %12d rows %8.1f s", t.qualified_name, rows,
             time.perf_counter() - started)
    return rows


def _create(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    started = time.perf_counter()
    con.execute(sql)
    n = con.execute(f"select count(*) from {name}").fetchone()
    log.info("built %-32s %12d rows %8.1f s", name, n[0] if n else 0,
             time.perf_counter() - started)


def _totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    keys = ("bg", "hi", "flood", "del", "sess", "bf", "ba")
    row = con.execute(
        "select " + ", ".join(f"sum(n_{k})" for k in keys) + " from ct"
    ).fetchone()
    assert row is not None
    return {k: int(x or 0) for k, x in zip(keys, row)}


def horizon_date() -> date:
    """The last possible end date: the simulated world ends there."""
    return date.fromordinal(ORIGIN.toordinal() + WORLD_DAYS)


def generate(cfg: GenerateConfig) -> dict[str, int]:
    """Write one Parquet file per raw table under `cfg.out_dir`; return rows per table."""
    if cfg.contacts < 1:
        raise ValueError("--contacts must be at least 1")
    cut_days = (cfg.end_date - ORIGIN).days
    if not 0 < cut_days <= WORLD_DAYS:
        raise ValueError(f"--end-date must lie after {ORIGIN} and at most {WORLD_DAYS} days "
                         f"after it (the simulated world ends {horizon_date()})")
    cut = cut_days * DAY  # seconds after ORIGIN: rows at or before it exist
    origin = int(datetime(ORIGIN.year, ORIGIN.month, ORIGIN.day, tzinfo=timezone.utc)
                 .timestamp())
    s = sizes_for(cfg.contacts)
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    tmp = cfg.out_dir / ".generate_tmp"
    started = time.perf_counter()
    log.info("generating %d contacts, %d accounts (seed %d, end date %s) into %s",
             s.contacts, s.accounts, cfg.seed, cfg.end_date, cfg.out_dir)
    con = db.connect()  # in memory, session time zone UTC
    try:
        con.execute(f"set temp_directory = {lit(str(tmp))}")
        _setup(con, cfg, origin)
        _create(con, "acc", _accounts_sql(s))
        _create(con, "ct0", _contacts_sql(s))
        _create(con, "ct1", _contacts_outcome_sql())
        _create(con, "ct", _contacts_counts_sql(s, cut))
        con.execute("drop table ct0; drop table ct1")
        _create(con, "mom", _moments_sql())
        _create(con, "touch", _touches_sql())
        totals = _totals(con)
        queries = {
            "raw_crm.accounts": _accounts_raw_sql(s, cut),
            "raw_crm.contacts": _contacts_raw_sql(cut),
            "raw_crm.opportunities": _opportunities_sql(s, cut),
            "raw_crm.lead_status_changes": _status_changes_sql(cut),
            "raw_crm.sales_activities": _activities_sql(cut),
            "raw_marketing.web_events": _web_sql(totals, cut),
            "raw_marketing.email_events": _email_sql(totals, cut),
            "raw_marketing.form_submissions": _forms_sql(totals, cut),
            "raw_marketing.event_attendance": _attendance_sql(totals, cut),
        }
        rows = {t.qualified_name: _copy(con, t, queries[t.qualified_name], cfg.out_dir)
                for t in RAW_TABLES}
        if cfg.with_truth:
            truth = cfg.out_dir / "_truth" / "contact_truth.parquet"
            truth.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy ({_truth_sql(cut)}) to {lit(str(truth))} (format parquet)")
            log.info("wrote latent truth to %s", truth)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("generated %d rows in %.1f s", sum(rows.values()), time.perf_counter() - started)
    return rows
