"""Shadow scoring models: scored, backtested and compared beside the live one, never live.

The same 300 generated contacts are built twice, published each time: by the project as it
is, and by a copy whose seeds add a shadow model `default_candidate` (shadow of `default`)
with other weights and the student disqualification switched off. Then:

* the shadow model is in scored_contacts (flagged) and in the evaluation marts;
* it is in no CRM feed row, no MQL alert, no published lifecycle stage, no account score,
  no funnel row, no audit-trail version;
* adding it changes nothing that is live (every live mart is equal between the two builds);
* scoring_model_comparison's counts equal an independent comparison of the two models' rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import DEMO_END_DATE, cli, copy_project, query, query_dicts

from leadscore.dbt_runner import run_dbt
from leadscore.publishing import published_copy_path

CONTACTS = 300
SHADOW = "default_candidate"
LIVE_ONLY = ["crm_score_sync", "mql_alerts", "contact_lifecycle", "lifecycle_stage_history",
             "contact_lifecycle_snapshot", "account_scores", "funnel_conversion"]
STAMPS = {"build_id", "computed_at", "computed_build_id", "valid_from", "valid_to", "version_build_id",
          "version_id"}


def _append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="") as f:
        fields = csv.DictReader(f).fieldnames
    with path.open("a", newline="") as f:
        csv.DictWriter(f, fieldnames=fields, lineterminator="\n").writerows(rows)


def _add_shadow_model(project: Path) -> None:
    seeds = project / "seeds"
    _append_rows(seeds / "scoring_models.csv", [
        {"scoring_model": SHADOW, "product_line": "", "is_shadow": "true", "shadow_of": "default",
         "description": "A candidate: blogs and e-mail clicks weigh more, students are not disqualified."}])
    _append_rows(seeds / "scoring_rules.csv", [
        {"scoring_model": SHADOW, "rule_id": "eng_page_blog", "category": "engagement", "signal": "page_view",
         "match_value": "/blog%", "points": "3", "max_points": "12", "half_life_days": "30",
         "reason_text": "Read the blog"},
        {"scoring_model": SHADOW, "rule_id": "eng_email_click", "category": "engagement",
         "signal": "email_click", "match_value": "%", "points": "6", "max_points": "18",
         "half_life_days": "30", "reason_text": "Clicked a link in a marketing e-mail"},
        {"scoring_model": SHADOW, "rule_id": "fit_seniority_individual", "category": "fit",
         "signal": "seniority", "match_value": "individual_contributor", "points": "-4", "max_points": "4",
         "half_life_days": "", "reason_text": "Individual contributor"},
    ])
    _append_rows(seeds / "disqualification_rules.csv", [
        {"scoring_model": SHADOW, "reason_code": "student", "priority": "5", "is_enabled": "false",
         "description": "Students are not disqualified in the candidate."}])


def _published(warehouse: Path, table: str) -> list[dict]:
    rows = query_dicts(published_copy_path(warehouse), f"select * from marts.{table}")
    return [{k: v for k, v in r.items() if k not in STAMPS} for r in rows]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("shadow")
    cli("generate", "--contacts", str(CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(root / "raw"))
    out = {}
    for name in ("live", "with_shadow"):
        warehouse = root / name / "w.duckdb"
        warehouse.parent.mkdir()
        cli("load", "--data-dir", str(root / "raw"), "--duckdb", str(warehouse))
        project = copy_project(root / name / "project")
        if name == "with_shadow":
            _add_shadow_model(project)
        result = run_dbt("build", warehouse, dbt_vars={"as_of": DEMO_END_DATE}, project_dir=project)
        assert result.success, result.failures()
        out[name] = warehouse
    return out


def test_the_shadow_model_is_scored_and_evaluated(builds: dict[str, Path]) -> None:
    warehouse = builds["with_shadow"]
    flags = dict(query(published_copy_path(warehouse),
                       "select scoring_model, bool_and(is_shadow) from marts.scored_contacts group by 1"))
    assert flags[SHADOW] is True and flags["default"] is False
    for table in ("score_backtest", "score_evaluation", "scoring_rule_audit", "threshold_tradeoff"):
        (n,) = query(published_copy_path(warehouse),
                     f"select count(*) from marts.{table} where scoring_model = '{SHADOW}'")[0]
        assert n > 0, table
    # its own disqualification rules: students are disqualified live, not in the candidate
    reasons = dict(query(warehouse, "select scoring_model, count(*) from intermediate.int_contacts_disqualified"
                                    " where disqualification_reason = 'student' group by 1"))
    assert reasons.get("default", 0) > 0 and SHADOW not in reasons


def test_the_shadow_model_is_never_synced_alerted_or_staged(builds: dict[str, Path]) -> None:
    published = published_copy_path(builds["with_shadow"])
    for table in LIVE_ONLY:
        (n,) = query(published, f"select count(*) from marts.{table} where scoring_model = '{SHADOW}'")[0]
        assert n == 0, table


def test_adding_a_shadow_model_changes_nothing_live(builds: dict[str, Path]) -> None:
    for table in LIVE_ONLY + ["scored_contacts"]:
        live = _published(builds["live"], table)
        shadowed = [r for r in _published(builds["with_shadow"], table) if r.get("scoring_model") != SHADOW]
        assert sorted(map(repr, shadowed)) == sorted(map(repr, live)), table


def test_the_comparison_counts_what_would_change(builds: dict[str, Path]) -> None:
    warehouse = builds["with_shadow"]
    (comparison,) = query_dicts(published_copy_path(warehouse), "select * from marts.scoring_model_comparison")
    assert (comparison["live_model"], comparison["shadow_model"]) == ("default", SHADOW)
    scores = {(r["contact_id"], r["scoring_model"]): r for r in query_dicts(
        warehouse, f"select contact_id, scoring_model, fit_grade, score_matrix, is_sales_ready, lead_score"
                   f" from marts.scored_contacts where scoring_model in ('default', '{SHADOW}')")}
    # the stage each model would give now: its disqualification, else the current ladder stage
    disqualified = {(c, m) for c, m in query(warehouse, "select contact_id, scoring_model"
                                                        " from intermediate.int_contacts_disqualified")}
    stages = {(c, m): ("disqualified" if (c, m) in disqualified else stage)
              for c, m, stage in query(warehouse, "select contact_id, scoring_model, stage"
                                                  " from intermediate.int_lifecycle_ladder where is_current")}
    pairs = [(scores[(c, "default")], scores[(c, SHADOW)], c) for c, m in scores if m == "default"]
    expected = {
        "contacts": len(pairs),
        "grade_changes": sum(a["fit_grade"] != b["fit_grade"] for a, b, _ in pairs),
        "matrix_changes": sum(a["score_matrix"] != b["score_matrix"] for a, b, _ in pairs),
        "sales_ready_changes": sum(a["is_sales_ready"] != b["is_sales_ready"] for a, b, _ in pairs),
        "stage_changes": sum(stages[(c, "default")] != stages[(c, SHADOW)] for _, _, c in pairs),
        "score_ups": sum(b["lead_score"] > a["lead_score"] for a, b, _ in pairs),
        "score_downs": sum(b["lead_score"] < a["lead_score"] for a, b, _ in pairs),
    }
    assert {k: comparison[k] for k in expected} == expected
    assert expected["score_ups"] > 0 and expected["stage_changes"] > 0  # the candidate differs
    # the live model's stages are the published ones
    published_stages = dict(((c, m), s) for c, m, s in query(
        published_copy_path(warehouse), "select contact_id, scoring_model, lifecycle_stage"
                                        " from marts.contact_lifecycle where scoring_model = 'default'"))
    assert all(stages[key] == stage for key, stage in published_stages.items())
    evaluation = dict(query(published_copy_path(warehouse), "select scoring_model, auc from marts.score_evaluation"
                                                             " where score_name = 'lead_score' and snapshot_at is null"))
    assert (comparison["live_auc"], comparison["shadow_auc"]) == (evaluation["default"], evaluation[SHADOW])
