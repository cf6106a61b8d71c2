"""`leadscore calibrate`: propose new weights for one scoring model from its own backtest.

Reads the point-in-time backtest of a built warehouse (marts.score_backtest, the rules
audit and the intermediate tables behind them), fits new points on the older complete
snapshots, checks them on the newer ones, and writes the result as a *shadow* scoring
model `<model>_candidate`: seed rows that, copied over the project's seeds, score the
candidate beside the live model (docs/calibration.md).

Method (chosen by measurement, docs/calibration.md "Why L1 logistic regression"):
scikit-learn's L1-regularized logistic regression (liblinear) on readable features -
one indicator per value of each fit attribute, and per engagement rule its decayed event
count capped where it saturates plus an indicator for "none at all". The L1 penalty sets
most weights to exactly zero, so the strength that keeps at most --max-rules rules is
found by walking the regularization path; the weights are then scaled to the 100-point
system and rounded to integers, and values of one attribute that round to the same
points become one `in` rule. optbinning's Scorecard (BinningProcess + LogisticRegression
with points scaling) was measured against it on the same split and features
(bench/compare_calibration_methods.py): on the 5,000-contact demo, at most 25 rules, holdout
AUC 0.921 against 0.866 (live weights 0.915), 4 s against 28 s. Every selected variable of
a scorecard brings one rule per bin, so 25 rules hold only 8-9 variables; its binning
solves a constraint program per variable; and it brings 22 packages (ortools, cvxpy,
matplotlib) for what liblinear does in scikit-learn alone.
"""

from __future__ import annotations

import argparse
import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

log = logging.getLogger(__name__)

CANDIDATE_SUFFIX = "_candidate"
DEFAULT_MAX_RULES = 25
# The newest share of the complete backtest period kept out of the fit (evaluated on).
HOLDOUT_SHARE = 0.30
# Fewest conversions (and non-conversions) in the training snapshots for a fit.
MIN_TRAIN_CONVERSIONS = 20
# Decayed event counts at which an engagement rule may saturate (its cap = points x count).
SATURATION_COUNTS = (1.0, 2.0, 3.0, 5.0)
NEEDED_RELATIONS = (
    ("marts", "score_backtest"),
    ("marts", "scoring_rule_audit"),
    ("intermediate", "int_backtest_snapshots"),
    ("intermediate", "int_backtest_disqualified"),
    ("intermediate", "int_score_backtest_components"),
    ("intermediate", "int_contact_fit_attributes"),
    ("intermediate", "int_scoring_rules_effective"),
    ("intermediate", "int_scoring_model_config"),
)


class CalibrationError(Exception):
    """A user mistake or a backtest that cannot be fitted: one line, exit code 2."""


# --- what the warehouse holds -------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRule:
    """A rule of the live model as int_scoring_rules_effective applies it."""

    rule_id: str
    category: str
    signal: str
    match_value: str
    points: float
    max_points: float
    half_life_days: float | None
    reason_text: str
    is_inherited: bool = False


@dataclass(frozen=True)
class AuditRow:
    """One row of marts.scoring_rule_audit: the evidence for a rule over complete snapshots."""

    rule_kind: str
    rule_id: str
    contacts_with: int
    conversions_with: int
    conversion_rate_with: float | None
    contacts_without: int
    conversion_rate_without: float | None
    lift: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str
    verdict_detail: str


@dataclass(frozen=True)
class ModelSettings:
    lead_threshold: float
    mql_threshold: float
    fit_min: float
    fit_max: float
    engagement_min: float
    engagement_max: float
    total_min: float
    total_max: float
    audit_min_contacts: int


@dataclass
class Backtest:
    """The complete backtest snapshots of one model, one row per contact and snapshot.

    fit_codes[c, a] is the code of contact c's value of attribute a (index into
    fit_values[a]; -1 = no value); a row's contact is row_contact. eng_counts[r, k] is the
    decayed event count of engagement rule eng_rules[k] at the row's snapshot (0 = none).
    reasons[r, k]: disqualification reason disq_reasons[k] applied at the row's snapshot.
    """

    model: str
    snapshot_at: dict[int, datetime]
    row_snapshot: np.ndarray
    row_contact: np.ndarray
    contact_ids: list[str]
    converted: np.ndarray
    current_score: np.ndarray
    disq_reasons: list[str]
    reasons: np.ndarray
    attributes: list[str]
    fit_values: list[list[str]]
    fit_codes: np.ndarray
    eng_rules: list[str]
    eng_counts: np.ndarray
    rules: dict[str, LiveRule]
    audit: dict[tuple[str, str], AuditRow]
    settings: ModelSettings
    build_id: str | None = None
    scores_build_id: str | None = None

    @property
    def rows(self) -> int:
        return len(self.converted)

    def row_fit_codes(self, attribute_index: int) -> np.ndarray:
        return self.fit_codes[self.row_contact, attribute_index]


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, in UTC."""
    if not path.is_file():
        raise CalibrationError(f"no DuckDB file at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise CalibrationError(f"cannot open {path} read-only: {str(exc).splitlines()[0]}") from exc
    con.execute("SET TimeZone='UTC'")
    return con


def check_relations(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    found = set(con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall())
    missing = [f"{s}.{t}" for s, t in NEEDED_RELATIONS if (s, t) not in found]
    if missing:
        raise CalibrationError(
            f"{path} has no backtest ({', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}"
            " missing): build the build warehouse with the evaluation models"
            " (dbt build, without --exclude tag:evaluation)")


def read_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [m for (m,) in con.execute(
        "select scoring_model from intermediate.int_scoring_model_config order by 1").fetchall()]


def read_settings(con: duckdb.DuckDBPyConnection, model: str) -> ModelSettings:
    row = con.execute(
        """select lead_threshold, mql_threshold, fit_min_points, fit_max_points,
                  engagement_min_points, engagement_max_points,
                  total_min_points, total_max_points, audit_min_contacts
           from intermediate.int_scoring_model_config where scoring_model = ?""",
        [model]).fetchone()
    lead, mql, fit_min, fit_max, eng_min, eng_max, total_min, total_max, min_contacts = row
    return ModelSettings(lead, mql, fit_min, fit_max, eng_min, eng_max, total_min, total_max,
                         int(min_contacts if min_contacts is not None else 30))


def read_rules(con: duckdb.DuckDBPyConnection, model: str) -> dict[str, LiveRule]:
    rows = con.execute(
        """select rule_id, category, signal, match_value, points, max_points, half_life_days,
                  reason_text, is_inherited
           from intermediate.int_scoring_rules_effective where scoring_model = ?
           order by category, rule_id""", [model]).fetchall()
    return {r[0]: LiveRule(*r) for r in rows}


def read_audit(con: duckdb.DuckDBPyConnection, model: str) -> dict[tuple[str, str], AuditRow]:
    rows = con.execute(
        """select rule_kind, rule_id, contacts_with, conversions_with, conversion_rate_with,
                  contacts_without, conversion_rate_without, lift, ci_low, ci_high, verdict,
                  verdict_detail
           from marts.scoring_rule_audit where scoring_model = ?""", [model]).fetchall()
    return {(r[0], r[1]): AuditRow(*r) for r in rows}


def read_backtest(con: duckdb.DuckDBPyConnection, model: str) -> Backtest:
    """Every complete snapshot row of `model` with its features, as numpy arrays."""
    snapshot_at = dict(con.execute(
        "select snapshot_number, snapshot_at from intermediate.int_backtest_snapshots"
        " where is_outcome_complete order by 1").fetchall())
    audit = read_audit(con, model)
    disq_reasons = sorted(rule_id for kind, rule_id in audit if kind == "disqualification")
    reason_columns = "".join(
        f", coalesce(', ' || d.all_disqualification_reasons || ', ' like '%, {r}, %', false)"
        f" as r_{i}" for i, r in enumerate(disq_reasons))
    con.execute(
        f"""create or replace temp table calibrate_rows as
            select row_number() over (order by b.snapshot_number, b.contact_id) - 1 as row_idx,
                   dense_rank() over (order by b.contact_id) - 1 as contact_idx,
                   b.contact_id, b.snapshot_number,
                   b.converted_in_window as converted,
                   cast(b.lead_score as double) as lead_score,
                   b.build_id {reason_columns}
            from marts.score_backtest as b
            left join intermediate.int_backtest_disqualified as d
                on b.contact_id = d.contact_id and b.snapshot_number = d.snapshot_number
                and b.scoring_model = d.scoring_model
            where b.scoring_model = ? and b.is_outcome_complete""", [model])
    cols = con.execute("select * exclude (contact_id, build_id) from calibrate_rows"
                       " order by row_idx").fetchnumpy()
    contact_ids = [c for (c,) in con.execute(
        "select contact_id from calibrate_rows group by contact_id, contact_idx"
        " order by contact_idx").fetchall()]
    row_contact = cols["contact_idx"].astype(np.int64)
    reasons = np.column_stack([cols[f"r_{i}"].astype(bool) for i in range(len(disq_reasons))]) \
        if disq_reasons else np.zeros((len(row_contact), 0), dtype=bool)
    attributes, fit_values, fit_codes = _read_fit_attributes(con, contact_ids)
    rules = read_rules(con, model)
    eng_rules = sorted(r.rule_id for r in rules.values() if r.category == "engagement")
    eng_counts = _read_engagement(con, model, eng_rules, len(row_contact))
    (build_id,) = con.execute("select max(build_id) from calibrate_rows").fetchone()
    scores_build = _scores_build_id(con)
    return Backtest(
        model=model, snapshot_at=snapshot_at,
        row_snapshot=cols["snapshot_number"].astype(np.int64), row_contact=row_contact,
        contact_ids=contact_ids, converted=cols["converted"].astype(bool),
        current_score=cols["lead_score"].astype(float), disq_reasons=disq_reasons,
        reasons=reasons, attributes=attributes, fit_values=fit_values, fit_codes=fit_codes,
        eng_rules=eng_rules, eng_counts=eng_counts, rules=rules, audit=audit,
        settings=read_settings(con, model), build_id=build_id, scores_build_id=scores_build)


def _read_fit_attributes(con: duckdb.DuckDBPyConnection, contact_ids: list[str]
                         ) -> tuple[list[str], list[list[str]], np.ndarray]:
    """Who each contact is (int_contact_fit_attributes, lower case), as codes per attribute."""
    rows = con.execute(
        """select distinct a.attribute, lower(a.attribute_value) as attribute_value
           from intermediate.int_contact_fit_attributes as a
           where a.contact_id in (select contact_id from calibrate_rows)
           order by 1, 2""").fetchall()
    attributes = sorted({a for a, _ in rows})
    fit_values = [[v for a2, v in rows if a2 == a] for a in attributes]
    codes = np.full((len(contact_ids), len(attributes)), -1, dtype=np.int32)
    if not attributes:
        return attributes, fit_values, codes
    value_rows = [(ai, vi, a, v) for ai, a in enumerate(attributes)
                  for vi, v in enumerate(fit_values[ai])]
    con.execute("create or replace temp table calibrate_values"
                " (attr_idx integer, value_idx integer, attribute varchar, attribute_value varchar)")
    con.executemany("insert into calibrate_values values (?, ?, ?, ?)", value_rows)
    got = con.execute(
        """select c.contact_idx, v.attr_idx, v.value_idx
           from intermediate.int_contact_fit_attributes as a
           inner join (select distinct contact_id, contact_idx from calibrate_rows) as c
               on a.contact_id = c.contact_id
           inner join calibrate_values as v
               on a.attribute = v.attribute and lower(a.attribute_value) = v.attribute_value"""
    ).fetchnumpy()
    codes[got["contact_idx"].astype(np.int64), got["attr_idx"].astype(np.int64)] = got["value_idx"]
    return attributes, fit_values, codes


def _read_engagement(con: duckdb.DuckDBPyConnection, model: str, eng_rules: list[str],
                     rows: int) -> np.ndarray:
    """rows x rules: decayed event count of each engagement rule at the row's snapshot."""
    counts = np.zeros((rows, len(eng_rules)), dtype=np.float64)
    if not eng_rules:
        return counts
    con.execute("create or replace temp table calibrate_rule_index (rule_idx integer, rule_id varchar)")
    con.executemany("insert into calibrate_rule_index values (?, ?)", list(enumerate(eng_rules)))
    got = con.execute(
        """select r.row_idx, i.rule_idx, c.decayed_event_count
           from intermediate.int_score_backtest_components as c
           inner join calibrate_rows as r
               on c.contact_id = r.contact_id and c.snapshot_number = r.snapshot_number
           inner join calibrate_rule_index as i on c.rule_id = i.rule_id
           where c.scoring_model = ?""", [model]).fetchnumpy()
    counts[got["row_idx"].astype(np.int64), got["rule_idx"].astype(np.int64)] = \
        np.nan_to_num(got["decayed_event_count"].astype(np.float64))
    return counts


def _scores_build_id(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        (build_id,) = con.execute("select max(build_id) from marts.scored_contacts").fetchone()
    except duckdb.Error:
        return None
    return build_id


# --- the split: fit on older complete snapshots, evaluate on newer ones ---------------------------


@dataclass(frozen=True)
class Split:
    cut_at: datetime
    train_snapshots: list[int]
    test_snapshots: list[int]
    train: np.ndarray  # row mask
    test: np.ndarray


def split_snapshots(bt: Backtest, train_until: date | None) -> Split:
    """Train on the complete snapshots up to the cut, test on the newer complete ones. The
    default cut leaves the newest HOLDOUT_SHARE of the complete backtest period out."""
    if len(bt.snapshot_at) < 2:
        raise CalibrationError(
            f"the backtest has {len(bt.snapshot_at)} snapshot(s) with a complete outcome window:"
            " at least 2 are needed (one to fit, one to check; vars backtest_snapshots,"
            " outcome_window_days)")
    first, last = min(bt.snapshot_at.values()), max(bt.snapshot_at.values())
    if train_until is None:
        cut_at = first + (last - first) * (1 - HOLDOUT_SHARE)
    else:
        cut_at = datetime.combine(train_until, datetime.min.time()) + timedelta(days=1) \
            - timedelta(microseconds=1)
    train_snaps = sorted(n for n, at in bt.snapshot_at.items() if at <= cut_at)
    test_snaps = sorted(n for n, at in bt.snapshot_at.items() if at > cut_at)
    if not train_snaps or not test_snaps:
        raise CalibrationError(
            f"--train-until {train_until} is outside the backtest: its complete snapshots run"
            f" from {first:%Y-%m-%d} to {last:%Y-%m-%d}, and the cut must leave at least one"
            " on each side")
    return Split(cut_at, train_snaps, test_snaps, np.isin(bt.row_snapshot, train_snaps),
                 np.isin(bt.row_snapshot, test_snaps))


# --- evidence: what the fit may change, what it must keep ---------------------------------------


def like_matches(pattern: str, value: str) -> bool:
    """SQL LIKE (`%` any run, `_` one character) on lower-case text, as the fit rules match."""
    return _like_regex(pattern).fullmatch(value.lower()) is not None


def _like_regex(pattern: str) -> re.Pattern[str]:
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern.lower()]
    return re.compile("".join(parts), re.DOTALL)


def kept_rules(bt: Backtest, rows: np.ndarray) -> dict[str, tuple[str, int]]:
    """Rules with too little evidence, which keep their current points: those the audit has
    fewer than audit_min_contacts contact-snapshots with or without (scoring_rule_audit's
    own words say so), and those that fire for fewer than that many of the fitted
    contact-snapshots `rows` (or for all but that few: the fit cannot weigh them). Returns
    rule_id -> (why, how many fitted contact-snapshots it fires for)."""
    n = bt.settings.audit_min_contacts
    total = int(rows.sum())
    out = {}
    for live in bt.rules.values():
        fired = evidence(bt, live_as_candidate(bt, live, "kept"), rows).contacts_with
        audit = bt.audit.get((live.category, live.rule_id))
        if audit is not None and (audit.contacts_with < n or audit.contacts_without < n):
            out[live.rule_id] = (audit.verdict_detail, fired)
        elif fired < n or total - fired < n:
            few = f"only {fired:,}" if fired < n else f"all but {total - fired:,}"
            out[live.rule_id] = (f"fires for {few} of the {total:,} fitted contact-snapshots"
                                 f" (at least {n} needed either way)", fired)
    return out


def contradicted_disqualifications(bt: Backtest) -> list[str]:
    """Disqualification reasons whose contacts convert at or above the rest (the audit's
    verdict `contradicts`): proposed off."""
    return sorted(rule_id for (kind, rule_id), row in bt.audit.items()
                  if kind == "disqualification" and row.verdict == "contradicts")


def disqualified(bt: Backtest, reasons_off: Sequence[str]) -> np.ndarray:
    """Rows disqualified when the reasons in `reasons_off` are switched off."""
    on = [i for i, r in enumerate(bt.disq_reasons) if r not in set(reasons_off)]
    return bt.reasons[:, on].any(axis=1) if on else np.zeros(bt.rows, dtype=bool)


# --- features ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    """One column the regression may weigh.

    fit    1 when the contact's attribute `index` has value code `value`;
    count  engagement rule `index`'s decayed event count, capped at `saturation` events;
    none   1 when engagement rule `index` has no matching event at all (count band 0..0).
    """

    kind: str
    index: int
    value: int = -1
    saturation: float = 0.0


def is_numeric_attribute(values: Sequence[str]) -> bool:
    """An attribute whose values are all numbers (employee_count): one indicator per exact
    number would fit single accounts (on the demo, "employee_count in 121": 48
    contact-snapshots of one company, lift 18), so it is left out; its banded form
    (company_size_band) carries the size."""
    def number(value: str) -> bool:
        try:
            float(value)
        except ValueError:
            return False
        return True
    return bool(values) and all(number(v) for v in values)


def fit_features(bt: Backtest, rows: np.ndarray, kept: Sequence[str]) -> list[Feature]:
    """One feature per attribute value seen on at least audit_min_contacts of the fitted
    rows (and missing from as many), except the attribute's most common value: that one,
    the rare values and a missing value are the reference (0 points), so that the typical
    contact is not moved by an attribute at all. Values a kept (thin-evidence) rule matches
    are left to that rule; a value with a `|` in it cannot be written in an `in` rule; a
    numeric attribute is left out (is_numeric_attribute)."""
    n_min = bt.settings.audit_min_contacts
    kept_fit = [bt.rules[r] for r in kept if bt.rules[r].category == "fit"]
    out = []
    for a, attribute in enumerate(bt.attributes):
        if is_numeric_attribute(bt.fit_values[a]):
            continue
        codes = bt.row_fit_codes(a)[rows]
        counts = np.bincount(codes[codes >= 0], minlength=len(bt.fit_values[a]))
        mode = int(counts.argmax()) if counts.any() else -1
        for v, value in enumerate(bt.fit_values[a]):
            if v == mode or counts[v] < n_min or len(codes) - counts[v] < n_min or "|" in value:
                continue
            if any(r.signal == attribute and like_matches(r.match_value, value) for r in kept_fit):
                continue
            out.append(Feature("fit", a, v))
    return out


def engagement_features(bt: Backtest, rows: np.ndarray, kept: Sequence[str]) -> list[Feature]:
    """Per engagement rule that is not kept: its decayed count capped where it saturates
    (the cap of SATURATION_COUNTS whose capped count correlates best with converting: the
    one a points-per-event rule fits best), and "none at all" where doing it is the rule
    rather than the exception (more than half the rows have some)."""
    y = bt.converted[rows].astype(np.float64)
    n_min = bt.settings.audit_min_contacts
    out = []
    for k, rule_id in enumerate(bt.eng_rules):
        if rule_id in kept:
            continue
        d = bt.eng_counts[rows, k]
        if (d >= 0.5).sum() < n_min:
            continue
        out.append(Feature("count", k, saturation=_saturation(d, y)))
        none = int((d == 0).sum())
        if n_min <= none < len(d) / 2:
            out.append(Feature("none", k))
    return out


def _saturation(d: np.ndarray, y: np.ndarray) -> float:
    best, best_corr = SATURATION_COUNTS[0], -np.inf
    for cap in SATURATION_COUNTS:
        x = np.minimum(d, cap)
        if x.std() == 0:
            continue
        corr = abs(float(np.corrcoef(x, y)[0, 1]))
        if corr > best_corr + 1e-9:
            best, best_corr = cap, corr
    return best


def feature_matrix(bt: Backtest, features: Sequence[Feature], rows: np.ndarray):
    """The rows x features matrix (sparse CSR)."""
    from scipy import sparse

    idx = np.flatnonzero(rows)
    columns = []
    for f in features:
        if f.kind == "fit":
            col = (bt.fit_codes[bt.row_contact[idx], f.index] == f.value).astype(np.float64)
        elif f.kind == "count":
            col = np.minimum(bt.eng_counts[idx, f.index], f.saturation)
        else:
            col = (bt.eng_counts[idx, f.index] == 0).astype(np.float64)
        columns.append(sparse.csc_matrix(col[:, None]))
    if not columns:
        return sparse.csr_matrix((len(idx), 0))
    return sparse.hstack(columns, format="csr")


# --- the candidate: a points table ---------------------------------------------------------------


@dataclass
class CandidateRule:
    """A rule of the candidate, in the seed's grammar, plus what scoring it here needs."""

    rule_id: str
    category: str
    signal: str
    match_type: str
    match_value: str
    points: int | float
    max_points: int | float
    half_life_days: float | None
    count_min: float | None
    count_max: float | None
    reason_text: str
    origin: str  # fitted, kept (too little evidence), dropped (a live rule set to 0)
    kind: str  # fit, per_event, band
    attribute: int = -1  # fit: attribute index
    values: tuple[int, ...] = ()  # fit: value codes matched
    eng_rule: int = -1  # engagement: index into Backtest.eng_rules
    live_rule_id: str | None = None  # the live rule this one replaces or comes from


@dataclass
class Candidate:
    model: str
    rules: list[CandidateRule]
    reasons_off: list[str]
    kept: list[str]
    scale: float  # points per unit of log-odds
    penalty_c: float
    fit_max: float
    engagement_max: float
    caps_changed: bool = False
    features: list[Feature] = field(default_factory=list)

    silent: frozenset[str] = frozenset()  # kept rules that fire for no fitted contact
    kept_reasons: dict[str, str] = field(default_factory=dict)  # why each kept rule is kept
    weights: np.ndarray | None = None  # the fitted weights (log-odds) of `features`

    @property
    def scoring_rules(self) -> list[CandidateRule]:
        """The rules that give points (what a sales manager reads)."""
        return [r for r in self.rules if r.points != 0 and r.origin != "dropped"]

    @property
    def counted_rules(self) -> list[CandidateRule]:
        """The scoring rules --max-rules bounds: all but kept rules that fire for nobody."""
        return [r for r in self.scoring_rules if r.rule_id not in self.silent]


def fit_weights(x, y: np.ndarray, c: float) -> np.ndarray:
    """L1-regularized logistic regression (liblinear) at inverse strength c: most weights
    exactly zero. The weights it keeps are shrunk, but only their ratios matter: the scale
    of the points is set afterwards (choose_scale)."""
    from sklearn.linear_model import LogisticRegression

    lasso = LogisticRegression(l1_ratio=1.0, solver="liblinear", C=c, intercept_scaling=100.0,
                               max_iter=1000, tol=1e-5, random_state=0).fit(x, y)
    return lasso.coef_[0].copy()


def fit_signed(bt: Backtest, features: list[Feature], x, y: np.ndarray, c: float
               ) -> tuple[list[Feature], np.ndarray]:
    """Fit, with two signs fixed: a decaying rule may only earn points (the seeds forbid a
    decaying penalty), and "none at all" may only cost points (a bonus for never doing
    something would rank a contact who did it a little below one who never did). A weight
    of the wrong sign is dropped and the rest refitted."""
    keep = np.ones(len(features), dtype=bool)
    while True:
        w = np.zeros(len(features))
        if keep.any():
            w[keep] = fit_weights(x[:, np.flatnonzero(keep)], y, c)
        wrong = [i for i, f in enumerate(features) if keep[i] and (
            (w[i] < 0 and f.kind == "count" and bt.rules[bt.eng_rules[f.index]].half_life_days)
            or (w[i] > 0 and f.kind == "none"))]
        if not wrong:
            return features, w
        keep[wrong] = False


def choose_scale(raw: np.ndarray, target_share: float, mql_threshold: float) -> float:
    """Points per unit of log-odds: the candidate's fitted points put as many of the fitted
    contact-snapshots at or above the MQL threshold as the live model does (target_share,
    kept within 0.5%..20%), so that 75 still means the volume sales is used to."""
    share = min(max(target_share, 0.005), 0.20)
    top = float(np.quantile(raw, 1 - share))
    if top <= 0:
        top = float(raw.max()) if raw.max() > 0 else 1.0
    return mql_threshold / top


ATTRIBUTE_LABELS = {
    "seniority": "Seniority", "department": "Department", "company_size_band": "Company size",
    "industry": "Industry", "country": "Country", "is_target_account": "Named target account",
    "email_type": "E-mail address", "lead_source": "Lead source",
    "email_opt_out": "Opted out of e-mail", "employee_count": "Employees",
}
VALUE_WORDS = {"vp": "VP", "it": "IT", "hr": "HR", "individual_contributor": "individual contributor",
               "job_seeker": "job seeker", "corporate": "company", "true": "yes", "false": "no"}


def _value_words(attribute: str, value: str) -> str:
    if attribute == "country":
        return value.upper()
    return VALUE_WORDS.get(value, value.replace("_", " "))


def _join_words(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def fit_reason(bt: Backtest, attribute: str, values: Sequence[str], points: int) -> str:
    """How a group of attribute values reads to a sales rep: the live rule's own words for
    a single value it matches exactly with points of the same sign ("served market" must not
    explain a penalty), else "<Attribute>: a, b or c"."""
    if len(values) == 1:
        for rule in bt.rules.values():
            if (rule.category == "fit" and rule.signal == attribute
                    and rule.match_value == values[0] and rule.points * points > 0):
                return rule.reason_text
    words = _join_words([_value_words(attribute, v) for v in values])
    suffix = " employees" if attribute == "company_size_band" and "unknown" not in values else ""
    return f"{ATTRIBUTE_LABELS.get(attribute, attribute.replace('_', ' ').capitalize())}: {words}{suffix}"


def _plain(reason: str) -> str:
    """A live reason without its trailing note in parentheses ("(scores nothing: ...)")."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", reason).strip() or reason


def none_reason(reason: str) -> str:
    """"Viewed the pricing page" -> "Never viewed the pricing page"."""
    text = _plain(reason)
    first = text.split(" ", 1)[0].lower()
    if first.endswith("ed") or first in ("read", "met", "filled", "signed"):
        return "Never " + text[0].lower() + text[1:]
    return "No such activity yet: " + text[0].lower() + text[1:]


def to_candidate(bt: Backtest, features: Sequence[Feature], w: np.ndarray, scale: float,
                 kept: Sequence[str], reasons_off: Sequence[str], c: float) -> Candidate:
    """Scaled, rounded weights as seed rules: fit values with equal points grouped into one
    `in` rule; per engagement rule its points per event and the cap where it saturates,
    and "none at all" as a 0..0 band; live rules the fit replaces or drops set to 0."""
    rules: list[CandidateRule] = []
    by_attribute: dict[int, dict[int, list[int]]] = {}
    for f, weight in zip(features, w):
        points = int(round(scale * weight))
        if f.kind == "fit" and points:
            by_attribute.setdefault(f.index, {}).setdefault(points, []).append(f.value)
    for a, groups in sorted(by_attribute.items()):
        attribute = bt.attributes[a]
        for rank, (points, codes) in enumerate(sorted(groups.items(), key=lambda g: -g[0]), 1):
            values = [bt.fit_values[a][v] for v in sorted(codes)]
            rules.append(CandidateRule(
                f"cal_{attribute}_{rank}", "fit", attribute, "in", "|".join(values), points,
                abs(points), None, None, None, fit_reason(bt, attribute, values, points), "fitted", "fit",
                attribute=a, values=tuple(sorted(codes))))
    refitted: set[str] = set()
    for f, weight in zip(features, w):
        if f.kind == "fit":
            continue
        live = bt.rules[bt.eng_rules[f.index]]
        points = int(round(scale * weight))
        if not points:
            continue
        if f.kind == "count":
            cap = int(round(abs(scale * weight) * f.saturation)) or abs(points)
            refitted.add(live.rule_id)
            rules.append(CandidateRule(
                live.rule_id, "engagement", live.signal, "like", live.match_value, points, cap,
                live.half_life_days if points > 0 else None, None, None, _plain(live.reason_text),
                "fitted", "per_event", eng_rule=f.index, live_rule_id=live.rule_id))
        else:
            rules.append(CandidateRule(
                f"{live.rule_id}_none", "engagement", live.signal, "like", live.match_value,
                points, abs(points), None, 0.0, 0.0, none_reason(live.reason_text), "fitted",
                "band", eng_rule=f.index, live_rule_id=live.rule_id))
    for rule_id in kept:
        live = bt.rules[rule_id]
        rules.append(live_as_candidate(bt, live, "kept"))
    for live in bt.rules.values():
        if live.rule_id in kept or live.rule_id in refitted or not (live.points or live.max_points):
            continue
        dropped = live_as_candidate(bt, live, "dropped")
        dropped.points, dropped.max_points = 0, 0
        rules.append(dropped)
    return Candidate(bt.model, rules, sorted(reasons_off), sorted(kept), scale, c,
                     bt.settings.fit_max, bt.settings.engagement_max, features=list(features))


def live_as_candidate(bt: Backtest, live: LiveRule, origin: str) -> CandidateRule:
    """A live rule in the candidate's grammar (its LIKE pattern, per-event points)."""
    if live.category == "fit":
        a = bt.attributes.index(live.signal) if live.signal in bt.attributes else -1
        codes = tuple(v for v, value in enumerate(bt.fit_values[a])
                      if like_matches(live.match_value, value)) if a >= 0 else ()
        return CandidateRule(live.rule_id, "fit", live.signal, "like", live.match_value,
                             _number(live.points), _number(live.max_points), live.half_life_days,
                             None, None, live.reason_text, origin, "fit", attribute=a,
                             values=codes, live_rule_id=live.rule_id)
    k = bt.eng_rules.index(live.rule_id)
    return CandidateRule(live.rule_id, "engagement", live.signal, "like", live.match_value,
                         _number(live.points), _number(live.max_points), live.half_life_days,
                         None, None, live.reason_text, origin, "per_event", eng_rule=k,
                         live_rule_id=live.rule_id)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# --- scoring the candidate here (the arithmetic the seeds will get in SQL) -----------------------


@dataclass
class Points:
    """Per row: the positive and negative points of each category, and the lead score."""

    fit_positive: np.ndarray
    fit_negative: np.ndarray
    engagement_positive: np.ndarray
    engagement_negative: np.ndarray
    lead_score: np.ndarray


def rule_points(bt: Backtest, rule: CandidateRule, idx: np.ndarray) -> np.ndarray:
    """The points `rule` gives each row in `idx`."""
    if rule.kind == "fit":
        if rule.attribute < 0:
            return np.zeros(len(idx))
        codes = bt.fit_codes[bt.row_contact[idx], rule.attribute]
        return np.where(np.isin(codes, rule.values), float(rule.points), 0.0)
    d = bt.eng_counts[idx, rule.eng_rule]
    if rule.kind == "band":
        high = np.inf if rule.count_max is None else rule.count_max
        low = -np.inf if rule.count_min is None else rule.count_min
        return np.where((d >= low) & (d <= high), float(rule.points), 0.0)
    cap = abs(float(rule.max_points))
    return np.clip(float(rule.points) * d, -cap, cap)


def score_candidate(bt: Backtest, cand: Candidate, idx: np.ndarray) -> Points:
    """Category points and lead score of the candidate for the rows `idx`: a category's
    positive points are capped (score_caps), its penalties apply after the cap, the
    category stays within its bounds, the total within 0..100, and a disqualified contact
    (reasons the candidate keeps on) scores 0."""
    s = bt.settings
    parts = {k: np.zeros(len(idx)) for k in ("fp", "fn", "ep", "en")}
    for rule in cand.scoring_rules:
        pts = rule_points(bt, rule, idx)
        prefix = "f" if rule.category == "fit" else "e"
        parts[prefix + "p"] += np.maximum(pts, 0)
        parts[prefix + "n"] += np.minimum(pts, 0)
    fit = np.maximum(np.minimum(parts["fp"], cand.fit_max) + parts["fn"], s.fit_min)
    eng = np.maximum(np.minimum(parts["ep"], cand.engagement_max) + parts["en"], s.engagement_min)
    lead = np.clip(fit + eng, s.total_min, s.total_max)
    lead[disqualified(bt, cand.reasons_off)[idx]] = 0
    return Points(parts["fp"], parts["fn"], parts["ep"], parts["en"], lead)


# --- how well a score ranks buyers (score_evaluation's definitions) -----------------------------


def auc(score: np.ndarray, converted: np.ndarray) -> float | None:
    """Chance that a converter scored above a non-converter, ties half (average ranks)."""
    from scipy.stats import rankdata

    pos = int(converted.sum())
    neg = len(converted) - pos
    if pos == 0 or neg == 0:
        return None
    ranks = rankdata(score)
    return float((ranks[converted].sum() - pos * (pos + 1) / 2) / (pos * neg))


def tie_order(bt: Backtest, idx: np.ndarray) -> np.ndarray:
    """md5 of contact_id (dbt.hash) per row: how score_evaluation breaks ties."""
    import hashlib

    digests = [hashlib.md5(c.encode()).hexdigest() for c in bt.contact_ids]
    ranks = np.empty(len(digests), dtype=np.int64)
    ranks[np.argsort(np.array(digests))] = np.arange(len(digests))
    return ranks[bt.row_contact[idx]]


def top_decile_rate(score: np.ndarray, converted: np.ndarray, tie: np.ndarray,
                    snapshot: np.ndarray) -> float:
    """Conversion rate of the best-scored 10% (ntile(10): the first group holds ceil(n/10))."""
    order = np.lexsort((snapshot, tie, -score))
    top = order[: math.ceil(len(score) / 10)]
    return float(converted[top].mean()) if len(top) else float("nan")


# --- calibration: the path of penalties, the caps ---------------------------------------------------


PENALTY_GRID = tuple(float(c) for c in np.logspace(-3, 1, 9))
# Halvings (in log scale) of the interval the final scale is searched in (rescale).
RESCALE_STEPS = 10
# Halvings (in log scale) of the step between the last grid strength within --max-rules and
# the first beyond it.
BISECTION_STEPS = 6


@dataclass
class Population:
    """The contact-snapshots one fit sees: rows, outcomes, features, design matrix."""

    rows: np.ndarray
    y: np.ndarray
    features: list[Feature]
    x: object
    target_share: float
    silent: frozenset[str] = frozenset()


def population(bt: Backtest, snapshots: Sequence[int], kept: Sequence[str],
               reasons_off: Sequence[str]) -> Population:
    in_snapshots = np.isin(bt.row_snapshot, list(snapshots))
    rows = in_snapshots & ~disqualified(bt, reasons_off)
    features = fit_features(bt, rows, kept) + engagement_features(bt, rows, kept)
    live_rows = in_snapshots & ~disqualified(bt, [])
    share = float((bt.current_score[live_rows] >= bt.settings.mql_threshold).mean()) \
        if live_rows.any() else 0.0
    return Population(rows, bt.converted[rows], features, feature_matrix(bt, features, rows), share)


def candidate_at(bt: Backtest, pop: Population, c: float, kept: Sequence[str],
                 reasons_off: Sequence[str]) -> Candidate:
    used, w = fit_signed(bt, pop.features, pop.x, pop.y, c)
    scale = choose_scale(pop.x @ w, pop.target_share, bt.settings.mql_threshold)
    cand = to_candidate(bt, used, w, scale, kept, reasons_off, c)
    cand.weights = w
    cand.silent = pop.silent
    log.debug("C=%.4g: %d rules", c, len(cand.counted_rules))
    return cand


def penalty_path(bt: Backtest, pop: Population, max_rules: int, kept: Sequence[str],
                 reasons_off: Sequence[str]) -> list[Candidate]:
    """Candidates from the strongest penalty of PENALTY_GRID up to the weakest that keeps
    at most `max_rules` rules (that boundary found to BISECTION_STEPS halvings)."""
    path: list[Candidate] = []
    low = high = None
    for c in PENALTY_GRID:
        cand = candidate_at(bt, pop, c, kept, reasons_off)
        if len(cand.counted_rules) > max_rules:
            high = c
            break
        path.append(cand)
        low = c
    for _ in range(BISECTION_STEPS if high is not None and low is not None else 0):
        c = math.sqrt(low * high)
        cand = candidate_at(bt, pop, c, kept, reasons_off)
        if len(cand.counted_rules) > max_rules:
            high = c
        else:
            path.append(cand)
            low = c
    return path


def calibrate(bt: Backtest, split: Split, max_rules: int) -> Candidate:
    """The candidate with the weakest L1 penalty whose rounded points table has at most
    `max_rules` scoring rules (kept rules count too), fitted on the training snapshots: the
    rule budget is the regularization (docs/calibration.md: what was measured)."""
    reasons_off = contradicted_disqualifications(bt)
    fitted_rows = split.train & ~disqualified(bt, reasons_off)
    why_kept = kept_rules(bt, fitted_rows)
    kept = sorted(why_kept)
    silent = frozenset(r for r, (_, fired) in why_kept.items() if fired == 0)
    kept_scoring = [r for r in kept if bt.rules[r].points and r not in silent]
    if len(kept_scoring) >= max_rules:
        raise CalibrationError(
            f"--max-rules {max_rules} leaves no room: {len(kept_scoring)} rules keep their points"
            " for lack of evidence")
    pop = population(bt, split.train_snapshots, kept, reasons_off)
    pop.silent = silent
    conversions = int(pop.y.sum())
    if conversions < MIN_TRAIN_CONVERSIONS or len(pop.y) - conversions < MIN_TRAIN_CONVERSIONS:
        raise CalibrationError(
            f"too few conversions to fit: {conversions} in {len(pop.y):,} contact-snapshots of"
            f" the training snapshots (at least {MIN_TRAIN_CONVERSIONS} needed; try a later"
            " --train-until, or more backtest snapshots)")
    path = penalty_path(bt, pop, max_rules, kept, reasons_off)
    if not path:
        raise CalibrationError(
            f"no points table with at most {max_rules} rules: even the strongest penalty keeps"
            " more (raise --max-rules)")
    best = rescale(bt, pop, max(path, key=lambda cand: cand.penalty_c), max_rules)
    best.kept_reasons = {r: why for r, (why, _) in why_kept.items()}
    return best


def rescale(bt: Backtest, pop: Population, cand: Candidate, max_rules: int) -> Candidate:
    """choose_scale matched the MQL volume on the weights as fitted; the candidate as it
    will score is rounded and capped. Find (RESCALE_STEPS halvings in log scale, within
    [1/2, 4] times) the smallest scale at which as many fitted contact-snapshots reach the
    MQL threshold with the rounded, capped candidate (its own caps proposed) as with the
    live weights, among the scales that keep it within max_rules."""
    target = min(max(pop.target_share, 0.005), 0.20)
    idx = np.flatnonzero(pop.rows)

    def at(scale: float) -> tuple[Candidate, float]:
        trial = to_candidate(bt, cand.features, cand.weights, scale, cand.kept, cand.reasons_off,
                             cand.penalty_c)
        trial.weights, trial.silent = cand.weights, cand.silent
        trial = propose_caps(bt, trial, pop.rows)
        lead = score_candidate(bt, trial, idx).lead_score
        return trial, float((lead >= bt.settings.mql_threshold).mean())

    best, share = at(cand.scale)
    if share >= target:
        low, high = cand.scale / 2, cand.scale
    else:
        low, high = cand.scale, cand.scale * 4
    for _ in range(RESCALE_STEPS):
        mid = math.sqrt(low * high)
        trial, trial_share = at(mid)
        if len(trial.counted_rules) > max_rules:
            high = mid
            continue
        if trial_share >= target:
            best, high = trial, mid
        else:
            low = mid
    log.debug("scale %.2f -> %.2f", cand.scale, best.scale)
    return best


def propose_caps(bt: Backtest, cand: Candidate, rows: np.ndarray) -> Candidate:
    """Raise a category cap to what the candidate's positive points reach for 99% of the
    fitted contact-snapshots (a multiple of 5) when the live cap would cut more than 1%."""
    for effect in cap_effects(bt, cand, rows):
        if effect.share_above_live > 0.01:
            cap = float(5 * math.ceil(effect.reach_p99 / 5))
            setattr(cand, f"{effect.category}_max", cap)
            cand.caps_changed = True
    return cand


# --- the comparison on the newer snapshots -----------------------------------------------------


BANDS = ((90, 100), (80, 89), (70, 79), (60, 69), (50, 59), (40, 49), (30, 39), (20, 29),
         (10, 19), (0, 9))


@dataclass(frozen=True)
class Evaluation:
    """How one lead score ranked the evaluated contact-snapshots."""

    contacts: int
    conversions: int
    auc: float | None
    top_decile_rate: float
    at_lead: tuple[int, int]  # contact-snapshots at or above the lead threshold, conversions
    at_mql: tuple[int, int]
    lead_band: tuple[int, int]  # lead threshold up to below the MQL threshold
    below_lead: tuple[int, int]
    bands: tuple[tuple[str, int, int], ...]  # 10-point bands: label, contacts, conversions


def evaluate(bt: Backtest, score: np.ndarray, idx: np.ndarray) -> Evaluation:
    y = bt.converted[idx]
    s = bt.settings
    whole = np.floor(np.round(score, 2))

    def count(mask: np.ndarray) -> tuple[int, int]:
        return int(mask.sum()), int(y[mask].sum())

    bands = tuple((f"{lo}-{hi}", *count((whole >= lo) & (whole <= hi))) for lo, hi in BANDS)
    return Evaluation(
        contacts=len(idx), conversions=int(y.sum()), auc=auc(score, y),
        top_decile_rate=top_decile_rate(score, y, tie_order(bt, idx), bt.row_snapshot[idx]),
        at_lead=count(score >= s.lead_threshold), at_mql=count(score >= s.mql_threshold),
        lead_band=count((score >= s.lead_threshold) & (score < s.mql_threshold)),
        below_lead=count(score < s.lead_threshold), bands=bands)


@dataclass(frozen=True)
class CapEffect:
    """What a category cap does to the candidate's positive points (fitted rows)."""

    category: str
    live_cap: float
    candidate_cap: float
    share_above_live: float
    reach_p99: float
    reach_max: float


@dataclass
class Result:
    """Everything the report says: the split, the candidate, the two evaluations."""

    backtest: Backtest
    split: Split
    candidate: Candidate
    current: Evaluation
    proposed: Evaluation
    caps: list[CapEffect]
    seconds: dict[str, float]


def cap_effects(bt: Backtest, cand: Candidate, rows: np.ndarray) -> list[CapEffect]:
    points = score_candidate(bt, cand, np.flatnonzero(rows))
    out = []
    for category, positive, live, proposed in (
            ("fit", points.fit_positive, bt.settings.fit_max, cand.fit_max),
            ("engagement", points.engagement_positive, bt.settings.engagement_max,
             cand.engagement_max)):
        out.append(CapEffect(category, live, proposed, float((positive > live).mean()),
                             float(np.quantile(positive, 0.99)), float(positive.max())))
    return out


def run_calibration(duckdb_path: Path, model: str, train_until: date | None = None,
                    max_rules: int = DEFAULT_MAX_RULES) -> Result:
    """Read, fit on the older snapshots, evaluate both weights on the newer ones."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    con = connect(duckdb_path)
    try:
        check_relations(con, duckdb_path)
        models = read_models(con)
        if model not in models:
            raise CalibrationError(
                f"unknown scoring model {model!r} (the warehouse has: {', '.join(models)})")
        bt = read_backtest(con, model)
    finally:
        con.close()
    seconds["read"] = time.perf_counter() - started
    if bt.rows == 0:
        raise CalibrationError(f"the backtest of {model!r} has no contact-snapshot with a complete"
                               " outcome window")
    split = split_snapshots(bt, train_until)
    started = time.perf_counter()
    cand = calibrate(bt, split, max_rules)
    seconds["fit"] = time.perf_counter() - started
    started = time.perf_counter()
    test = np.flatnonzero(split.test)
    current = evaluate(bt, bt.current_score[test], test)
    proposed = evaluate(bt, score_candidate(bt, cand, test).lead_score, test)
    fitted_rows = split.train & ~disqualified(bt, cand.reasons_off)
    caps = cap_effects(bt, cand, fitted_rows)
    seconds["evaluate"] = time.perf_counter() - started
    return Result(bt, split, cand, current, proposed, caps, seconds)


# --- command line ------------------------------------------------------------------------------


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def _rule_budget(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--duckdb", type=Path, required=True,
                   help="the build warehouse (it needs the backtest: marts.score_backtest and"
                        " the intermediate tables behind it)")
    p.add_argument("--scoring-model", default="default",
                   help="the live model to calibrate (default %(default)s)")
    p.add_argument("--out", type=Path, required=True,
                   help="directory for the candidate's seed files and calibration.md")
    p.add_argument("--train-until", type=_iso_date, default=None,
                   help="fit on the complete snapshots up to this date, evaluate on the later"
                        " ones (default: all but the newest 30%% of the backtest period)")
    p.add_argument("--max-rules", type=_rule_budget, default=DEFAULT_MAX_RULES,
                   help="most rules the candidate may score with (default %(default)s)")
    p.add_argument("--seeds", type=Path, default=None,
                   help="the project's seeds/ the output files extend (default: this project's)")


def run(args: argparse.Namespace) -> int:
    from leadscore import calibrate_report as report

    try:
        result = run_calibration(args.duckdb, args.scoring_model, args.train_until, args.max_rules)
        written = report.write_outputs(result, args.out, args.seeds)
    except (CalibrationError, report.SeedError) as exc:
        log.error("calibrate: %s", exc)
        return 2
    print(report.terminal_summary(result, written))
    return 0


@dataclass(frozen=True)
class Evidence:
    """A rule's contacts on the fitted rows: how many it fires for and how they converted."""

    contacts_with: int
    conversions_with: int
    rate_with: float | None
    rate_without: float | None
    lift: float | None


def evidence(bt: Backtest, rule: CandidateRule, rows: np.ndarray) -> Evidence:
    """Fires: a fit rule when the value matches; a per-event rule when its events weighted
    by decay count at least half an event (as scoring_rule_audit); a band when in it."""
    idx = np.flatnonzero(rows)
    y = bt.converted[idx]
    if rule.kind == "fit":
        fired = np.isin(bt.fit_codes[bt.row_contact[idx], rule.attribute], rule.values) \
            if rule.attribute >= 0 else np.zeros(len(idx), dtype=bool)
    elif rule.kind == "band":
        fired = rule_points(bt, CandidateRule(**{**rule.__dict__, "points": 1}), idx) != 0
    else:
        fired = bt.eng_counts[idx, rule.eng_rule] >= 0.5
    n_with, n_without = int(fired.sum()), int((~fired).sum())
    c_with = int(y[fired].sum())
    rate_with = c_with / n_with if n_with else None
    rate_without = float(y[~fired].sum()) / n_without if n_without else None
    base = y.mean() if len(y) else 0
    lift = rate_with / base if rate_with is not None and base > 0 else None
    return Evidence(n_with, c_with, rate_with, rate_without, lift)
