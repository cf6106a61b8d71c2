"""Documented scenarios: a dozen hand-written contacts with the outcome each must get.

The fixture is `scenarios/scenarios.yaml` (stories and expected outcomes, in the format its
header describes); docs/scenarios.md tells the same stories in words. The scenarios are
built once per module into one warehouse (seeds + models up to `scored_contacts`, as of a
fixed date) and every `expected` block is checked against the mart, model `default`. The same
expectations are checked against the Python reference of the documented rules
(`reference_scoring.py`), so a scenario that fails only in SQL points at the models.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from conftest import query_dicts, write_raw_tables

import reference_scoring as ref
from leadscore.dbt_runner import PROJECT_DIR, run_dbt

SCENARIO_FILE = Path(__file__).parent / "scenarios" / "scenarios.yaml"
SCENARIO_DOC = PROJECT_DIR / "docs" / "scenarios.md"
SPEC = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
AS_OF = datetime.fromisoformat(SPEC["as_of"])
MODEL = SPEC["scoring_model"]
DBT_VARS = {"as_of": SPEC["as_of"]}
TOLERANCE = 0.01

EVENT_TABLE = {"web": "web_events", "email": "email_events", "form": "form_submissions",
               "attendance": "event_attendance"}
EVENT_ID = {"web": "event_id", "email": "event_id", "form": "submission_id", "attendance": "attendance_id"}
TIMESTAMP_COLUMNS = ("created_at", "updated_at")


def raw_rows(spec: dict) -> dict[str, list[dict]]:
    """The scenario file as raw landing rows (the shape write_raw_tables takes)."""
    raw: dict[str, list[dict]] = defaultdict(list)
    for account in spec["accounts"]:
        raw["raw_crm.accounts"].append({
            k: (datetime.fromisoformat(v) if k in TIMESTAMP_COLUMNS and v else v) for k, v in account.items()
        })
    for scenario in spec["scenarios"]:
        for contact in scenario["contacts"]:
            row = {k: v for k, v in contact.items() if k not in ("events", "expected")}
            for k in TIMESTAMP_COLUMNS:
                row[k] = datetime.fromisoformat(row[k]) if row.get(k) else None
            raw["raw_crm.contacts"].append(row)
            for n, fact in enumerate(contact.get("crm") or [], start=1):
                table, out = crm_row(contact, n, fact)
                raw[f"raw_crm.{table}"].append(out)
            for n, event in enumerate(contact.get("events") or [], start=1):
                kind = event["kind"]
                out = {k: v for k, v in event.items() if k not in ("kind", "at")}
                out[EVENT_ID[kind]] = f"{contact['contact_id']}-{kind}-{n}"
                out.setdefault("contact_id", contact["contact_id"])
                out["occurred_at"] = datetime.fromisoformat(event["at"])
                raw[f"raw_marketing.{EVENT_TABLE[kind]}"].append(out)
    return dict(raw)


def crm_row(contact: dict, n: int, fact: dict) -> tuple[str, dict]:
    """One CRM fact of a scenario contact (kind status, activity or opportunity) as a raw row."""
    kind, contact_id = fact["kind"], contact["contact_id"]
    if kind == "status":
        return "lead_status_changes", {"contact_id": contact_id, "status": fact["status"],
                                       "changed_at": datetime.fromisoformat(fact["at"])}
    if kind == "activity":
        return "sales_activities", {"activity_id": f"{contact_id}-activity-{n}", "contact_id": contact_id,
                                    "activity_type": fact["activity_type"],
                                    "occurred_at": datetime.fromisoformat(fact["at"])}
    if kind == "opportunity":
        closed = fact.get("closed_at")
        return "opportunities", {
            "opportunity_id": f"{contact_id}-opportunity-{n}", "account_id": contact.get("account_id"),
            "contact_id": contact_id, "product_line": fact.get("product_line"), "stage": fact.get("stage"),
            "amount": fact.get("amount"), "created_at": datetime.fromisoformat(fact["created_at"]),
            "closed_at": datetime.fromisoformat(closed) if closed else None, "is_won": fact.get("is_won", False)}
    raise ValueError(f"unknown CRM fact kind {kind!r} for {contact_id}")


RAW = raw_rows(SPEC)
SCENARIO_IDS = [s["id"] for s in SPEC["scenarios"]]


@dataclass
class Outcome:
    """What one implementation says about the scenario contacts (model `default`)."""
    rows: dict[str, dict]  # contact_id -> mart row
    rule_points: dict[str, dict[str, float]] = field(default_factory=dict)  # contact -> rule -> points_after_cap
    bot_events: dict[str, Counter] = field(default_factory=dict)  # contact -> bot reason -> count


@pytest.fixture(scope="module")
def scenario_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("scenarios")
    warehouse, target = root / "scenarios.duckdb", root / "target"
    write_raw_tables(warehouse, RAW)
    result = run_dbt("build", warehouse, select=["+scored_contacts", "+mql_alerts", "+int_quarantined_rows"],
                     exclude=["resource_type:test"],
                     dbt_vars=DBT_VARS, target_path=target)
    assert result.success, result.failures()
    return warehouse, target


@pytest.fixture(scope="module")
def sql_outcome(scenario_warehouse: tuple[Path, Path]) -> Outcome:
    warehouse, _ = scenario_warehouse
    rows = {r["contact_id"]: r for r in query_dicts(
        warehouse, f"select * from marts.scored_contacts where scoring_model = '{MODEL}'")}
    points: dict[str, dict[str, float]] = defaultdict(dict)
    for r in query_dicts(warehouse, "select contact_id, rule_id, points_after_cap"
                                    f" from intermediate.int_score_components where scoring_model = '{MODEL}'"):
        points[r["contact_id"]][r["rule_id"]] = float(r["points_after_cap"])
    bots: dict[str, Counter] = defaultdict(Counter)
    for r in query_dicts(warehouse, "select contact_id, bot_reason, count(*) as n"
                                    " from intermediate.int_engagement_events_resolved"
                                    " where is_bot_activity group by 1, 2"):
        bots[r["contact_id"]][r["bot_reason"]] = r["n"]
    return Outcome(rows, dict(points), dict(bots))


@pytest.fixture(scope="module")
def reference_outcome() -> Outcome:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    scores = ref.score_population(RAW, AS_OF, now=now)
    rows, points = {}, {}
    for (contact_id, model), s in scores.items():
        if model != MODEL:
            continue
        rows[contact_id] = {
            "fit_score": s.fit_score, "engagement_score": s.engagement_score, "lead_score": s.lead_score,
            "fit_grade": s.fit_grade, "engagement_tier": s.engagement_tier, "score_matrix": s.score_matrix,
            "is_disqualified": s.is_disqualified, "disqualification_reason": s.disqualification_reason,
            "is_sales_ready": s.is_sales_ready, "top_reasons": s.top_reasons,
        }
        points[contact_id] = {c.rule_id: c.points_after_cap for c in s.components}
    bots: dict[str, Counter] = defaultdict(Counter)
    for e in ref.resolve_events(RAW, now=now):
        if e.bot_reason:
            bots[e.contact_id][e.bot_reason] += 1
    return Outcome(rows, points, dict(bots))


def _same(actual: object, expected: object) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(actual, bool):
        return actual == expected
    if isinstance(expected, (int, float)) and actual is not None and not isinstance(actual, str):
        return abs(float(actual) - float(expected)) <= TOLERANCE
    return actual == expected


def check_contact(outcome: Outcome, contact_id: str, expected: dict) -> list[str]:
    """Every way the outcome of one contact misses its expected block, in words."""
    row = outcome.rows.get(contact_id)
    if expected.get("absent"):
        return [f"{contact_id}: expected no row, got {row}"] if row is not None else []
    if row is None:
        return [f"{contact_id}: no row in the scored contacts"]
    problems = []
    for key, want in expected.items():
        if key == "lifecycle":
            continue  # checked against the lifecycle marts by test_scenario_lifecycle
        if key == "rule_points":
            for rule_id, points in want.items():
                got = outcome.rule_points.get(contact_id, {}).get(rule_id, 0.0)
                if abs(got - points) > TOLERANCE:
                    problems.append(f"{contact_id}: rule {rule_id} gives {got:.4f}, expected {points}")
        elif key == "bot_events":
            for reason, n in want.items():
                got = outcome.bot_events.get(contact_id, Counter())[reason]
                if got != n:
                    problems.append(f"{contact_id}: {got} events flagged {reason}, expected {n}")
        elif key == "compare":
            for c in want:
                other = outcome.rows.get(c["contact"])
                if other is None:
                    problems.append(f"{contact_id}: comparison contact {c['contact']} has no row")
                    continue
                delta = float(row[c["column"]]) - float(other[c["column"]])
                if abs(delta - c["delta"]) > TOLERANCE:
                    problems.append(f"{contact_id}: {c['column']} {row[c['column']]} is {delta:+.2f} against"
                                    f" {c['contact']} ({other[c['column']]}), expected {c['delta']:+}")
        elif key == "top_reasons_contains":
            if want.lower() not in (row["top_reasons"] or "").lower():
                problems.append(f"{contact_id}: top_reasons {row['top_reasons']!r} do not mention {want!r}")
        elif key.endswith("_min"):
            if float(row[key[:-4]]) < want - TOLERANCE:
                problems.append(f"{contact_id}: {key[:-4]} {row[key[:-4]]} below {want}")
        elif key.endswith("_max"):
            if float(row[key[:-4]]) > want + TOLERANCE:
                problems.append(f"{contact_id}: {key[:-4]} {row[key[:-4]]} above {want}")
        elif key.endswith("_in"):
            if row[key[:-3]] not in want:
                problems.append(f"{contact_id}: {key[:-3]} {row[key[:-3]]!r} not in {want}")
        elif not _same(row[key], want):
            problems.append(f"{contact_id}: {key} is {row[key]!r}, expected {want!r}")
    return problems


def check_scenario(outcome: Outcome, scenario_id: str) -> list[str]:
    scenario = next(s for s in SPEC["scenarios"] if s["id"] == scenario_id)
    problems = []
    for contact in scenario["contacts"]:
        problems += check_contact(outcome, contact["contact_id"], contact.get("expected") or {})
    if problems:
        row_ids = [c["contact_id"] for c in scenario["contacts"]]
        rows = {i: outcome.rows.get(i) for i in row_ids}
        points = {i: outcome.rule_points.get(i) for i in row_ids}
        problems.append(f"story: {scenario['story'].strip()}\nrows: {rows}\nrule points: {points}")
    return problems


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_scenario_in_the_mart(sql_outcome: Outcome, scenario_id: str) -> None:
    problems = check_scenario(sql_outcome, scenario_id)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_scenario_in_the_reference(reference_outcome: Outcome, scenario_id: str) -> None:
    """The expectations follow from the documented rules (the Python reference) too."""
    problems = check_scenario(reference_outcome, scenario_id)
    assert not problems, "\n".join(problems)


LIFECYCLE_IDS = [s["id"] for s in SPEC["scenarios"]
                 if any("lifecycle" in (c.get("expected") or {}) for c in s["contacts"])]


def check_lifecycle(warehouse: Path, contact_id: str, want: dict) -> list[str]:
    """Every way the funnel walk of one contact misses its `lifecycle` block, in words."""
    where = f"where contact_id = '{contact_id}' and scoring_model = '{MODEL}'"
    rows = query_dicts(warehouse, f"select * from marts.contact_lifecycle {where}")
    if len(rows) != 1:
        return [f"{contact_id}: {len(rows)} rows in contact_lifecycle"]
    row = rows[0]
    stages = [r["stage"] for r in query_dicts(
        warehouse, f"select stage from marts.lifecycle_stage_history {where} order by entered_at")]
    alerts = query_dicts(warehouse, f"select * from marts.mql_alerts {where} order by became_mql_at")
    problems = []
    for key, expected in want.items():
        if key == "stages":
            got = stages
        elif key == "alerts":
            got = len(alerts)
        elif key == "sla_status":
            got = [a["sla_status"] for a in alerts]
        elif key == "minutes_to_first_touch":
            got = [a["minutes_to_first_touch"] for a in alerts]
        elif key == "alert_signals_contain":
            text = " ".join(a["high_intent_signals"] or "" for a in alerts).lower()
            got = [signal for signal in expected if signal.lower() in text]
        elif key == "alert_score_min":
            got = [a["lead_score_at_mql"] for a in alerts]
            if any(float(score) < expected for score in got):
                problems.append(f"{contact_id}: alert scores {got} below {expected}")
            continue
        elif key.endswith("_set"):
            got = row[key[:-4]] is not None
        else:
            got = row[key]
        if got != expected:
            problems.append(f"{contact_id}: {key} is {got!r}, expected {expected!r}")
    if problems:
        problems.append(f"history: {stages}\nlifecycle: {row}\nalerts: {alerts}")
    return problems


@pytest.mark.parametrize("scenario_id", LIFECYCLE_IDS)
def test_scenario_lifecycle(scenario_warehouse: tuple[Path, Path], scenario_id: str) -> None:
    """The scenario contacts walk through the funnel as docs/scenarios.md tells."""
    warehouse, _ = scenario_warehouse
    scenario = next(s for s in SPEC["scenarios"] if s["id"] == scenario_id)
    problems = []
    for contact in scenario["contacts"]:
        want = (contact.get("expected") or {}).get("lifecycle")
        if want:
            problems += check_lifecycle(warehouse, contact["contact_id"], want)
    assert not problems, "\n".join(problems)


def test_only_the_scenario_contacts_are_scored(sql_outcome: Outcome) -> None:
    expected = {c["contact_id"] for s in SPEC["scenarios"] for c in s["contacts"]
                if not (c.get("expected") or {}).get("absent")}
    assert set(sql_outcome.rows) == expected


def test_dbt_tests_pass_on_the_scenarios(scenario_warehouse: tuple[Path, Path]) -> None:
    """The project's own data tests hold on the scenario warehouse too."""
    warehouse, target = scenario_warehouse
    # cautious: only tests whose every parent is built here (not those of other marts)
    result = run_dbt("test", warehouse, select=["+scored_contacts", "+mql_alerts"], dbt_vars=DBT_VARS,
                     target_path=target,
                     extra_args=["--indirect-selection", "cautious"])
    assert not result.failures(), result.failures()


def test_every_scenario_is_documented() -> None:
    text = SCENARIO_DOC.read_text(encoding="utf-8")
    for scenario in SPEC["scenarios"]:
        assert f"`{scenario['id']}`" in text, f"docs/scenarios.md does not describe {scenario['id']}"
        assert scenario["story"].strip() and scenario["contacts"], scenario["id"]


def test_every_raw_event_is_scored_or_quarantined_at_the_scoring_date(scenario_warehouse: tuple[Path, Path]) -> None:
    """The scenarios are scored before their data ends: Lena's demo request of 10 June
    (`event_after_as_of`) is neither scored nor bad input as of 1 June, so the quarantine
    counts it as not yet (after_as_of), and every raw event is scored or quarantined."""
    warehouse, _ = scenario_warehouse
    for table in EVENT_TABLE.values():
        raw = len(RAW.get(f"raw_marketing.{table}", []))
        [(scored,)] = [tuple(r.values()) for r in query_dicts(
            warehouse,
            "select count(*) as n from intermediate.int_engagement_events_resolved"
            f" where source_table = '{table}' and not is_excluded and not is_bot_activity"
            f" and occurred_at <= timestamp '{SPEC['as_of']}'"
            f" and contact_id in (select contact_id from marts.scored_contacts where scoring_model = '{MODEL}')")]
        [(quarantined,)] = [tuple(r.values()) for r in query_dicts(
            warehouse, f"select count(*) as n from intermediate.int_quarantined_rows where source_table = '{table}'")]
        assert scored + quarantined == raw, (table, raw, scored, quarantined)
    late = query_dicts(warehouse, "select action, reason from intermediate.int_quarantined_rows"
                                  " where source_table = 'form_submissions' and record_key = 'SCN-LATE-form-2'")
    assert late == [{"action": "not_yet", "reason": "after_as_of"}]
