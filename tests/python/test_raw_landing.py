"""Raw tables as EL tools really land them: text where the contract says a number, time
zones, columns the contract does not name. Staging must read them defensively, never fail
the build, and account for every value it could not read.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path


import pytest
from conftest import query, write_raw_tables

from leadscore.db import connect
from leadscore.dbt_runner import DbtResult, run_dbt

AS_OF = "2026-06-01"
CREATED = datetime(2025, 1, 10, 9, 0)
CEST = timezone(timedelta(hours=2))


def _account(account_id: str, employee_count: str | None, **extra: object) -> dict:
    return {"account_id": account_id, "name": f"Company {account_id}", "domain": f"{account_id.lower()}.io",
            "industry": "Software", "employee_count": employee_count, "country": "US",
            "is_target_account": False, "created_at": CREATED, "updated_at": CREATED, **extra}


def _contact(contact_id: str, account_id: str) -> dict:
    return {"contact_id": contact_id, "account_id": account_id, "email": f"{contact_id.lower()}@{account_id.lower()}.io",
            "first_name": "Kim", "last_name": contact_id, "job_title": "VP Marketing", "country": "US",
            "lead_source": "web", "email_opt_out": False, "created_at": CREATED, "updated_at": CREATED}


# accounts.employee_count lands as text; accounts and web_events carry a column named like
# the staging models' dedup helper; web_events.occurred_at lands as timestamptz.
COLUMN_TYPES = {
    "raw_crm.accounts": {"employee_count": "varchar", "key_rank": "integer"},
    "raw_marketing.web_events": {"occurred_at": "timestamptz", "key_rank": "integer"},
}
RAW = {
    "raw_crm.accounts": [
        _account("ACC-COMMA", "1,200", key_rank=1),
        _account("ACC-PLAIN", "250", key_rank=7),
        # an older copy of ACC-PLAIN whose raw key_rank says 1: staging ranks by itself
        _account("ACC-PLAIN", "240", key_rank=1, updated_at=CREATED - timedelta(days=30)),
        _account("ACC-BLANK", "  ", key_rank=None),
    ],
    "raw_crm.contacts": [_contact("C-COMMA", "ACC-COMMA"), _contact("C-PLAIN", "ACC-PLAIN"),
                         _contact("C-BLANK", "ACC-BLANK")],
    # the CRM says won but gives no close date
    "raw_crm.opportunities": [{"opportunity_id": "O-WON", "account_id": "ACC-PLAIN", "contact_id": "C-PLAIN",
                               "stage": "Closed Won", "amount": 5000, "created_at": datetime(2026, 5, 1),
                               "closed_at": None, "is_won": True}],
    "raw_marketing.web_events": [
        {"event_id": f"W{n}", "contact_id": contact_id, "session_id": "s1", "page_path": "/pricing",
         # 16:00 in Central European Summer Time is 14:00 UTC
         "occurred_at": datetime(2026, 5, 20, 16, n, tzinfo=CEST), "key_rank": 3}
        for n, contact_id in enumerate(["C-COMMA", "C-PLAIN", "C-BLANK"])
    ],
}


@pytest.fixture(scope="module")
def dirty_types_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    root = tmp_path_factory.mktemp("raw_landing")
    warehouse = root / "dirty_types.duckdb"
    # built on a machine whose local time zone is not UTC: DuckDB sessions default to it,
    # and only the profile's TimeZone setting keeps staging in UTC
    local_zone = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    try:
        write_raw_tables(warehouse, RAW, column_types=COLUMN_TYPES)
        result = run_dbt("build", warehouse, dbt_vars={"as_of": AS_OF}, target_path=root / "target",
                         exclude=["resource_type:unit_test"])
    finally:
        if local_zone is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = local_zone
    return warehouse, result


def test_text_in_a_typed_raw_column_and_extra_raw_columns_build(dirty_types_warehouse: tuple[Path, DbtResult]) -> None:
    """'1,200' in a text-landed employee_count, and a raw column named key_rank, do not stop
    the build (before the defensive casts the first failed stg_crm__accounts and skipped
    everything downstream)."""
    _, result = dirty_types_warehouse
    assert result.success, result.failures()
    assert result.statuses["model.lead_scoring.stg_crm__accounts"] == "success"
    assert result.statuses["model.lead_scoring.account_scores"] == "success"


def test_unreadable_employee_count_is_nulled_and_the_account_scored(dirty_types_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = dirty_types_warehouse
    staged = dict(query(warehouse, "select account_id, employee_count from staging.stg_crm__accounts"
                                   " where not is_excluded"))
    assert staged == {"ACC-COMMA": None, "ACC-PLAIN": 250, "ACC-BLANK": None}
    scored = {r[0] for r in query(warehouse, "select account_id from marts.account_scores where scoring_model = 'default'")}
    assert {"ACC-COMMA", "ACC-PLAIN", "ACC-BLANK"} <= scored
    bands = dict(query(warehouse, "select contact_id, company_size_band from intermediate.int_contacts_deduplicated"))
    assert bands["C-COMMA"] == bands["C-BLANK"] == "unknown" != bands["C-PLAIN"]
    contacts = {r[0] for r in query(warehouse, "select contact_id from marts.scored_contacts where scoring_model = 'default'")}
    assert contacts == {"C-COMMA", "C-PLAIN", "C-BLANK"}


def test_unreadable_value_is_counted_in_the_quarantine(dirty_types_warehouse: tuple[Path, DbtResult]) -> None:
    """The value nulled is accounted for; a blank value is a null, not an invalid one."""
    warehouse, _ = dirty_types_warehouse
    rows = query(warehouse, "select record_key, action, reason from intermediate.int_quarantined_rows"
                            " where source_table = 'accounts' order by 1, 3")
    assert rows == [("ACC-COMMA", "value_nulled", "invalid_integer"), ("ACC-PLAIN", "excluded", "duplicate_row")]


def test_timestamptz_raw_column_becomes_its_utc_instant(dirty_types_warehouse: tuple[Path, DbtResult]) -> None:
    """16:00+02:00 is 14:00 UTC, whatever the local time zone of the machine that builds."""
    warehouse, _ = dirty_types_warehouse
    times = query(warehouse, "select occurred_at from staging.stg_marketing__web_events order by event_id")
    assert [t for (t,) in times] == [datetime(2026, 5, 20, 14, n) for n in range(3)]


def test_won_opportunity_without_close_date_is_flagged_and_stays_open(
        dirty_types_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, result = dirty_types_warehouse
    assert query(warehouse, "select action, reason from intermediate.int_quarantined_rows"
                            " where source_table = 'opportunities' and record_key = 'O-WON'") == [
        ("value_nulled", "missing_closed_at")]
    stage = query(warehouse, "select lifecycle_stage from marts.contact_lifecycle"
                             " where contact_id = 'C-PLAIN' and scoring_model = 'default'")
    assert stage == [("sql",)], "a won deal without a close date is still an open opportunity"
    warn_test = next(uid for uid in result.statuses if ".assert_won_opportunities_have_a_close_date" in uid)
    assert result.statuses[warn_test] == "warn"


def _contract_problems(result: DbtResult) -> list[str]:
    """The problem lines of the error raised by the on-run-start contract check (run_dbt
    keeps the exception's repr, where line breaks are escaped as backslash-n)."""
    message = result.messages.get("__exception__", "").replace("\\n", "\n")
    return re.findall(r"^raw table .*? \(the landing contract: [^)]*\)", message, flags=re.MULTILINE)


def test_missing_raw_columns_fail_before_anything_runs(tmp_path: Path) -> None:
    """A raw table without a required column, or missing altogether, stops `dbt build` in
    on-run-start with one line per problem naming the table and the column (before, the
    error blamed a unit-test fixture); no seed, model or test runs."""
    warehouse = tmp_path / "missing_columns.duckdb"
    write_raw_tables(warehouse, RAW, column_types=COLUMN_TYPES)
    con = connect(warehouse)
    try:
        con.execute("alter table raw_crm.contacts drop column email")
        con.execute("alter table raw_marketing.web_events drop column occurred_at")
        con.execute("alter table raw_crm.accounts rename column name to NAME")  # case does not matter
        con.execute("drop table raw_crm.sales_activities")
    finally:
        con.close()
    result = run_dbt("build", warehouse, dbt_vars={"as_of": AS_OF}, target_path=tmp_path / "target")
    assert not result.success
    assert result.statuses == {}, "nothing may run before the contract check passes"
    crm, marketing = "models/staging/crm/_crm__sources.yml", "models/staging/marketing/_marketing__sources.yml"
    assert _contract_problems(result) == [
        f"raw table raw_crm.contacts has no column email (the landing contract: {crm})",
        f"raw table raw_crm.sales_activities does not exist (the landing contract: {crm})",
        f"raw table raw_marketing.web_events has no column occurred_at (the landing contract: {marketing})",
    ], result.messages
    built = query(warehouse, "select count(*) from information_schema.tables"
                             " where table_schema in ('scoring_config', 'staging', 'intermediate', 'marts')")
    assert built == [(0,)]


def test_seeds_load_without_raw_tables(tmp_path: Path) -> None:
    """`dbt seed` does not need the raw tables: the contract check is for build, run and test."""
    result = run_dbt("seed", tmp_path / "no_raw.duckdb", target_path=tmp_path / "target")
    assert result.success, result.failures()
