"""The whole pipeline on generated demo data: generate → load → dbt build → marts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DEMO_END_DATE, copy_project, query, write_raw_tables

from leadscore.contract import RAW_TABLES
from leadscore.dbt_runner import DbtResult, run_dbt

EVENT_TABLES = ["web_events", "email_events", "form_submissions", "event_attendance"]
# half a year before the demo data ends: events and contacts after it exist
EARLY_AS_OF = "2026-05-01"


def event_accounting(warehouse: Path, table: str, as_of: str) -> tuple[int, int, int]:
    """(raw rows, scored rows, quarantined rows) of one raw event table. An event is scored
    when it is usable, human, at or before the scoring date, and its contact is scored."""
    (raw,) = query(warehouse, f"select count(*) from raw_marketing.{table}")[0]
    (scored,) = query(
        warehouse,
        "select count(*) from intermediate.int_engagement_events_resolved"
        " where source_table = ? and not is_excluded and not is_bot_activity and occurred_at <= ?"
        " and contact_id in (select contact_id from marts.scored_contacts where scoring_model = 'default')",
        [table, as_of],
    )[0]
    (quarantined,) = query(
        warehouse, "select count(*) from intermediate.int_quarantined_rows where source_table = ?", [table]
    )[0]
    return raw, scored, quarantined


def sales_activity_accounting(warehouse: Path, as_of: str) -> tuple[int, int, int]:
    """(raw rows, rows used, quarantined rows) of raw_crm.sales_activities. A sales activity
    is used when it is clean, at or before the scoring date and its contact is scored: the
    lifecycle reads it (the first sales touch of an MQL alert), and the event union carries
    it for the rules (sales_call, sales_email, sales_meeting; an activity type the map does
    not list scores nothing but is still used)."""
    (raw,) = query(warehouse, "select count(*) from raw_crm.sales_activities")[0]
    (used,) = query(
        warehouse,
        "select count(*) from intermediate.int_engagement_events_resolved"
        " where source_table = 'sales_activities' and occurred_at <= ?"
        " and (not is_excluded or exclusion_reason = 'unknown_event_type')"
        " and contact_id in (select contact_id from marts.scored_contacts where scoring_model = 'default')",
        [as_of],
    )[0]
    (quarantined,) = query(warehouse, "select count(*) from intermediate.int_quarantined_rows"
                                      " where source_table = 'sales_activities' and action != 'value_nulled'")[0]
    return raw, used, quarantined


@pytest.fixture(scope="module")
def early_warehouse(demo_warehouse: tuple[Path, DbtResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse scored as of EARLY_AS_OF (models up to the quarantine)."""
    root = tmp_path_factory.mktemp("early")
    warehouse = root / "early.duckdb"
    shutil.copy(demo_warehouse[0], warehouse)
    result = run_dbt("build", warehouse, select=["+scored_contacts", "+int_quarantined_rows"],
                     exclude=["resource_type:test", "resource_type:unit_test"],
                     dbt_vars={"as_of": EARLY_AS_OF}, target_path=root / "target")
    assert result.success, result.failures()
    return warehouse


def test_dbt_build_passes_every_model_and_test(demo_warehouse: tuple[Path, DbtResult]) -> None:
    _, result = demo_warehouse
    assert result.success, result.failures()
    kinds = {uid.split(".")[0] for uid in result.statuses}
    assert {"model", "seed", "test", "unit_test"} <= kinds


def test_every_contact_is_scored_once_per_model(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    models = query(warehouse, "select scoring_model from scoring_config.scoring_models order by 1")
    assert ("default",) in models and len(models) >= 2
    (expected,) = query(
        warehouse,
        f"select count(*) from intermediate.int_contacts_deduplicated"
        f" where created_at <= timestamp '{DEMO_END_DATE}'",
    )[0]
    rows = query(warehouse, "select scoring_model, count(*), count(distinct contact_id) from marts.scored_contacts group by 1")
    assert len(rows) == len(models)
    for model, n, distinct in rows:
        assert n == distinct == expected, model


def test_every_raw_row_is_staged_one_to_one(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    for table in RAW_TABLES:
        source = "crm" if table.schema == "raw_crm" else "marketing"
        (raw,) = query(warehouse, f"select count(*) from {table.qualified_name}")[0]
        (staged,) = query(warehouse, f"select count(*) from staging.stg_{source}__{table.name}")[0]
        assert raw == staged > 0, table.qualified_name


def test_every_raw_event_is_scored_or_quarantined(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    for name in EVENT_TABLES:
        raw, scored, quarantined = event_accounting(warehouse, name, DEMO_END_DATE)
        assert quarantined > 0, f"demo data should carry dirt in {name}"
        assert scored + quarantined == raw, name


def test_every_raw_event_is_scored_or_quarantined_before_the_data_ends(early_warehouse: Path) -> None:
    """Scored as of half a year before the data ends, the events after the scoring date (and
    those of contacts created after it) are counted as not_yet: they were neither scored nor
    in the quarantine before."""
    for name in EVENT_TABLES:
        raw, scored, quarantined = event_accounting(early_warehouse, name, EARLY_AS_OF)
        assert scored + quarantined == raw, (name, raw, scored, quarantined)
    not_yet = dict(query(early_warehouse, "select source_table || ':' || reason, count(*)"
                                          " from intermediate.int_quarantined_rows where action = 'not_yet' group by 1"))
    assert all(not_yet.get(f"{name}:after_as_of", 0) > 0 for name in EVENT_TABLES), not_yet
    assert not_yet.get("web_events:contact_created_after_as_of", 0) > 0, not_yet
    assert not_yet.get("contacts:created_after_as_of", 0) > 0, not_yet
    late = query(early_warehouse, "select count(*) from intermediate.int_quarantined_rows"
                                  " where action = 'not_yet' and reason = 'after_as_of'")[0][0]
    (after,) = query(early_warehouse, "select count(*) from intermediate.int_engagement_events_resolved"
                                      " where not is_excluded and not is_bot_activity and occurred_at > ?"
                                      " and source_table != 'sales_activities'",
                     [EARLY_AS_OF])[0]
    assert late == after


def test_every_raw_sales_activity_is_used_or_quarantined(demo_warehouse: tuple[Path, DbtResult]) -> None:
    """Sales activities are both lifecycle facts and engagement events (one union): each
    raw row is counted once, either used or in the quarantine with a reason, and every
    activity the union can score is one of the used ones."""
    warehouse, _ = demo_warehouse
    raw, used, quarantined = sales_activity_accounting(warehouse, DEMO_END_DATE)
    assert used > 0 and quarantined > 0
    assert used + quarantined == raw, (raw, used, quarantined)
    kinds = dict(query(warehouse, "select event_type, count(*) from intermediate.int_engagement_events_resolved"
                                  " where source_table = 'sales_activities' and not is_excluded group by 1"))
    assert {"sales_call", "sales_email", "sales_meeting"} <= set(kinds), kinds
    (touches,) = query(warehouse, """
        select count(*) from marts.mql_alerts as a
        where a.first_touch_at is not null and not exists (
            select 1 from intermediate.int_engagement_events_resolved as e
            where e.source_table = 'sales_activities' and e.contact_id = a.contact_id
              and e.occurred_at = a.first_touch_at)""")[0]
    assert touches == 0, "an alert's first touch is not a sales activity of the union"


def test_every_raw_sales_activity_is_used_or_quarantined_before_the_data_ends(early_warehouse: Path) -> None:
    raw, used, quarantined = sales_activity_accounting(early_warehouse, EARLY_AS_OF)
    assert used + quarantined == raw, (raw, used, quarantined)
    (late,) = query(early_warehouse, "select count(*) from intermediate.int_quarantined_rows"
                                     " where source_table = 'sales_activities' and reason = 'after_as_of'")[0]
    assert late > 0


def test_every_raw_contact_is_scored_merged_or_quarantined(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    (raw,) = query(warehouse, "select count(*) from raw_crm.contacts")[0]
    (survivors,) = query(warehouse, "select count(*) from intermediate.int_contacts_deduplicated")[0]
    reasons = dict(
        query(
            warehouse,
            "select reason, count(*) from intermediate.int_quarantined_rows"
            " where source_table = 'contacts' and action in ('excluded', 'merged') group by 1",
        )
    )
    assert {"duplicate_email", "malformed_email"} <= set(reasons)
    assert survivors + sum(reasons.values()) == raw


def test_scores_are_bounded_varied_and_explained(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    (n, distinct, lo, hi, explained, matrix_ok, as_of) = query(
        warehouse,
        """
        select count(*), count(distinct lead_score), min(lead_score), max(lead_score),
               avg(case when top_reasons is not null and top_reasons != '' then 1.0 else 0 end),
               avg(case when score_matrix = fit_grade || cast(engagement_tier as varchar) then 1.0 else 0 end),
               max(as_of)
        from marts.scored_contacts
        """,
    )[0]
    assert 0 <= lo and hi <= 100
    assert distinct > 20, "score distribution collapsed"
    assert explained == 1 and matrix_ok == 1
    assert str(as_of).startswith(DEMO_END_DATE)


def test_disqualified_contacts_exist_for_every_reason_and_never_route(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    reasons = dict(
        query(
            warehouse,
            "select disqualification_reason, count(*) from marts.scored_contacts"
            " where scoring_model = 'default' and is_disqualified group by 1",
        )
    )
    assert {"student", "job_seeker", "competitor", "own_employee", "excluded_industry"} <= set(reasons)
    (bad,) = query(
        warehouse,
        "select count(*) from marts.scored_contacts where is_disqualified and (lead_score > 0 or is_sales_ready)",
    )[0]
    assert bad == 0


def test_bot_activity_is_flagged_and_not_scored(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    reasons = dict(
        query(
            warehouse,
            "select bot_reason, count(*) from intermediate.int_engagement_events_resolved"
            " where is_bot_activity group by 1",
        )
    )
    assert reasons.get("email_click_seconds_after_delivery", 0) > 0
    assert reasons.get("page_view_flood", 0) > 0


def test_an_event_type_listed_twice_after_normalizing_stops_the_build(tmp_path: Path) -> None:
    """`Page View` and `page_view` are one raw value once normalized: a second seed row for
    it would count every page view twice, so int_event_type_map's key test fails and dbt
    skips everything that reads events."""
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "event_type_map.csv"
    assert "web_events,page_view,page_view\n" in seed.read_text()
    with seed.open("a") as f:
        f.write("web_events,Page View,page_view\n")
    write_raw_tables(tmp_path / "wh.duckdb", {})  # empty: the seed alone fails the build
    result = run_dbt("build", tmp_path / "wh.duckdb",
                     select=["event_type_map", "int_event_type_map+"], project_dir=project)
    key_test = next(k for k in result.statuses
                    if k.startswith("test.lead_scoring.unique_combination_of_columns_int_event_type_map"))
    assert result.statuses[key_test] == "fail"
    assert result.messages[key_test].startswith("Got 1 result")
    assert result.statuses["model.lead_scoring.int_engagement_events_resolved"] == "skipped"
    assert not result.success


def test_signal_good_scores_convert_more(demo_warehouse: tuple[Path, DbtResult]) -> None:
    """The planted signal is visible through the default weights: sales-ready contacts win
    more often than the rest (a weak, necessary check, not a calibration)."""
    warehouse, _ = demo_warehouse
    rows = dict(
        query(
            warehouse,
            """
            with won as (
                select distinct contact_id from raw_crm.opportunities where is_won
            )
            select s.lead_score >= 40 as high,
                   avg(case when won.contact_id is not null then 1.0 else 0 end)
            from marts.scored_contacts as s left join won using (contact_id)
            where s.scoring_model = 'default'
            group by 1
            """,
        )
    )
    assert rows[True] > rows[False]


def test_every_declared_unit_test_runs(demo_warehouse: tuple[Path, DbtResult]) -> None:
    """dbt silently ignores `unit_tests:` nested under a model: every unit test must be
    declared at the top level of a YAML file, and every declared one must have run."""
    import yaml

    from leadscore.dbt_runner import PROJECT_DIR

    declared: set[str] = set()
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text()) or {}
        for model in doc.get("models", []):
            assert "unit_tests" not in model, f"{path}: unit_tests nested under model {model['name']}"
        declared |= {u["name"] for u in doc.get("unit_tests", [])}
    _, result = demo_warehouse
    ran = {uid.split(".")[-1] for uid in result.statuses if uid.startswith("unit_test.")}
    assert len(declared) >= 14
    assert declared == ran


@pytest.mark.parametrize(("table", "signal_type"), [("lead_status_changes", "sales_status"),
                                                    ("opportunities", "opportunity_opened")])
def test_every_raw_crm_row_feeds_the_lifecycle_or_is_quarantined(
        demo_warehouse: tuple[Path, DbtResult], table: str, signal_type: str) -> None:
    """Each raw lead status change and opportunity either becomes a lifecycle signal (of the
    `default` model, which takes every product line) or is in the quarantine with a reason."""
    warehouse, _ = demo_warehouse
    (raw,) = query(warehouse, f"select count(*) from raw_crm.{table}")[0]
    # value_nulled rows are used (one impossible value treated as unknown): not subtracted
    (quarantined,) = query(warehouse, "select count(*) from intermediate.int_quarantined_rows"
                                      " where source_table = ? and action != 'value_nulled'", [table])[0]
    (signals,) = query(warehouse, "select count(*) from intermediate.int_lifecycle_signals"
                                  " where scoring_model = 'default' and signal_type = ?", [signal_type])[0]
    (not_used,) = query(warehouse, "select count(*) from intermediate.int_quarantined_rows"
                                   " where source_table = ? and action = 'not_used'", [table])[0]
    assert signals > 0 and quarantined > 0
    assert not_used > 0, f"the demo data should carry {table} rows the lifecycle cannot use"
    assert signals + quarantined == raw, (table, raw, signals, quarantined)

