"""The Great Expectations checkpoint on the marts (leadscore/gx_check.py).

Most tests write small synthetic marts (`scored_contacts` and the lifecycle marts derived from
it) into a DuckDB file under tmp_path (no dbt build: these tests are about the checks, not the
scoring) and run the checkpoint on it in-process. The tests at the end run it on a warehouse
built by dbt, and on copies of it broken on purpose: the file named by $LEADSCORE_TEST_WAREHOUSE
if set (e.g. a copy of the 5,000-contact demo: no build), else the session's `demo_warehouse`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leadscore import gx_check
from leadscore.db import connect
from leadscore.dbt_runner import run_dbt
from leadscore.gx_check import (
    BOUNDS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USER_ERROR,
    LIFECYCLE_SHARE_GROUPS,
    TableProfile,
    build_contact_lifecycle_suite,
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
    false as is_shadow,
    timestamp '2026-11-01' as as_of,
    'v1' as scoring_config_version
from base;
"""

# The lifecycle marts, derived from the synthetic scored_contacts. Current stage by contact
# number i (k = i % 50), the same in every model: disqualified where scored_contacts says so
# (~14%), else customer k 1-2, sal 3-6, sql 7-8, mql 9, lead 10-12, prospect the rest (~63%).
# One MQL alert per contact at mql or later, in month (i // 50) % 6 of 2026 (so each monthly
# cohort has the same mix of stages); accounts from the contacts' account_id.
LIFECYCLE_SQL = """
create or replace table marts.contact_lifecycle as
with staged as (
    select
        contact_id,
        scoring_model,
        cast(substr(contact_id, 2) as integer) % 50 as k,
        is_disqualified,
        disqualification_reason
    from marts.scored_contacts
)
select
    contact_id,
    scoring_model,
    case
        when is_disqualified then 'disqualified'
        when k in (1, 2) then 'customer'
        when k between 3 and 6 then 'sal'
        when k in (7, 8) then 'sql'
        when k = 9 then 'mql'
        when k between 10 and 12 then 'lead'
        else 'prospect'
    end as lifecycle_stage,
    lifecycle_stage as highest_stage,
    timestamp '2026-06-01' as stage_entered_at,
    disqualification_reason,
    false as is_recycled
from staged;

create or replace table marts.mql_alerts as
select
    md5(l.contact_id || l.scoring_model) as alert_id,
    l.contact_id,
    l.scoring_model,
    s.account_id,
    timestamp '2026-01-05' + to_months(cast(substr(l.contact_id, 2) as integer) // 50 % 6)
        + to_minutes(cast(substr(l.contact_id, 2) as integer)) as became_mql_at,
    s.lead_score as lead_score_at_mql,
    'hand-raise: Requested a demo' as mql_trigger,
    'Requested a demo' as high_intent_signals,
    case cast(substr(l.contact_id, 2) as integer) % 3
        when 0 then 'met' when 1 then 'breached' else 'open' end as sla_status,
    cast(substr(l.contact_id, 2) as integer) % 3 = 1 as is_sla_breached,
    1440.0 as sla_minutes,
    case when cast(substr(l.contact_id, 2) as integer) % 3 = 0
         then cast(substr(l.contact_id, 2) as integer) % 100 * 1.0 end
        as minutes_to_first_touch,
    cast(substr(l.contact_id, 2) as integer) % 3 = 0
        and cast(substr(l.contact_id, 2) as integer) % 100 <= 60 as touched_within_hour
from marts.contact_lifecycle as l
inner join marts.scored_contacts as s using (contact_id, scoring_model)
where l.lifecycle_stage in ('mql', 'sal', 'sql', 'customer');

create or replace table marts.funnel_conversion as
with cohorts as (
    select
        a.scoring_model,
        cast(date_trunc('month', a.became_mql_at) as date) as mql_cohort_month,
        count(*) as mqls,
        count(*) filter (where l.lifecycle_stage in ('sal', 'sql', 'customer')) as reached_sal,
        count(*) filter (where l.lifecycle_stage in ('sql', 'customer')) as reached_sql,
        count(*) filter (where l.lifecycle_stage = 'customer') as reached_customer
    from marts.mql_alerts as a
    inner join marts.contact_lifecycle as l using (contact_id, scoring_model)
    group by all
)
select
    *,
    cast(reached_sal / mqls as decimal(5, 4)) as mql_to_sal_rate,
    cast(reached_sql / mqls as decimal(5, 4)) as mql_to_sql_rate,
    cast(reached_customer / nullif(reached_sql, 0) as decimal(5, 4)) as sql_to_customer_rate,
    reached_sql / mqls < 0.05 as is_qualifying_too_soon
from cohorts;

create or replace table marts.account_scores as
select
    account_id,
    scoring_model,
    cast(max(fit_score) as decimal(7, 2)) as account_fit_score,
    cast(least(100, sum(engagement_score)) as decimal(7, 2)) as account_engagement_score,
    cast(max(fit_score) + least(100, sum(engagement_score)) as decimal(7, 2))
        as account_lead_score
from marts.scored_contacts
group by all;
"""


def make_warehouse(path: Path, *breakage: str) -> Path:
    """Write the healthy table to `path`, then run each SQL statement of `breakage`."""
    con = connect(path)
    try:
        con.execute(HEALTHY_SQL)
        con.execute(LIFECYCLE_SQL)
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


def report_line(report: str, start: str) -> str:
    """The first report line starting with `start` (a ✓ or ✗ mark and a label)."""
    return next(line.strip() for line in report.splitlines() if line.strip().startswith(start))


def test_healthy_distribution_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb")
    assert gx_check.main(["--duckdb", str(path), "--schema", "marts"]) == EXIT_OK
    report = capsys.readouterr().out
    assert failed_lines(report) == []
    assert "✓ [default] lead_score stdev" in report
    assert "✓ [analytics] share is_disqualified" in report
    for table in ("scored_contacts", "contact_lifecycle", "mql_alerts", "funnel_conversion",
                  "account_scores"):
        assert f"\nmarts.{table}\n" in report
    assert "✓ [default] share in stage mql+sal+sql" in report
    assert report.rstrip().splitlines()[-1].startswith("OK: all ")
    # Row rules live in dbt only (issue 12): none of them is repeated here.
    for label in ("one row per", "within the scale", "is a known", "no alert for",
                  "contacts scored", "within its cap", "not negative", "rate within",
                  "one lifecycle row"):
        assert label not in report, label


def test_mql_to_sql_rate_is_reported_per_model(tmp_path: Path) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb")
    ok, report = check(path)
    assert ok
    con = connect(path, read_only=True)
    try:
        rates = dict(con.execute(
            "select scoring_model, sum(reached_sql) / sum(mqls) from marts.funnel_conversion"
            " group by 1").fetchall())
    finally:
        con.close()
    for model in MODELS:
        line = report_line(report, f"✓ [{model}] MQL-to-SQL rate, all cohorts (reported)")
        assert f"observed {rates[model]:.4g} " in line, line
        assert "expected 0..1 (reported, no target)" in line


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


def test_missing_model_and_column_are_reported(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.scored_contacts set scoring_model = 'legacy'"
        " where scoring_model = 'default'",
        "alter table marts.scored_contacts drop column is_sales_ready"))
    assert not ok
    failed = failed_lines(report)
    assert any(line.startswith("✗ scoring_model includes default") and "missing default" in line
               for line in failed), report
    line = next(line for line in failed if line.startswith("✗ [legacy] share is_sales_ready"))
    assert 'observed error: Error: The column "is_sales_ready"' in line


def test_everyone_disqualified_in_the_lifecycle_fails(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.contact_lifecycle set lifecycle_stage = 'disqualified',"
        " highest_stage = 'disqualified', disqualification_reason = 'student'"))
    assert not ok
    failed = failed_lines(report)
    for model in MODELS:
        line = report_line(report, f"✗ [{model}] share in stage disqualified")
        assert "observed 1.0000" in line
        assert f"<= {BOUNDS['lifecycle_disqualified_share_max']:g}" in line
        assert "[expect_column_values_to_not_be_in_set]" in line
        for group in ("prospect", "mql+sal+sql", "customer"):
            assert any(line.startswith(f"✗ [{model}] share in stage {group}")
                       and "observed 0.0000" in line for line in failed), (group, report)
    # Every alert now points at a disqualified contact: a row rule, the dbt test
    # assert_lifecycle_disqualified_never_mql_or_alerted, not repeated here.
    assert not any("alert" in line for line in failed), report
    # scored_contacts and the other marts are untouched.
    assert not any(line.startswith("✗ [default] share is_") for line in failed)
    assert not any("rate" in line or "account_" in line for line in failed), report


def test_a_missing_stage_fails(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "delete from marts.contact_lifecycle where lifecycle_stage = 'customer'"))
    assert not ok
    failed = failed_lines(report)
    line = report_line(report, "✗ [default] share in stage customer")
    assert "observed 0.0000" in line and f">= {BOUNDS['lifecycle_customer_share_min']:g}" in line
    assert not any("share in stage prospect" in line for line in failed)


def test_row_rules_are_left_to_dbt(tmp_path: Path) -> None:
    """Duplicate keys, unknown stages and statuses, scores off their scales and an alert for
    a disqualified contact are dbt tests (see the top of gx_check.py): on a few rows they
    leave every distribution within bounds, so the checkpoint passes."""
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "insert into marts.contact_lifecycle select * replace ('nurture' as lifecycle_stage)"
        " from marts.contact_lifecycle where contact_id = 'c000003'",
        "update marts.scored_contacts set fit_grade = 'Z' where contact_id = 'c000005'",
        "update marts.mql_alerts set lead_score_at_mql = 120 where sla_status = 'met'",
        "update marts.mql_alerts set sla_status = 'late' where sla_status = 'open'",
        "update marts.account_scores set account_engagement_score = 150"
        " where account_id = 'a1'",
        "update marts.account_scores set account_fit_score = -1 where account_id = 'a2'",
        "update marts.contact_lifecycle set lifecycle_stage = 'disqualified',"
        " disqualification_reason = 'rejected_by_sales'"
        " where scoring_model = 'default' and contact_id = 'c000001'"))
    assert ok, report
    assert failed_lines(report) == []


def test_broken_funnel_rate_fails(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "update marts.funnel_conversion set reached_sql = 2 * mqls, mql_to_sql_rate = 2"
        " where scoring_model = 'analytics'"))
    assert not ok
    line = report_line(report, "✗ [analytics] MQL-to-SQL rate, all cohorts (reported)")
    assert "observed 2 " in line and "[expect_column_max_to_be_between]" in line
    assert "✓ [default] MQL-to-SQL rate, all cohorts (reported)" in report
    assert len(failed_lines(report)) == 1, report


def test_empty_alerts_and_accounts_fail(tmp_path: Path) -> None:
    ok, report = check(make_warehouse(
        tmp_path / "wh.duckdb",
        "delete from marts.mql_alerts", "delete from marts.account_scores"))
    assert not ok
    failed = failed_lines(report)
    assert len(failed) == 2 and all(line.startswith("✗ table has rows") for line in failed), report
    for table in ("mql_alerts", "account_scores"):
        section = report.split(f"\nmarts.{table}\n", 1)[1].split("\nmarts.", 1)[0]
        assert "✗ table has rows" in section and "observed 0" in section, section


def test_an_older_warehouse_without_lifecycle_marts_is_a_user_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_warehouse(tmp_path / "wh.duckdb", "drop table marts.contact_lifecycle")
    assert gx_check.main(["--duckdb", str(path)]) == EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "table marts.contact_lifecycle not found" in captured.err


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
    # 10 per model, but a product-line model has no lower bound on the sales-ready share
    assert len(per_model) == 10 * len(profile.partitions) - (len(profile.partitions) - 1)
    sales_ready_floors = [e for e in per_model if "is_sales_ready" in e.meta["label"]
                          and e.meta["bound"].startswith(">=")]
    assert [e.row_condition for e in sales_ready_floors] == [
        e.row_condition for e in per_model if e.meta["label"] == "[default] share is_sales_ready"
        and e.meta["bound"].startswith(">=")]
    assert len(sales_ready_floors) == 1
    assert [e.meta["label"] for e in table_wide] == ["table has rows",
                                                     "scoring_model includes default"]
    assert all({"label", "bound", "show"} <= set(e.meta) for e in suite.expectations)
    stdevs = [e for e in per_model if e.expectation_type == "expect_column_stdev_to_be_between"]
    assert {e.min_value for e in stdevs} == {BOUNDS["lead_score_min_stdev"]}



# Expectations that say something about single rows (each row must hold): dbt's job, never
# the checkpoint's. A values-in-set expectation is a share only with `mostly` below 1.
ROW_RULES = {"expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique",
             "expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
             "expect_select_column_values_to_be_unique_within_record"}


def test_every_suite_holds_distribution_checks_only() -> None:
    for table_check in gx_check.TABLE_CHECKS:
        profile = TableProfile(schema="marts", table=table_check.table, row_count=30,
                               partitions=("default", "analytics"), key_count=10)
        suite = table_check.build_suite(profile)
        for e in suite.expectations:
            assert e.expectation_type not in ROW_RULES, (table_check.table, e.meta["label"])
            if e.expectation_type in ("expect_column_values_to_be_in_set",
                                      "expect_column_values_to_not_be_in_set"):
                assert e.mostly < 1, (table_check.table, e.meta["label"])


def test_lifecycle_suite_uses_the_documented_bounds() -> None:
    profile = TableProfile(schema="marts", table="contact_lifecycle", row_count=30,
                           partitions=("default", "analytics"), key_count=10)
    suite = build_contact_lifecycle_suite(profile)
    per_model = [e for e in suite.expectations if getattr(e, "row_condition", None) is not None]
    assert len(per_model) == 2 * len(LIFECYCLE_SHARE_GROUPS) * len(profile.partitions)
    assert all({"label", "bound", "show"} <= set(e.meta) for e in suite.expectations)
    for name, group in LIFECYCLE_SHARE_GROUPS:
        sides = [e for e in per_model if e.meta["label"] == "[default] share in stage "
                 + "+".join(group)]
        low, high = (BOUNDS[f"lifecycle_{name}_share_min"],
                     BOUNDS[f"lifecycle_{name}_share_max"])
        assert 0 < low < high < 1
        assert sorted(e.mostly for e in sides) == sorted([low, 1 - high])
        assert all(sorted(e.value_set) == sorted(group) for e in sides)


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


# --------------------------------------------------------------- on a warehouse built by dbt

WAREHOUSE_ENV = "LEADSCORE_TEST_WAREHOUSE"


@pytest.fixture(scope="module")
def built_warehouse(request: pytest.FixtureRequest) -> Path:
    """A warehouse built by dbt, never modified: $LEADSCORE_TEST_WAREHOUSE if set, else the
    session's `demo_warehouse` (1,500 contacts, built on first use: a couple of minutes)."""
    given = os.environ.get(WAREHOUSE_ENV)
    if given:
        return Path(given)
    warehouse, _ = request.getfixturevalue("demo_warehouse")
    return warehouse


def broken_copy(built: Path, tmp_path: Path, *breakage: str) -> Path:
    """A copy of the built warehouse with each SQL statement of `breakage` run on it."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(built, path)
    con = connect(path)
    try:
        for statement in breakage:
            con.execute(statement)
    finally:
        con.close()
    return path


def test_built_warehouse_passes(built_warehouse: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert gx_check.main(["--duckdb", str(built_warehouse)]) == EXIT_OK
    report = capsys.readouterr().out
    assert failed_lines(report) == [], report
    assert "✓ [default] share in stage prospect" in report
    assert "✓ [default] MQL-to-SQL rate, all cohorts (reported)" in report


def test_built_warehouse_with_everyone_disqualified_fails(
        built_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = broken_copy(built_warehouse, tmp_path,
                       "update marts.contact_lifecycle set lifecycle_stage = 'disqualified'")
    assert gx_check.main(["--duckdb", str(path)]) == EXIT_FAILED
    report = capsys.readouterr().out
    line = report_line(report, "✗ [default] share in stage disqualified")
    assert "observed 1.0000" in line and "expected <= 0.4" in line
    assert report_line(report, "✗ [default] share in stage prospect")
    assert report.rstrip().splitlines()[-1].startswith("FAILED: ")


def test_built_warehouse_without_customers_fails(
        built_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = broken_copy(built_warehouse, tmp_path,
                       "delete from marts.contact_lifecycle where lifecycle_stage = 'customer'")
    assert gx_check.main(["--duckdb", str(path)]) == EXIT_FAILED
    report = capsys.readouterr().out
    line = report_line(report, "✗ [default] share in stage customer")
    assert "observed 0.0000" in line and "expected >= 0.001" in line


def test_contacts_missing_from_the_lifecycle_or_stale_there_fail_the_dbt_test(
        built_warehouse: Path, tmp_path: Path) -> None:
    """The rule "every scored contact has one lifecycle row" is a dbt test (moved out of the
    checkpoint, issue 12): on a built warehouse whose lifecycle lost the customers and holds
    a contact nobody scored, it fails with one row per pair on one side only."""
    path = broken_copy(
        built_warehouse, tmp_path,
        "delete from marts.contact_lifecycle where lifecycle_stage = 'customer'",
        "insert into marts.contact_lifecycle select * replace ('c-stale' as contact_id)"
        " from marts.contact_lifecycle limit 1")
    con = connect(path, read_only=True)
    try:
        missing = con.execute(
            "select count(*) from marts.scored_contacts s anti join marts.contact_lifecycle l"
            " using (contact_id, scoring_model) where not s.is_shadow").fetchone()[0]
    finally:
        con.close()
    assert missing > 0
    name = "assert_every_scored_contact_has_one_lifecycle_row"
    test_id = f"test.lead_scoring.{name}"

    def test_results(warehouse: Path, target: str) -> tuple[dict[str, str], dict[str, str]]:
        result = run_dbt("test", warehouse, select=[name], target_path=tmp_path / target)
        tests = {k: v for k, v in result.statuses.items() if k.startswith("test.")}
        return tests, result.messages

    assert test_results(built_warehouse, "target_healthy")[0] == {test_id: "pass"}
    statuses, messages = test_results(path, "target")
    assert statuses == {test_id: "fail"}
    assert messages[test_id] == f"Got {missing + 1} results, configured to fail if != 0"
