"""The point-in-time backtest and what the evaluation says about it.

* On the demo data the evaluation recovers the generator's planted signal (good fit and
  buying intent win deals): the default lead score ranks converters well above chance and
  conversion falls from grade A to D.
* Leak-free: on a hand-written warehouse, a demo request, an opportunity and a job
  application moved to one second AFTER a snapshot leave that snapshot's row exactly as
  without them (only its outcome sees the won deal), while the same facts one second
  BEFORE it change the row (so the comparison can fail).
* The rules audit turns against a rule when the data does: a population where students
  buy more than anyone marks the `student` disqualification `contradicts`, first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import query, query_dicts, write_raw_tables

from leadscore.dbt_runner import DbtResult, run_dbt

AS_OF = "2026-06-01 00:00:00"
# three snapshots 30 days apart (2026-04-02, 2026-05-02, 2026-06-01), 30-day outcome window
BACKTEST_VARS = {"as_of": AS_OF, "backtest_snapshots": 3, "backtest_interval_days": 30,
                 "outcome_window_days": 30}
SNAPSHOT = datetime(2026, 5, 2)  # snapshot 1
SECOND = timedelta(seconds=1)
ROW_COLUMNS = ("lead_score, fit_score, engagement_score, fit_grade, engagement_tier, score_matrix,"
               " is_disqualified, disqualification_reason, is_sales_ready, lifecycle_stage")


def test_the_backtest_recovers_the_planted_signal(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, result = demo_warehouse
    assert result.success, result.failures()
    (auc, lift, base_rate, contacts) = query(
        warehouse,
        "select auc, top_decile_lift, base_rate, contacts from marts.score_evaluation"
        " where scoring_model = 'default' and score_name = 'lead_score' and snapshot_at is null")[0]
    assert contacts > 1000 and 0 < base_rate < 0.2
    assert auc > 0.8, f"the default lead score should rank the planted buyers well (AUC {auc:.3f})"
    assert lift > 3
    rates = dict(query(
        warehouse,
        "select band, conversion_rate from marts.score_band_conversion"
        " where scoring_model = 'default' and band_type = 'fit_grade'"))
    assert rates["A"] > rates["B"] > rates["C"] >= rates["D"], rates
    # every score of every model is evaluated, per snapshot and over all of them
    (rows, models) = query(warehouse, "select count(*), count(distinct scoring_model) from marts.score_evaluation"
                                      " where snapshot_at is null")[0]
    assert rows == 3 * models and models >= 2
    # the last snapshot is the scoring date, and equals scored_contacts (a data test)
    assert result.statuses["test.lead_scoring.assert_backtest_last_snapshot_equals_scored_contacts"] == "pass"


def _contact(contact_id: str, title: str, email: str) -> dict:
    return {"contact_id": contact_id, "account_id": "ACC-1", "email": email, "first_name": "Ann",
            "last_name": contact_id, "job_title": title, "country": "US", "lead_source": "web",
            "created_at": datetime(2025, 6, 1), "updated_at": datetime(2025, 6, 1)}


ACCOUNT = {"account_id": "ACC-1", "name": "Northwind", "domain": "northwind.io", "industry": "Software",
           "employee_count": 300, "country": "US", "is_target_account": True,
           "created_at": datetime(2025, 1, 1), "updated_at": datetime(2025, 1, 1)}


def _leak_warehouse(path: Path, moment: datetime | None) -> dict[str, list[dict]]:
    """Buyer B and applicant J; when `moment` is given, B requests a demo and gets an
    opportunity (won ten days after the snapshot) and J applies for a job, at `moment`."""
    rows: dict[str, list[dict]] = {
        "raw_crm.accounts": [ACCOUNT],
        "raw_crm.contacts": [_contact("B", "VP Marketing", "b@northwind.io"),
                             _contact("J", "Marketing Manager", "j@northwind.io")],
        "raw_marketing.web_events": [
            {"event_id": "w1", "contact_id": "B", "session_id": "s1", "page_path": "/pricing",
             "occurred_at": datetime(2026, 4, 20)},
            {"event_id": "w2", "contact_id": "J", "session_id": "s2", "page_path": "/pricing",
             "occurred_at": datetime(2026, 4, 20)},
        ],
    }
    if moment is not None:
        rows["raw_marketing.form_submissions"] = [
            {"submission_id": "f1", "contact_id": "B", "form_type": "demo_request", "asset_name": "Demo",
             "product_line": None, "occurred_at": moment},
            {"submission_id": "f2", "contact_id": "J", "form_type": "job_application", "asset_name": "Job",
             "product_line": None, "occurred_at": moment},
        ]
        rows["raw_crm.opportunities"] = [
            {"opportunity_id": "o1", "account_id": "ACC-1", "contact_id": "B", "product_line": "analytics",
             "stage": "closed won", "amount": 1000, "created_at": moment,
             "closed_at": SNAPSHOT + timedelta(days=10), "is_won": True},
        ]
    write_raw_tables(path, rows)
    return rows


def _backtest_rows(path: Path) -> dict[tuple[str, int], dict]:
    rows = query_dicts(path, f"select contact_id, snapshot_number, {ROW_COLUMNS}, converted_in_window"
                             " from marts.score_backtest where scoring_model = 'default'")
    return {(r.pop("contact_id"), r.pop("snapshot_number")): r for r in rows}


@pytest.fixture(scope="module")
def leak_backtests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = {}
    for name, moment in [("without", None), ("just_after", SNAPSHOT + SECOND),
                         ("just_before", SNAPSHOT - SECOND)]:
        root = tmp_path_factory.mktemp(f"leak_{name}")
        warehouse = root / "w.duckdb"
        _leak_warehouse(warehouse, moment)
        result = run_dbt("build", warehouse, select=["+score_backtest"], dbt_vars=BACKTEST_VARS,
                         target_path=root / "target", extra_args=["--indirect-selection", "cautious"])
        assert result.success, result.failures()
        out[name] = _backtest_rows(warehouse)
    (snapshot_at,) = query(warehouse, "select snapshot_at from intermediate.int_backtest_snapshots"
                                      " where snapshot_number = 1")[0]
    assert snapshot_at == SNAPSHOT
    return out


def test_facts_just_after_a_snapshot_do_not_change_its_row(leak_backtests: dict[str, dict]) -> None:
    without, after = leak_backtests["without"], leak_backtests["just_after"]
    for contact in ("B", "J"):
        before_row, after_row = dict(without[(contact, 1)]), dict(after[(contact, 1)])
        converted = after_row.pop("converted_in_window"), before_row.pop("converted_in_window")
        assert after_row == before_row, contact
        if contact == "B":
            # the deal won ten days after the snapshot is the snapshot's outcome, not its input
            assert converted == (True, False)
    # at the scoring date the same facts count: J applied for a job, B is a customer (and a
    # customer at a snapshot is not in it)
    assert after[("J", 2)]["disqualification_reason"] == "job_seeker"
    assert ("B", 2) in without and ("B", 2) not in after


def test_the_same_facts_just_before_the_snapshot_change_its_row(leak_backtests: dict[str, dict]) -> None:
    without, before = leak_backtests["without"], leak_backtests["just_before"]
    assert before[("B", 1)]["engagement_score"] > without[("B", 1)]["engagement_score"]
    assert before[("B", 1)]["lifecycle_stage"] == "sql"  # the opportunity is open at the snapshot
    assert without[("B", 1)]["lifecycle_stage"] != "sql"
    assert before[("J", 1)]["is_disqualified"] and not without[("J", 1)]["is_disqualified"]


@pytest.fixture(scope="module")
def student_audit(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """40 students of whom half buy within a month of the first snapshot, and 40 managers
    of whom 4 do: students convert above the rest."""
    root = tmp_path_factory.mktemp("students")
    warehouse = root / "w.duckdb"
    contacts, opportunities = [], []
    for kind, title, buyers in [("S", "Graduate Student", 20), ("M", "Marketing Manager", 4)]:
        for i in range(40):
            contact_id = f"{kind}{i:02d}"
            contacts.append(_contact(contact_id, title, f"{contact_id.lower()}@northwind.io"))
            if i < buyers:
                opportunities.append({
                    "opportunity_id": f"o-{contact_id}", "account_id": "ACC-1", "contact_id": contact_id,
                    "product_line": "analytics", "stage": "closed won", "amount": 1000,
                    "created_at": datetime(2026, 4, 5), "closed_at": datetime(2026, 4, 15), "is_won": True})
    write_raw_tables(warehouse, {"raw_crm.accounts": [ACCOUNT], "raw_crm.contacts": contacts,
                                 "raw_crm.opportunities": opportunities})
    result = run_dbt("build", warehouse, select=["+scoring_rule_audit"], dbt_vars=BACKTEST_VARS,
                     target_path=root / "target", extra_args=["--indirect-selection", "cautious"])
    assert not result.failures(), result.failures()
    return query_dicts(warehouse, "select * from marts.scoring_rule_audit where scoring_model = 'default'"
                                  " order by audit_rank")


def test_the_audit_contradicts_a_disqualification_that_removes_buyers(student_audit: list[dict]) -> None:
    first = student_audit[0]
    assert (first["rule_kind"], first["rule_id"], first["verdict"]) == ("disqualification", "student", "contradicts")
    # students: 40 at the first snapshot (20 bought) + the 20 left at the second
    assert (first["contacts_with"], first["conversions_with"]) == (60, 20)
    assert first["conversion_rate_with"] > first["conversion_rate_without"]
    assert first["log_odds_ratio"] > 0 and first["ci_low"] > 0
    assert "removes buyers" in first["verdict_detail"]
    by_rule = {(r["rule_kind"], r["rule_id"]): r for r in student_audit}
    # a rule with too little evidence says how little
    assert by_rule[("disqualification", "competitor")]["verdict"] == "inconclusive"
    assert by_rule[("disqualification", "competitor")]["verdict_detail"].startswith("only 0 contact-snapshots")
