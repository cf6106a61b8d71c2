"""The Great Expectations checkpoint on marts.scored_contacts (leadscore/gx_check.py).

Each test writes a small synthetic `marts.scored_contacts` into a DuckDB file under tmp_path
(no dbt build: these tests are about the checks, not the scoring) and runs the checkpoint on
it in-process.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from leadscore import gx_check
from leadscore.gx_check import (
    BOUNDS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USER_ERROR,
    TableProfile,
    build_scored_contacts_suite,
    run_checkpoint,
)

CONTACTS = 400
MODELS = ("default", "analytics")

# A healthy population: fit 0..40 and engagement 0..60 spread by a hash of the contact, ~14%
# disqualified (every 7th contact), ~8% sales-ready (score >= 60 and not disqualified).
HEALTHY_SQL = f"""
create schema if not exists marts;
create or replace table marts.scored_contacts as
with base as (
    select
        'c' || lpad(cast(i as varchar), 6, '0') as contact_id,
        m as scoring_model,
        'a' || cast(i % 50 as varchar) as account_id,
        cast(hash(i, m) % 41 as decimal(7, 2)) as fit_score,
        cast(hash(i, m, 'e') % 61 as decimal(7, 2)) as engagement_score,
        i % 7 = 0 as is_disqualified
    from range({CONTACTS}) as t(i)
    cross join (values {", ".join(f"('{m}')" for m in MODELS)}) as v(m)
)
select
    contact_id,
    scoring_model,
    account_id,
    fit_score,
    engagement_score,
    cast(least(100, fit_score + engagement_score) as decimal(7, 2)) as lead_score,
    case when fit_score >= 30 then 'A' when fit_score >= 20 then 'B'
         when fit_score >= 10 then 'C' else 'D' end as fit_grade,
    cast(case when engagement_score >= 40 then 1 when engagement_score >= 20 then 2
              else 3 end as integer) as engagement_tier,
    'A1' as score_matrix,
    is_disqualified,
    case when is_disqualified then 'student' end as disqualification_reason,
    not is_disqualified and fit_score + engagement_score >= 75 as is_sales_ready,
    'Requested a demo (+30)' as top_reasons,
    timestamp '2026-11-01' as scored_as_of,
    'v1' as scoring_config_version
from base;
"""


def make_warehouse(path: Path, *breakage: str) -> Path:
    """Write the healthy table to `path`, then run each SQL statement of `breakage`."""
    con = duckdb.connect(str(path))
    try:
        con.execute(HEALTHY_SQL)
        for statement in breakage:
            con.execute(statement)
    finally:
        con.close()
    return path


def check(path: Path) -> tuple[bool, str]:
    out = io.StringIO()
    ok = run_checkpoint(path, out=out)
    return ok, out.getvalue()


def failed_lines(report: str) -> list[str]:
    return [line.strip() for line in report.splitlines() if line.strip().startswith("✗")]


def test_healthy_distribution_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb")
    assert gx_check.main(["--duckdb", str(path), "--schema", "marts"]) == EXIT_OK
    report = capsys.readouterr().out
    assert failed_lines(report) == []
    assert "✓ [default] lead_score stdev" in report
    assert "✓ [analytics] share is_disqualified" in report
    assert report.rstrip().splitlines()[-1].startswith("OK: all ")


def test_collapsed_scores_fail_and_are_named(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb", "update marts.scored_contacts set lead_score = 0")
    assert gx_check.main(["--duckdb", str(path)]) == EXIT_FAILED
    report = capsys.readouterr().out
    failed = failed_lines(report)
    for model in MODELS:
        for label in ("lead_score stdev", "lead_score mean", "lead_score distinct values"):
            assert any(line.startswith(f"✗ [{model}] {label}") for line in failed), report
    stdev = next(line for line in failed if line.startswith("✗ [default] lead_score stdev"))
    assert "observed 0" in stdev and "expected > 1" in stdev
    assert "expect_column_stdev_to_be_between" in stdev
    summary = report.rstrip().splitlines()[-1]
    assert summary.startswith("FAILED: ") and "[default] lead_score mean (> 1)" in summary
    # Fit and engagement themselves are untouched.
    assert not any("fit_score" in line or "engagement_score" in line for line in failed)


def test_only_the_broken_model_fails(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.scored_contacts set lead_score = 100 where scoring_model = 'analytics'"))
    assert not ok
    failed = failed_lines(report)
    assert any(line.startswith("✗ [analytics] share of lead_score at the cap") for line in failed)
    assert not any(line.startswith("✗ [default]") for line in failed), report


def test_all_disqualified_fails(tmp_path: Path) -> None:
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module

    dialects_before = engine_module._PERSISTED_CONNECTION_DIALECTS
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.scored_contacts set is_disqualified = true, is_sales_ready = false,"
        " disqualification_reason = 'student'"))
    assert ok is False
    failed = failed_lines(report)
    line = next(line for line in failed if line.startswith("✗ [default] share is_disqualified"))
    assert "observed 1.0000" in line
    assert f"<= {BOUNDS['disqualified_share_max']:g}" in line
    assert any(line.startswith("✗ [default] share is_sales_ready") for line in failed)
    # The DuckDB workaround is scoped to the run.
    assert engine_module._PERSISTED_CONNECTION_DIALECTS == dialects_before


def test_missing_model_contacts_and_column_are_reported(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.scored_contacts set scoring_model = 'legacy'"
        " where scoring_model = 'default'",
        "delete from marts.scored_contacts"
        " where scoring_model = 'analytics' and contact_id = 'c000001'",
        "alter table marts.scored_contacts drop column is_sales_ready"))
    assert not ok
    failed = failed_lines(report)
    assert any(line.startswith("✗ scoring_model includes default") and "missing default" in line
               for line in failed), report
    line = next(line for line in failed if line.startswith("✗ [analytics] contacts scored"))
    assert f"observed {CONTACTS - 1}" in line and f"= {CONTACTS}" in line
    line = next(line for line in failed if line.startswith("✗ [legacy] share is_sales_ready"))
    assert 'observed error: Error: The column "is_sales_ready"' in line


def test_missing_table_is_a_user_error(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb")
    assert gx_check.main(["--duckdb", str(path), "--schema", "analytics"]) == EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "table analytics.scored_contacts not found" in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_is_a_user_error_from_the_command_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "leadscore.gx_check", "--duckdb", str(missing)],
        capture_output=True, text=True, check=False)
    assert proc.returncode == EXIT_USER_ERROR
    assert proc.stderr.strip() == (
        f"gx_check: error: DuckDB file not found: {missing} "
        "(run `dbt build` first, or pass --duckdb)")
    assert not missing.exists()  # read-only: nothing created


def test_suite_builder_uses_the_documented_bounds() -> None:
    profile = TableProfile(schema="marts", table="scored_contacts", row_count=30,
                           partitions=("default", "analytics", "automation"), key_count=10)
    suite = build_scored_contacts_suite(profile)
    per_model = [e for e in suite.expectations if e.row_condition is not None]
    table_wide = [e for e in suite.expectations if e.row_condition is None]
    assert len(per_model) == 11 * len(profile.partitions)
    assert len(table_wide) == 6
    assert all({"label", "bound", "show"} <= set(e.meta) for e in suite.expectations)
    stdevs = [e for e in per_model if e.expectation_type == "expect_column_stdev_to_be_between"]
    assert {e.min_value for e in stdevs} == {BOUNDS["lead_score_min_stdev"]}
    counts = [e for e in per_model if e.meta["label"].endswith("contacts scored")]
    assert {(e.min_value, e.max_value) for e in counts} == {(10, 10)}


def test_duckdb_workaround_is_still_needed(tmp_path: Path) -> None:
    """GX 1.24 fails on DuckDB without the persisted-connection workaround. If this test
    fails after a GX upgrade because GX now works unpatched, remove the workaround."""
    import great_expectations as gx

    path = make_warehouse(tmp_path / "wh.duckdb")
    context = gx_check._gx_context()
    source = context.data_sources.add_sql(
        name="plain", connection_string=f"duckdb:///{path}",
        kwargs={"connect_args": {"read_only": True}})
    try:
        batch = (gx_check.add_table_asset(source, "scored_contacts", "marts")
                 .add_batch_definition_whole_table("all").get_batch())
        result = batch.validate(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
        assert not result.success
        assert "list index out of range" in str(result.exception_info)
    finally:
        gx_check._close(source)
