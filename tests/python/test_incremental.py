"""Incremental builds give the same marts as a full rebuild (issue 12).

A warehouse is built on the demo data as it stood some days before its end (the event rows
after a cut removed, and a few rows just before the cut held back: they "arrive late", within
the lookback); then the rest of the rows is loaded, together with late copies of old event
ids that change which copy survives, a scanner click's first delivery and a page-view
flood's count, and the project is built again, incrementally. Every mart, the quarantine
and every engagement event must equal a build of the same final data from scratch
(`except all` both ways, run-time columns aside).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leadscore.db import connect
from leadscore.dbt_runner import run_dbt
from conftest import DEMO_END_DATE, cli, query
from mart_diff import differences as _differences

CONTACTS = 1200
CUT = "2026-10-25"  # the first build sees the events up to this day
LATE_FROM = "2026-10-23"  # rows from here to CUT arrive only with the second load
HELD_BACK_CONTACTS = 5  # contacts whose CRM record arrives only after some of their events
EVENT_TABLES = ("raw_marketing.web_events", "raw_marketing.email_events",
                "raw_marketing.form_submissions", "raw_marketing.event_attendance",
                "raw_crm.sales_activities")
def _plant_late_copies(warehouse: Path) -> dict[str, int]:
    """Rows a real EL tool delivers late: new copies (a later time, other values) of old
    event ids. Returns how many of each kind were planted."""
    con = connect(warehouse)
    try:
        planted = {}
        # a page view of June gets a copy dated after the cut: the copy survives
        con.execute("""
            insert into raw_marketing.web_events
            select event_id, contact_id, session_id, '/late-copy', timestamp '2026-10-30 12:00:00'
            from raw_marketing.web_events
            where occurred_at between '2026-06-01' and '2026-06-30' and event_id is not null
              and contact_id in (select contact_id from raw_crm.contacts)
              and event_id in (select event_id from raw_marketing.web_events
                               group by event_id having count(*) = 1)
            order by event_id limit 20""")
        planted["web"] = 20
        # e-mail deliveries of May that a link scanner clicked seconds later get a late copy:
        # the first delivery of the campaign moves, so the old click is a person's again
        con.execute("""
            insert into raw_marketing.email_events
            select distinct d.event_id, d.contact_id, d.campaign_id, d.event_type,
                timestamp '2026-10-30 08:00:00'
            from raw_marketing.email_events as d
            inner join raw_marketing.email_events as k
                on d.contact_id = k.contact_id and d.campaign_id = k.campaign_id
            where lower(trim(d.event_type)) = 'delivered' and lower(trim(k.event_type)) = 'click'
                and k.occurred_at between d.occurred_at and d.occurred_at + interval 5 second
                and d.occurred_at between '2026-05-01' and '2026-05-31'
                and d.event_id is not null""")
        planted["email"] = con.execute("""
            select count(*) from raw_marketing.email_events
            where occurred_at = timestamp '2026-10-30 08:00:00'""").fetchone()[0]
        # copies of views inside a page-view flood minute of the past
        con.execute("""
            insert into raw_marketing.web_events
            select event_id, contact_id, session_id, page_path, timestamp '2026-10-31 09:00:00'
            from raw_marketing.web_events
            where event_id in (
                select min(event_id) from raw_marketing.web_events
                where occurred_at < '2026-09-01' and contact_id is not null
                group by contact_id, date_trunc('minute', occurred_at)
                having count(*) > 30
                order by 1 limit 10)""")
        planted["flood"] = 10
        return planted
    finally:
        con.close()


def _hold_back(source: Path, destination: Path) -> None:
    """The warehouse as loaded before the cut: event rows after CUT removed, one in three
    rows from LATE_FROM to CUT not yet arrived, and a few contacts with page views in
    October not yet in the CRM (their events are unknown_contact until they arrive)."""
    shutil.copy(source, destination)
    con = connect(destination)
    try:
        con.execute(f"""
            delete from raw_crm.contacts where contact_id in (
                select distinct contact_id from raw_marketing.web_events
                where occurred_at between '2026-10-01' and '{CUT}' and contact_id is not null
                order by contact_id limit {HELD_BACK_CONTACTS})""")
        for table in EVENT_TABLES:
            con.execute(f"delete from {table} where occurred_at >= timestamp '{CUT}'"
                        f" + interval 1 day and occurred_at < timestamp '2027-01-01'")
            con.execute(f"delete from {table} where occurred_at >= timestamp '{LATE_FROM}'"
                        f" and occurred_at < timestamp '{CUT}' and hash(occurred_at) % 3 = 0")
    finally:
        con.close()


def _replace_raw(warehouse: Path, source: Path) -> None:
    """Load the complete raw event and contact tables of `source` over those of `warehouse`."""
    con = connect(warehouse)
    try:
        con.execute(f"attach '{source}' as complete (read_only)")
        for table in (*EVENT_TABLES, "raw_crm.contacts"):
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} select * from complete.{table}")
    finally:
        con.close()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("incremental")
    data_dir, complete = root / "raw", root / "complete.duckdb"
    cli("generate", "--contacts", str(CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(data_dir))
    cli("load", "--data-dir", str(data_dir), "--duckdb", str(complete))
    planted = _plant_late_copies(complete)
    assert planted
    incremental, full = root / "incremental.duckdb", root / "full.duckdb"
    _hold_back(complete, incremental)
    shutil.copy(complete, full)
    dbt_vars = {"as_of": DEMO_END_DATE}
    first = run_dbt("build", incremental, dbt_vars=dbt_vars, target_path=root / "t_first")
    assert first.success, first.failures
    shutil.copy(incremental, root / "first.duckdb")
    _replace_raw(incremental, complete)
    second = run_dbt("build", incremental, dbt_vars=dbt_vars, target_path=root / "t_second")
    assert second.success, second.failures
    rebuilt = run_dbt("build", full, dbt_vars=dbt_vars, target_path=root / "t_full")
    assert rebuilt.success, rebuilt.failures
    return {"incremental": incremental, "full": full, "first": root / "first.duckdb",
            "second_target": root / "t_second", "first_target": root / "t_first"}


def test_the_second_build_reads_only_the_recent_events(builds: dict[str, Path]) -> None:
    """The second build ran the incremental branch, from the day of the latest event it held
    (CUT) minus the 3-day lookback: that is what makes it cheap."""
    def model_sql(build: str, kind: str) -> str:
        return (builds[build] / kind / "lead_scoring" / "models" / "intermediate"
                / "int_engagement_events_unioned.sql").read_text()

    assert "cast('2026-10-22 00:00:00.000000' as timestamp)" in model_sql("second_target", "compiled")
    assert "delete from" in model_sql("second_target", "run")  # delete+insert of changed rows
    assert "2026-10-22" not in model_sql("first_target", "compiled")  # first: everything
    daily = (builds["second_target"] / "compiled" / "lead_scoring" / "models" / "intermediate"
             / "int_engagement_daily.sql").read_text()
    assert "days_to_rebuild" in daily  # the per-day aggregate re-aggregated only some days
    for table, column in (("int_engagement_events_unioned", "built_at"),
                          ("int_engagement_daily", "union_built_at")):
        ((kept, total),) = query(builds["incremental"], f"""
            select count(*) filter (where {column} = (select min({column}) from intermediate.{table})),
                count(*)
            from intermediate.{table}""")
        # most rows are still the first build's: the second rewrote the last days only
        assert kept > 0.8 * total, (table, kept, total)


def test_late_copies_changed_the_result(builds: dict[str, Path]) -> None:
    """The planted late copies matter (or the equality below would prove little): they
    survive, and the first deliveries they move turn old scanner clicks back into a
    person's clicks; the contacts that arrive late make their old events usable."""
    (late_survivors,) = query(builds["full"], """
        select count(*) from intermediate.int_engagement_events_unioned
        where quality_issue is null and event_detail = '/late-copy'""")[0]
    assert late_survivors == 20
    scanner_clicks_of_may = """
        select count(*) from intermediate.int_engagement_bot_activity
        where bot_reason = 'email_click_seconds_after_delivery'
            and occurred_at between '2026-05-01' and '2026-06-01'"""
    ((before,),), ((after,),) = (query(builds["first"], scanner_clicks_of_may),
                                 query(builds["full"], scanner_clicks_of_may))
    assert before > 0 and after < before
    unknown_contact_events = """
        select count(*) from intermediate.int_engagement_events_resolved
        where exclusion_reason = 'unknown_contact' and occurred_at < '2026-10-23'"""
    ((held,),), ((arrived,),) = (query(builds["first"], unknown_contact_events),
                                 query(builds["full"], unknown_contact_events))
    assert held > arrived  # the held-back contacts' old events count once they arrive


def test_incremental_build_equals_a_full_rebuild(builds: dict[str, Path]) -> None:
    differences = _differences(builds["incremental"], builds["full"])
    assert "marts.scored_contacts" in differences and "marts.mql_alerts" in differences
    assert differences["intermediate.int_engagement_events_unioned"][2] > 100_000
    assert differences["intermediate.int_engagement_bot_activity"][2] > 0
    unequal = {name: d for name, d in differences.items() if d[0] or d[1]}
    assert not unequal, f"incremental != full rebuild (rows only in one, other, total): {unequal}"
