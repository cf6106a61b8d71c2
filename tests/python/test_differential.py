"""Differential test: the dbt models against the plain-Python reference of the documented rules.

Hypothesis draws small random populations (accounts, contacts with dirty titles, domains,
industries and sizes, and their web / e-mail / form / attendance events around the scoring
date, with some dirt, duplicates, bots and late events). Each population is written to a
fresh DuckDB warehouse, the models up to `scored_contacts` are built, and every field of
every (contact, scoring model) row must equal what `reference_scoring` computes from the
same raw rows and the same seeds; scores to the cent.

Speed: the seeds are loaded once per module into a template warehouse that each example
copies; then one `dbt run --select +scored_contacts` builds the models. Measured per example
(2 CPUs, quiet machine): template copy + `run` ~4.5 s; `build --exclude resource_type:test`
~6 s; `seed` + `run` ~6.5 s; `build --exclude test_type:data` (seeds, models and generic
tests) ~12 s. The whole test takes ~60 s for 6 examples. Shrinking is off (each step would
be a dbt build); instead a failure dumps the raw rows to JSON and reports, per differing
row, both sides' fields and rule components, the person's raw contact records and the
events only one side counts.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

import duckdb
import pytest
from conftest import query_dicts, write_raw_tables
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import reference_scoring as ref
from leadscore.dbt_runner import run_dbt

AS_OF = datetime(2026, 6, 1)
DBT_VARS = {"as_of": AS_OF.strftime("%Y-%m-%d")}
SCORE_TOLERANCE = 0.01
DAY = 86400

# --- vocabularies the generator draws from ----------------------------------------------------
TITLES = (
    # executives, with misspellings and punctuation
    "CEO", "C.E.O.", "Chief Executive Officer", "Cheif Executive Officer", "Co-Founder & CEO",
    "cofounder", "Owner/Operator", "President", "Chief Marketing Officer", "CMO", "CTO",
    "Managing Director", "Executive Assistant to the CEO",
    # vice presidents
    "VP Marketing", "V.P. of Marketing", "Vice President - Marketing", "vp, mktg", "VP of Sales",
    "SVP Marketing", "Senior Vice President, Revenue", "EVP Operations", "VP Data", "Vice Pres. Finance",
    "AVP Marketing Operations",
    # directors and heads
    "Dir. of Sales", "Director of Marketing", "Directr of Sales", "Head of Growth", "Head of Data",
    "Global Head of BI", "Director - IT", "Director of Business Intelligence", "General Manager",
    # managers
    "Marketing Mgr", "Marketing Manager", "Manger, Sales Ops", "IT Manager", "Team Lead",
    "Manager - Data & Analytics", "Sr Mgr Marketing", "HR Manager", "Human Resources Manager",
    # individual contributors
    "Software Engineer", "Sofware Engineer", "Data Analyst", "Data Scientist", "Account Executive",
    "Sales Rep", "SDR", "BDR", "Consultant", "Marketing Specialist", "DevOps Engineer",
    "System Administrator", "Recruiter", "Talent Acquisition Specialist", "Marketing Data Analyst",
    "Operations Analyst", "Accountant",
    # interns, students, job seekers
    "Marketing Intern", "Intern", "Trainee", "Working Student", "Student", "PhD Candidate",
    "MBA Candidate", "graduate student", "Open to work", "Looking for new opportunities",
    "Seeking new role", "Between roles",
    # blanks and noise
    None, "", " ", "-", "n/a", "Other", "?",
)
CORPORATE_DOMAINS = ("initech.io", "hooli.com", "Globex.COM", "umbrella-corp.de", "stark.co.uk")
PERSONAL_DOMAINS = ("gmail.com", "GMail.com", "yahoo.co.uk", "outlook.com", "proton.me", "gmx.de")
COMPETITOR_DOMAINS = ("rivalytics.com", "ScoreWise.io")
OWN_DOMAINS = ("lumenanalytics.io",)
INDUSTRIES = (
    "Software", " software ", "Financial  Services", "financial services", "Healthcare",
    "Manufacturing", "Retail", "Telecommunications", "Media", "Education", "Government",
    "Logistics", " Gambling ", "GAMBLING", "Tobacco", "Adult Entertainment", None,
)
EMPLOYEE_COUNTS = (None, 0, -5, 1, 5, 10, 11, 40, 50, 51, 120, 200, 201, 750, 1000, 1001, 3000,
                   5000, 5001, 20000, 5_000_000, 6_000_000)
COUNTRIES = ("US", "us", " GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "JP", None, "")
LEAD_SOURCES = ("referral", "Referral ", "partner", "partner_program", "PARTNER portal",
                "purchased_list", "purchased", "web", "organic_search", "webinar", None, "")
FIRST_NAMES = ("Jane", "John", "Maria", "David", "Priya", "Lukas", "Aisha", "Kenji", "Camille", "Zoë")
LAST_NAMES = ("Doe", "Smith", "Garcia", "Mueller", "Patel", "Tanaka", "Dubois", "Santos")
JUNK_NAMES = ("Test", " ASDF ", "xxx", "n/a", "Fake", "sample")
MALFORMED_EMAILS = ("jane@", "no-at-sign.example.com", "@acme.com", "jane@@acme.com",
                    "jane doe@acme.com", "jane@acme", "a@b")
PAGES = (
    "/pricing", "/Pricing/", "/pricing?utm_source=google", "/pricing/enterprise", "/PRICING#plans",
    "/case-studies/acme-logistics", "/product/analytics", "/product/automation/",
    "/product/data-platform", "/product", "/integrations/slack", "/docs/api", "/contact",
    "/demo", "/blog/what-is-lead-scoring", "/blog/dbt-best-practices/", "/careers",
    "/careers/senior-data-engineer", "/Careers/", "/", "//", "/about", "", None,
)
EMAIL_TYPES = ("Delivered", " delivered", "sent", "open", "OPEN", "Opened", " Click", "CLICK",
               "clicked", "bounce", "Hard-Bounce", "soft bounce", "Unsubscribe", "unsubscribed",
               "Spam Report", "spam-report", "forward", "xyz_unknown")
EMAIL_WEIGHTS = (8, 2, 1, 10, 3, 2, 6, 2, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.7, 0.3)
FORM_TYPES = ("Demo Request", "demo-request", "DEMO_REQUEST ", "Content Download", "content_download",
              "Contact Us", "contact-us", "Free Trial", "Webinar Registration", "Newsletter Signup",
              "Job Application", "partner_inquiry", "unknown_form")
FORM_WEIGHTS = (2, 1, 1, 4, 2, 1.5, 1, 1.5, 2, 2, 0.7, 0.5, 0.3)
ASSETS = ("Lead Scoring Benchmark Report", "Marketing Automation Playbook", "Product demo request",
          "14-day trial: Lumen Analytics", None)
PRODUCT_LINES = (None, None, "analytics", " Analytics ", "automation", "AUTOMATION", "data_platform", "")
ATTENDANCE_TYPES = ("Webinar", "WEBINAR", "webinar", "meeting", "Demo", "demo", "conference")
ATTENDANCE_STATUSES = ("Registered", "registered", "Attended", "ATTENDED ", "No Show", "no-show", "cancelled")
ACTIVITY_TYPES = ("call", "Call", "email", "EMAIL", " meeting", "meeting", "linkedin_message", None)


def _ts(rng: random.Random, low_days: float, high_days: float) -> datetime:
    """A whole-second time between AS_OF + low_days and AS_OF + high_days."""
    return AS_OF + timedelta(seconds=rng.randint(int(low_days * DAY), int(high_days * DAY)))


# --- hypothesis strategies ------------------------------------------------------------------
@st.composite
def accounts(draw: st.DrawFn, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        created = AS_OF - timedelta(days=draw(st.integers(30, 900)))
        domain = draw(st.sampled_from(CORPORATE_DOMAINS + COMPETITOR_DOMAINS[:1] + ("www.Hooli.com", None)))
        rows.append({
            "account_id": f"ACC{i:02d}" if i % 5 else f" ACC{i:02d} ",
            "name": f"Company {i}",
            "domain": domain,
            "industry": draw(st.sampled_from(INDUSTRIES)),
            "employee_count": draw(st.sampled_from(EMPLOYEE_COUNTS)),
            "annual_revenue": None,
            "country": draw(st.sampled_from(COUNTRIES)),
            "is_target_account": draw(st.sampled_from((True, False, None))),
            # a few accounts are unusable: no creation date
            "created_at": None if draw(st.integers(0, 19)) == 19 else created,
            "updated_at": created + timedelta(days=draw(st.integers(0, 20))),
        })
    if draw(st.booleans()):  # an older copy of an account (the newer one wins)
        old = dict(rows[0], industry="Tobacco", updated_at=rows[0]["updated_at"] - timedelta(days=3))
        rows.append(old)
    return rows


@st.composite
def contacts(draw: st.DrawFn, n: int, account_ids: list[str]) -> list[dict]:
    rows: list[dict] = []
    for i in range(n):
        first = draw(st.sampled_from(FIRST_NAMES))
        last = draw(st.sampled_from(LAST_NAMES))
        if draw(st.integers(0, 24)) == 24:
            first = draw(st.sampled_from(JUNK_NAMES))
        kind = draw(st.sampled_from(("corporate",) * 6 + ("personal",) * 2 + ("competitor", "own")))
        domain = {
            "corporate": CORPORATE_DOMAINS, "personal": PERSONAL_DOMAINS,
            "competitor": COMPETITOR_DOMAINS, "own": OWN_DOMAINS,
        }[kind]
        email = f"{first.strip()}.{last}{i}@{draw(st.sampled_from(domain))}"
        dirt = 99 - draw(st.integers(0, 99))  # 99 (the simplest draw) is a clean record
        if dirt < 4:
            email = draw(st.sampled_from(MALFORMED_EMAILS))
        elif dirt < 6:
            email = draw(st.sampled_from((None, "", "  ")))
        elif (dirt < 16 or (dirt < 18 and draw(st.booleans()))) and rows:
            # the same person again: an earlier contact's e-mail in another case / spacing
            # (16, 17: and this record has no creation date, so it cannot survive itself)
            email = f"  {rows[draw(st.integers(0, len(rows) - 1))]['email'] or 'x'}".upper()
        if dirt % 3 == 0 and email:
            email = f" {email.upper()} "
        elif dirt % 7 == 1 and email:  # pasted with invisible characters: not malformed
            email = f"\u00a0{email}\u200b\t"
        created_days = draw(st.sampled_from((-700, -400, -200, -200, -90, -90, -30, -30, -7, -1, 10, 400)))
        created = AS_OF + timedelta(days=created_days, seconds=draw(st.integers(0, DAY - 1)))
        row = {
            "contact_id": f"C{i:03d}",
            "account_id": draw(st.sampled_from(account_ids + ["ACC_UNKNOWN", None])),
            "email": email,
            "first_name": first,
            "last_name": last,
            "job_title": draw(st.sampled_from(TITLES)),
            "country": draw(st.sampled_from(COUNTRIES)),
            "lead_source": draw(st.sampled_from(LEAD_SOURCES)),
            "email_opt_out": draw(st.sampled_from((None, False, True))),
            "created_at": None if 16 <= dirt < 18 else created,  # missing creation date
            "updated_at": created + timedelta(days=draw(st.integers(0, 5))),
        }
        rows.append(row)
        if 18 <= dirt < 21:  # an older version of the same record lands too
            rows.append(dict(row, job_title="Intern", updated_at=row["updated_at"] - timedelta(days=2)))
        elif 21 <= dirt < 23:  # an exact copy lands twice
            rows.append(dict(row))
    return rows


def _events_for(rng: random.Random, contact_id: str, ids: count, behaviour: set[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in ref.EVENT_TABLES}

    def when() -> datetime:
        return _ts(rng, -400, 0) if rng.random() < 0.75 else _ts(rng, 0, 400)

    def cid() -> str | None:
        r = rng.random()
        return contact_id if r < 0.93 else f" {contact_id} " if r < 0.97 else rng.choice(["C999", None])

    def web(path: str | None, at: datetime) -> None:
        out["web_events"].append({"event_id": f"W{next(ids)}", "contact_id": cid(), "session_id": "s",
                                  "page_path": path, "occurred_at": at})

    def email(kind: str, campaign: str | None, at: datetime) -> None:
        out["email_events"].append({"event_id": f"E{next(ids)}", "contact_id": cid(), "campaign_id": campaign,
                                    "event_type": kind, "occurred_at": at})

    def form(kind: str, at: datetime) -> None:
        out["form_submissions"].append({"submission_id": f"F{next(ids)}", "contact_id": cid(), "form_type": kind,
                                        "asset_name": rng.choice(ASSETS), "product_line": rng.choice(PRODUCT_LINES),
                                        "occurred_at": at})

    for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8, 12, 20, 30))):
        table = rng.choices(ref.EVENT_TABLES, weights=(45, 30, 12, 13))[0]
        if table == "web_events":
            web(rng.choice(PAGES), when())
        elif table == "email_events":
            campaign = rng.choice(("CMP-1", "CMP-2", "CMP-3", "CMP-4", None))
            at = when()
            if rng.random() < 0.5:  # a delivery first, then the open or click hours later
                email("delivered", campaign, at - timedelta(hours=rng.randint(1, 72)))
            email(rng.choices(EMAIL_TYPES, weights=EMAIL_WEIGHTS)[0], campaign, at)
        elif table == "form_submissions":
            form(rng.choices(FORM_TYPES, weights=FORM_WEIGHTS)[0], when())
        else:
            out["event_attendance"].append({
                "attendance_id": f"T{next(ids)}", "contact_id": cid(),
                "event_type": rng.choice(ATTENDANCE_TYPES), "status": rng.choice(ATTENDANCE_STATUSES),
                "product_line": rng.choice(PRODUCT_LINES), "occurred_at": when()})

    if "bot_clicker" in behaviour:  # a link scanner: clicks 2 s after each delivery
        for k in range(rng.randint(1, 4)):
            at = _ts(rng, -60, -1)
            email("Delivered", f"BOT-{contact_id}-{k}", at)
            email("click", f"BOT-{contact_id}-{k}", at + timedelta(seconds=rng.choice((0, 2, 2, 10, 11))))
    if "flood" in behaviour:  # more (or exactly as many as allowed) page views in one minute
        minute = _ts(rng, -40, 0).replace(second=0)
        for _ in range(rng.choice((30, 31, 45))):
            web(rng.choice(PAGES[:6] + ("/careers",)), minute + timedelta(seconds=rng.randint(0, 59)))
    if "careers" in behaviour:
        for _ in range(rng.randint(1, 4)):
            web(rng.choice(("/careers", "/careers/product-designer", "/Careers/")), _ts(rng, -200, 30))
    if "applicant" in behaviour:
        form("Job Application", _ts(rng, -300, 20))
    if "spam" in behaviour:
        email("Spam Report", "CMP-1", _ts(rng, -300, 20))
    if "hot" in behaviour:  # a recent hand-raiser
        form(rng.choice(("Demo Request", "Free Trial", "Contact Us")), _ts(rng, -5, 0))
        if rng.random() < 0.5:
            out["event_attendance"].append({
                "attendance_id": f"T{next(ids)}", "contact_id": contact_id, "event_type": "Demo",
                "status": "Attended", "product_line": rng.choice(PRODUCT_LINES), "occurred_at": _ts(rng, -10, 0)})
        for _ in range(rng.randint(1, 5)):
            web("/pricing", _ts(rng, -10, 0))
    if rng.random() < 0.1 and out["web_events"]:  # an event row landed twice
        out["web_events"].append(dict(rng.choice(out["web_events"])))
    return out


class Population(dict):
    """Raw rows by table, with a short repr (Hypothesis prints the failing example)."""

    def __repr__(self) -> str:
        return "Population(" + ", ".join(f"{k}: {len(v)} rows" for k, v in self.items()) + ")"


@st.composite
def populations(draw: st.DrawFn) -> Population:
    account_rows = draw(accounts(draw(st.integers(2, 8))))
    account_ids = sorted({r["account_id"].strip() for r in account_rows})
    contact_rows = draw(contacts(draw(st.integers(20, 60)), account_ids))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    ids = count(1)
    raw = Population({"raw_crm.accounts": account_rows, "raw_crm.contacts": contact_rows})
    for table in ref.EVENT_TABLES:
        raw[f"raw_marketing.{table}"] = []
    behaviours = ("bot_clicker", "flood", "careers", "applicant", "spam", "hot")
    raw["raw_crm.sales_activities"] = []
    for contact_id in sorted({r["contact_id"] for r in contact_rows}):
        behaviour = {b for b in behaviours if draw(st.integers(0, 99)) >= (75 if b == "hot" else 92)}
        for table, rows in _events_for(rng, contact_id, ids, behaviour).items():
            raw[f"raw_marketing.{table}"].extend(rows)
        raw["raw_crm.sales_activities"].extend(_activities_for(rng, contact_id, ids))
    return raw


def _activities_for(rng: random.Random, contact_id: str, ids: count) -> list[dict]:
    """Sales activities (calls, e-mails, meetings) of one contact: dirty types, one of an
    unknown type, late ones, a few without contact or time, and a row landed twice."""
    rows = []
    for _ in range(rng.choice((0, 0, 0, 1, 2, 4))):
        at = _ts(rng, -300, 0) if rng.random() < 0.8 else _ts(rng, 0, 300)
        rows.append({"activity_id": f"A{next(ids)}",
                     "contact_id": contact_id if rng.random() < 0.93 else rng.choice([f" {contact_id} ", "C999", None]),
                     "activity_type": rng.choice(ACTIVITY_TYPES),
                     "occurred_at": at if rng.random() < 0.97 else None})
    if rows and rng.random() < 0.2:
        rows.append(dict(rows[0]))
    return rows


# Rules of every kind the grammar has, added to the shipped seeds for the second test (the
# kind a calibrated points table needs): each match type on fit attributes (the numeric
# employee count, the e-mail opt-out) and event details, count bands (plain, decayed, from
# 0) and the CRM's sales activities. Columns of seed scoring_rules.
GRAMMAR_RULES = [
    ("default", "g_size_mid", "fit", "employee_count", "between", "51..500", 4, 4, None, None, None, "51-500 people"),
    ("default", "g_size_tiny", "fit", "employee_count", "between", "..10", -4, 4, None, None, None, "Tiny company"),
    ("default", "g_opt_out", "fit", "email_opt_out", "equals", "true", -6, 6, None, None, None, "Opted out of e-mail"),
    ("default", "g_source_bin", "fit", "lead_source", "in", "referral | partner_program|organic_search", 2, 2,
     None, None, None, "Came by referral, partner or search"),
    ("default", "g_industry", "fit", "industry", "regex", "^(Software|media)$", 1, 1, None, None, None,
     "Software or media"),
    ("default", "g_partner_any", "fit", "lead_source", "like", "partner_%", 1, 1, None, None, None, "Partner of any kind"),
    ("default", "g_views_1", "engagement", "page_view", "like", "%", 2, 2, None, 1, 1, "Visited once"),
    ("default", "g_views_2_4", "engagement", "page_view", "like", "%", 5, 5, None, 2, 4, "Visited 2 to 4 times"),
    ("default", "g_views_5", "engagement", "page_view", "like", "%", 9, 9, None, 5, None, "Visited 5 times or more"),
    ("default", "g_never_visited", "engagement", "page_view", "", "%", -3, 3, None, None, 0, "Never visited"),
    ("default", "g_pricing_lately", "engagement", "page_view", "like", "/pricing%", 6, 6, 30, 0.5, 2,
     "Looked at pricing lately"),
    ("default", "g_docs_api", "engagement", "page_view", "equals", "/docs/api", 1, 2, 30, None, None, "Read the API docs"),
    ("default", "g_products", "engagement", "page_view", "regex", "^/product/(analytics|automation)$", 2, 4, 30,
     None, None, "Viewed the analytics or automation page"),
    ("default", "g_calls", "engagement", "sales_call", "like", "%", 3, 9, 30, None, None, "Took a sales call"),
    ("default", "g_met_sales", "engagement", "sales_meeting", "like", "%", 5, 5, None, 1, None, "Met with sales"),
    ("analytics", "g_views_5", "engagement", "page_view", "like", "%", 12, 12, None, 5, None, "Visited 5 times or more"),
]


# --- building the warehouse -----------------------------------------------------------------
@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse with the seeds loaded (and empty raw tables), copied by every example."""
    root = tmp_path_factory.mktemp("differential")
    template, target = root / "template.duckdb", root / "target"
    write_raw_tables(template, {})
    result = run_dbt("seed", template, dbt_vars=DBT_VARS, target_path=target)
    assert result.success, result.failures()
    return template, target


@pytest.fixture(scope="module")
def grammar_setup(seeded_template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
                  ) -> tuple[Path, Path, ref.Config]:
    """The seeded template with GRAMMAR_RULES added to scoring_rules, and the reference's
    configuration read from the seed files with the same rows appended."""
    template, target = seeded_template
    root = tmp_path_factory.mktemp("grammar")
    grammar_template = root / "template.duckdb"
    shutil.copy(template, grammar_template)
    con = duckdb.connect(str(grammar_template))
    try:
        columns = [c[0] for c in con.execute("describe scoring_config.scoring_rules").fetchall()]
        con.executemany(f"insert into scoring_config.scoring_rules ({', '.join(columns)})"
                        f" values ({', '.join('?' for _ in columns)})", GRAMMAR_RULES)
    finally:
        con.close()
    seeds = root / "seeds"
    shutil.copytree(ref.SEEDS_DIR, seeds)
    with open(seeds / "scoring_rules.csv", "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(
            ["" if v is None else v for v in rule] for rule in GRAMMAR_RULES)
    return grammar_template, target, ref.load_config(seeds)


_example_ids = count()


def build_and_read(template: Path, target: Path, raw: dict[str, list[dict]]) -> tuple[Path, list[dict], datetime]:
    warehouse = template.parent / f"example_{next(_example_ids)}.duckdb"
    shutil.copy(template, warehouse)
    write_raw_tables(warehouse, raw)
    started = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    result = run_dbt("run", warehouse, select=["+scored_contacts"], dbt_vars=DBT_VARS, target_path=target)
    assert result.success, result.failures()
    rows = query_dicts(warehouse, "select * from marts.scored_contacts")
    return warehouse, rows, started


# --- comparison -----------------------------------------------------------------------------
def _near(value: float, thresholds: list[float]) -> bool:
    return any(abs(value - t) <= SCORE_TOLERANCE for t in thresholds)


def _reasons_order_is_fragile(score: ref.ContactScore) -> bool:
    """True when floating-point noise could reorder or re-round top_reasons: two
    contributions within 1e-6 of each other (but not equal), or one within 1e-6 of x.5."""
    values = sorted(abs(c.points_after_cap) for c in score.components)
    if any(0 < b - a < 1e-6 for a, b in zip(values, values[1:])):
        return True
    return any(abs(v % 1 - 0.5) < 1e-6 for v in values)


SHOWN_FIELDS = ("fit_score", "engagement_score", "lead_score", "fit_grade", "engagement_tier",
                "is_disqualified", "disqualification_reason", "is_sales_ready", "top_reasons")


def _diagnose(warehouse: Path, raw: dict[str, list[dict]], ref_events: list[ref.Event],
              expected: ref.ContactScore, actual: dict) -> str:
    """Both sides of one differing row: fields, rule components, the raw contact records of
    the person (same id or same e-mail) and the events only one side counts."""
    contact_id, model = expected.contact_id, expected.scoring_model
    sql_components = query_dicts(
        warehouse,
        "select rule_id, event_count, round(points_after_decay, 4) as after_decay,"
        " round(points_after_cap, 4) as after_cap from intermediate.int_score_components"
        f" where contact_id = '{contact_id}' and scoring_model = '{model}' order by rule_id",
    )
    ref_components = sorted(
        (c.rule_id, c.event_count, round(c.points_after_decay, 4), round(c.points_after_cap, 4))
        for c in expected.components
    )
    own = [r for r in raw["raw_crm.contacts"] if (r["contact_id"] or "").strip() == contact_id]
    emails = {ref.normalize_email(r["email"]) for r in own} - {None}
    person = [r for r in raw["raw_crm.contacts"] if r in own or ref.normalize_email(r["email"]) in emails]
    sql_events: dict[tuple, dict] = {}
    for e in query_dicts(warehouse, "select source_table, event_id, raw_contact_id, contact_id, exclusion_reason,"
                                    " bot_reason from intermediate.int_engagement_events_resolved"
                                    " order by exclusion_reason nulls last"):
        sql_events.setdefault((e["source_table"], e["event_id"]), e)  # the usable copy of a duplicate first
    sql_counted = {k for k, e in sql_events.items()
                   if e["contact_id"] == contact_id and e["exclusion_reason"] is None and e["bot_reason"] is None}
    ref_counted = {(e.source_table, e.event_id) for e in ref_events
                   if e.contact_id == contact_id and e.bot_reason is None}
    only_ref = [(k, sql_events.get(k, {}).get("raw_contact_id"), sql_events.get(k, {}).get("exclusion_reason")
                 or sql_events.get(k, {}).get("bot_reason")) for k in sorted(ref_counted - sql_counted)]
    only_sql = sorted(sql_counted - ref_counted)
    return (
        f"\ncontact {contact_id} model {model}\n"
        f"  sql:       {({f: actual[f] for f in SHOWN_FIELDS})}\n"
        f"  reference: {({f: getattr(expected, f) for f in SHOWN_FIELDS})}\n"
        f"  raw contact records of this person: {person}\n"
        f"  sql components: {[tuple(c.values()) for c in sql_components]}\n"
        f"  ref components: {ref_components}\n"
        f"  events counted by the reference only (key, raw contact, SQL reason): {only_ref[:10]}\n"
        f"  events counted by SQL only: {only_sql[:10]}\n"
    )


def compare(warehouse: Path, raw: dict[str, list[dict]], actual_rows: list[dict],
            expected: dict[tuple[str, str], ref.ContactScore], config: ref.Config,
            ref_events: list[ref.Event]) -> list[str]:
    problems: list[str] = []
    actual = {(r["contact_id"], r["scoring_model"]): r for r in actual_rows}
    missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
    if missing:
        problems.append(f"scored by the reference, missing from the mart: {missing}")
    if extra:
        problems.append(f"in the mart, not scorable per the reference: {extra}")
    for key in sorted(set(expected) & set(actual)):
        exp, act = expected[key], actual[key]
        model = exp.scoring_model
        bad = []
        for name in ("fit_score", "engagement_score", "lead_score"):
            if abs(float(act[name]) - getattr(exp, name)) > SCORE_TOLERANCE:
                bad.append(name)
        for name in ("is_disqualified", "disqualification_reason"):
            if act[name] != getattr(exp, name):
                bad.append(name)
        grade_edges = [config.setting(model, f"fit_grade_{g}_min") for g in "abc"]
        tier_edges = [config.setting(model, f"engagement_tier_{t}_min") for t in (1, 2)]
        if act["fit_grade"] != exp.fit_grade and not _near(exp.fit_points_raw, grade_edges):
            bad.append("fit_grade")
        if act["engagement_tier"] != exp.engagement_tier and not _near(exp.engagement_points_raw, tier_edges):
            bad.append("engagement_tier")
        if act["score_matrix"] != f"{act['fit_grade']}{act['engagement_tier']}":
            bad.append("score_matrix (inconsistent in the mart)")
        elif act["score_matrix"] != exp.score_matrix and not (
            _near(exp.fit_points_raw, grade_edges) or _near(exp.engagement_points_raw, tier_edges)
        ):
            bad.append("score_matrix")
        routing = config.setting(model, "mql_threshold")
        if act["is_sales_ready"] != exp.is_sales_ready and not _near(exp.lead_score, [routing]):
            bad.append("is_sales_ready")
        if act["top_reasons"] != exp.top_reasons and not _reasons_order_is_fragile(exp):
            bad.append("top_reasons")
        if bad:
            problems.append(f"fields {bad} differ:" + _diagnose(warehouse, raw, ref_events, exp, act))
    return problems


CONFIG = ref.load_config()


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
@given(raw=populations())
def test_sql_matches_reference(seeded_template: tuple[Path, Path], raw: dict[str, list[dict]]) -> None:
    template, target = seeded_template
    warehouse, actual_rows, started = build_and_read(template, target, raw)
    expected = ref.score_population(raw, AS_OF, now=started, config=CONFIG)
    assert expected, "the population should have scorable contacts"
    ref_events = ref.resolve_events(raw, now=started, config=CONFIG)
    problems = compare(warehouse, raw, actual_rows, expected, CONFIG, ref_events)
    if problems:
        dump = warehouse.with_suffix(".raw.json")
        dump.write_text(json.dumps(raw, default=str, indent=1), encoding="utf-8")
        pytest.fail(f"{len(problems)} difference(s) between SQL and reference (raw rows: {dump},"
                    f" warehouse: {warehouse}):\n" + "\n".join(problems[:8]), pytrace=False)


@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
@given(raw=populations())
def test_sql_matches_reference_with_the_full_grammar(grammar_setup: tuple[Path, Path, ref.Config],
                                                     raw: dict[str, list[dict]]) -> None:
    """The same comparison with a rule of every kind the grammar has (GRAMMAR_RULES)."""
    template, target, config = grammar_setup
    warehouse, actual_rows, started = build_and_read(template, target, raw)
    expected = ref.score_population(raw, AS_OF, now=started, config=config)
    ref_events = ref.resolve_events(raw, now=started, config=config)
    problems = compare(warehouse, raw, actual_rows, expected, config, ref_events)
    fired = {c.rule_id for s in expected.values() for c in s.components if c.rule_id.startswith("g_")}
    if problems:
        dump = warehouse.with_suffix(".raw.json")
        dump.write_text(json.dumps(raw, default=str, indent=1), encoding="utf-8")
        pytest.fail(f"{len(problems)} difference(s) between SQL and reference (raw rows: {dump},"
                    f" warehouse: {warehouse}):\n" + "\n".join(problems[:8]), pytrace=False)
    assert len(fired) >= 8, f"too few grammar rules fired to test anything: {sorted(fired)}"


def test_reference_reads_the_seeds() -> None:
    """The reference takes its weights from the seed files, not from constants."""
    config = ref.load_config()
    assert set(config.models) >= {"default"}
    demo = next(r for r in config.rules if r.rule_id == "eng_form_demo_request" and r.scoring_model == "default")
    assert demo.points > 0 and demo.half_life_days
    assert config.rules_of("analytics") and all(r.scoring_model in ("analytics", "default")
                                                for r in config.rules_of("analytics"))
    assert "gambling" in config.excluded_industries


def test_reference_basics() -> None:
    """A few hand checks of the reference helpers (fast, no dbt)."""
    kw = CONFIG.title_keywords
    assert ref.classify_title(ref.title_key("V.P. of Marketing"), kw) == ("vp", "marketing")
    assert ref.classify_title(ref.title_key("Cheif Executive Officer"), kw)[0] == "executive"
    assert ref.classify_title(ref.title_key("PhD Candidate"), kw)[0] == "student"
    assert ref.classify_title(ref.title_key("Open to work"), kw)[0] == "job_seeker"
    assert ref.classify_title(None, kw) == ("unknown", "unknown")
    assert ref.sql_like("/pricing/enterprise", "/pricing%")
    assert ref.sql_like("individual_contributor", "individual_contributor")
    assert ref.sql_like("abc", "a_c") and not ref.sql_like("abbc", "a_c")
    m = ref.value_matches
    assert m("olarkxchat", "like", "olark_chat") and not m("olarkxchat", "equals", "olark_chat")
    assert m("Olark_Chat", "equals", "olark_chat") and m("google", "in", "google|olark_chat")
    assert not m("goog", "in", "google|olark_chat") and not m("olark", "in", "google|olark_chat")
    assert m("Media", "regex", "^(software|MEDIA)$") and not m("social media", "regex", "^media$")
    assert m("51", "between", "51..200") and m("200", "between", "51..200") and not m("201", "between", "51..200")
    assert m("7", "between", "..10") and m("5001", "between", "1001..") and not m("n/a", "between", "..10")
    assert ref.normalize_match(None, " Partner% ") == ("like", "partner%")
    assert ref.normalize_match("IN", "Google | Olark_Chat") == ("in", "google|olark_chat")
    assert ref.normalize_match("regex", " ^\\D+$ ") == ("regex", "^\\D+$")
    assert ref.page_path(" /Pricing/?utm=x ") == "/pricing" and ref.page_path("//") == "/"
    assert ref.normalize_type(" Spam - Report ") == "spam_report"
    assert ref.normalize_email("\ufeff Zoë@Ex\u200bample.com\u00a0\n") == "zoë@example.com"
    assert all(ref.VALID_EMAIL.fullmatch(e) for e in ("zoë@example.com", "café@x.fr", "o'neil@x.ie"))
    assert not any(ref.VALID_EMAIL.fullmatch(e) for e in ("john smith@x.com", "jane@", "jane.x.com", "a@b"))
    assert abs(ref.decay_factor(AS_OF - timedelta(days=30), AS_OF, 30) - 0.5) < 1e-12
    assert ref.decay_factor(AS_OF - timedelta(days=300), AS_OF, None) == 1.0
    assert ref.round_half_away(0.5) == 1 and ref.round_half_away(-2.5) == -3
