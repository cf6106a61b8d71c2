"""The human summary printed at the end of `make demo` (leadscore/summary.py).

The fast tests run it on the synthetic marts of test_gx_check (plus the one intermediate table
the summary reads), so the numbers are known. The last tests run it on a warehouse built by dbt
and on a copy with the lifecycle marts dropped (an older warehouse): the file named by
$LEADSCORE_TEST_WAREHOUSE if set (e.g. a copy of the 5,000-contact demo: no build), else the
session's `demo_warehouse`.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pytest
from test_gx_check import make_warehouse

from leadscore import summary
from leadscore.db import connect

WAREHOUSE_ENV = "LEADSCORE_TEST_WAREHOUSE"
LONG_TRIGGER = "score 81.25 after eng_form_demo_request (mql band); hand-raise: Requested a demo"


def synthetic_warehouse(path: Path, *breakage: str) -> Path:
    return make_warehouse(
        path,
        "create schema intermediate",
        "create table intermediate.int_contacts_deduplicated as"
        " select distinct contact_id, 'Data Engineer' as job_title from marts.scored_contacts",
        f"update marts.mql_alerts set mql_trigger = '{LONG_TRIGGER}'",
        *breakage,
    )


def section(text: str, title: str) -> list[str]:
    """The lines of the section starting with `title`, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def scalar(path: Path, sql: str) -> object:
    con = connect(path, read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_funnel_and_alerts_of_the_default_model(tmp_path: Path) -> None:
    path = synthetic_warehouse(tmp_path / "wh.duckdb")
    text = summary.summarize(path)

    stages = section(text, "Funnel (default model): contacts per current lifecycle stage")
    assert stages[1].split() == ["stage", "contacts", "share"]
    assert [line.split()[0] for line in stages[3:]] == [
        "prospect", "lead", "mql", "sal", "sql", "customer", "disqualified"]
    disqualified = scalar(path, "select count(*) from marts.contact_lifecycle"
                                " where scoring_model = 'default' and lifecycle_stage = 'disqualified'")
    assert stages[-1].split()[1] == f"{disqualified:,}"

    mqls, sal, sql = (scalar(path, f"select sum({c}) from marts.funnel_conversion"
                                   " where scoring_model = 'default'")
                      for c in ("mqls", "reached_sal", "reached_sql"))
    funnel = section(text, "MQL conversion, all ")
    assert funnel[3].split() == ["MQLs", f"{mqls:,}"]
    assert funnel[4].split()[:4] == ["reached", "SAL", f"{sal:,}", f"{sal / mqls:.1%}"]
    assert funnel[5].split()[:4] == ["reached", "SQL", f"{sql:,}", f"{sql / mqls:.1%}"]
    assert funnel[-1].startswith("Cohorts qualifying too soon (MQL-to-SQL under the model's "
                                 "minimum): 0 of ")

    alerts = scalar(path, "select count(*) from marts.mql_alerts where scoring_model = 'default'")
    breached = scalar(path, "select count(*) from marts.mql_alerts"
                            " where scoring_model = 'default' and sla_status = 'breached'")
    block = section(text, "MQL alerts (default model): ")
    assert block[0].startswith(f"MQL alerts (default model): {alerts:,} alerts; SLA (1,440 min"
                               f" to first touch): {breached:,} breached")
    assert block[1].endswith("Newest 5:")
    assert block[2].split()[:3] == ["became", "MQL", "contact"]
    rows = block[4:]
    assert len(rows) == summary.NEWEST_ALERTS
    newest = scalar(path, "select strftime(max(became_mql_at), '%Y-%m-%d %H:%M')"
                          " from marts.mql_alerts where scoring_model = 'default'")
    assert rows[0].startswith(newest)
    # Long triggers are cut to a fixed width; no line of the new sections is very long.
    cut = LONG_TRIGGER[: summary.TRIGGER_WIDTH - 1] + "…"
    assert all(cut in row for row in rows) and LONG_TRIGGER not in text
    assert all(len(line) <= 120 for line in stages + funnel + block), block


def test_flagged_cohorts_are_listed(tmp_path: Path) -> None:
    path = synthetic_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.funnel_conversion set is_qualifying_too_soon = true"
        " where scoring_model = 'default' and month(mql_cohort_month) in (2, 3)")
    line = section(summary.summarize(path), "MQL conversion, all ")[-1]
    cohorts = scalar(path, "select count(*) from marts.funnel_conversion"
                           " where scoring_model = 'default'")
    assert line.endswith(f": 2 of {cohorts} (2026-02, 2026-03)")


def test_missing_marts_are_skipped_with_a_note(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = synthetic_warehouse(tmp_path / "wh.duckdb",
                               "drop table marts.mql_alerts", "drop table marts.funnel_conversion")
    args = argparse.Namespace(duckdb=path, model="default", top=3)
    assert summary.run(args) == 0
    text = capsys.readouterr().out
    assert "Funnel (default model): contacts per current lifecycle stage" in text
    assert ("(no marts.funnel_conversion in this warehouse: MQL conversion skipped)"
            in text.splitlines())
    assert ("(MQL alerts: no marts.mql_alerts in this warehouse, built before it; skipped)"
            in text.splitlines())
    assert "Top 3 contacts (default model)" in text


def test_an_unreadable_mart_is_skipped_with_a_note(tmp_path: Path) -> None:
    path = synthetic_warehouse(tmp_path / "wh.duckdb",
                               "alter table marts.mql_alerts drop column sla_status")
    text = summary.summarize(path)
    note = next(line for line in text.splitlines() if line.startswith("(MQL alerts: "))
    assert note.startswith("(MQL alerts: marts.mql_alerts unreadable, skipped: ")
    assert "Top 10 contacts (default model)" in text


# --------------------------------------------------------------- on a warehouse built by dbt


@pytest.fixture(scope="module")
def built_warehouse(request: pytest.FixtureRequest) -> Path:
    """A warehouse built by dbt, never modified: $LEADSCORE_TEST_WAREHOUSE if set, else the
    session's `demo_warehouse` (1,500 contacts, built on first use: a couple of minutes)."""
    given = os.environ.get(WAREHOUSE_ENV)
    if given:
        return Path(given)
    warehouse, _ = request.getfixturevalue("demo_warehouse")
    return warehouse


def test_built_warehouse_summary(built_warehouse: Path) -> None:
    text = summary.summarize(built_warehouse)
    for title in ("Per scoring model", "Funnel (default model): contacts per current lifecycle",
                  "MQL conversion, all ", "MQL alerts (default model): ", "Top 10 contacts"):
        assert section(text, title), title
    mqls = scalar(built_warehouse, "select sum(mqls) from marts.funnel_conversion"
                                   " where scoring_model = 'default'")
    assert section(text, "MQL conversion, all ")[3].split() == ["MQLs", f"{mqls:,}"]
    block = section(text, "MQL alerts (default model): ")
    assert len(block[4:]) == summary.NEWEST_ALERTS
    assert all(len(line) <= 120 for line in block)
    assert "skipped" not in text


def test_older_built_warehouse_summary(built_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "older.duckdb"
    shutil.copyfile(built_warehouse, path)
    con = connect(path)
    try:
        for table in ("crm_score_sync", "mql_alerts", "funnel_conversion", "account_scores",
                      "lifecycle_stage_history", "contact_lifecycle"):
            con.execute(f"drop table if exists marts.{table}")
    finally:
        con.close()
    text = summary.summarize(path)
    assert "Contacts by status (default model)" in text
    lines = text.splitlines()
    assert "(funnel: no marts.contact_lifecycle in this warehouse, built before it; skipped)" in lines
    assert "(MQL alerts: no marts.mql_alerts in this warehouse, built before it; skipped)" in lines
