"""`leadscore calibrate`: new weights from the backtest, written as a shadow model.

* On the demo data at 5,000 contacts (the size `make demo` builds), the candidate fitted on
  the older complete snapshots ranks the newer ones better than the default weights (AUC
  0.907 -> 0.934 on the daily-load demo data), and it ranks the generator's planted signal in
  the planted order: hand-raises (demo requests, free trials) and senior titles above blog
  reads and individual contributors. At 1,500 contacts (the session's demo) there are too few
  conversions to beat the defaults (0.929 -> 0.879 with --max-rules 25): the report says so.
* A population where students buy best: the audit contradicts the student
  disqualification, and the candidate turns it off, with the figures.
* The files: the project's seed rows byte for byte (or, while the project's seeds still
  have the older columns, the same values in the new grammar) plus the candidate's rows;
  every scoring rule within --max-rules, integer points, a reason text.
* User mistakes are one line and exit code 2.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_END_DATE, cli, write_raw_tables

from leadscore import calibrate as cal
from leadscore import calibrate_report as report
from leadscore.dbt_runner import PROJECT_DIR, DbtResult, run_dbt

SEEDS = PROJECT_DIR / "seeds"


@pytest.fixture(scope="module")
def demo_5k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at the size `make demo` builds (5,000 contacts), built once."""
    root = tmp_path_factory.mktemp("demo5k")
    data_dir, warehouse = root / "raw", root / "demo.duckdb"
    cli("generate", "--contacts", "5000", "--end-date", DEMO_END_DATE, "--out", str(data_dir))
    cli("load", "--data-dir", str(data_dir), "--duckdb", str(warehouse))
    result = run_dbt("build", warehouse, dbt_vars={"as_of": DEMO_END_DATE}, target_path=root / "target")
    assert not result.failures(), result.failures()
    return warehouse


@pytest.fixture(scope="module")
def demo_5k_result(demo_5k: Path) -> cal.Result:
    return cal.run_calibration(demo_5k, "default")


def _fit_points(result: cal.Result, attribute: str, value: str) -> float:
    """What the candidate gives a contact for one attribute value (0 = the reference)."""
    bt = result.backtest
    a = bt.attributes.index(attribute)
    code = bt.fit_values[a].index(value)
    return sum(float(r.points) for r in result.candidate.scoring_rules
               if r.kind == "fit" and r.attribute == a and code in r.values)


def _event_points(result: cal.Result, rule_id: str) -> float:
    """The candidate's points for one event of a live engagement rule (0 when dropped)."""
    rules = [r for r in result.candidate.scoring_rules if r.rule_id == rule_id and r.kind == "per_event"]
    return float(rules[0].points) if rules else 0.0


def test_the_candidate_ranks_the_newer_snapshots_better(demo_5k_result: cal.Result) -> None:
    result = demo_5k_result
    bt, split = result.backtest, result.split
    # time-ordered: fitted on the older complete snapshots only, checked on the newer ones
    assert max(bt.snapshot_at[n] for n in split.train_snapshots) <= split.cut_at
    assert min(bt.snapshot_at[n] for n in split.test_snapshots) > split.cut_at
    assert set(split.train_snapshots).isdisjoint(split.test_snapshots)
    assert len(split.test_snapshots) >= 2 and result.current.conversions > 100
    assert result.proposed.auc > result.current.auc, (result.current.auc, result.proposed.auc)
    assert "ranks the newer snapshots better" in report.verdict(result)


def test_the_current_figures_are_score_evaluation_s(demo_5k: Path, demo_5k_result: cal.Result) -> None:
    """The AUC and top decile computed here equal the mart's over every complete snapshot."""
    bt = demo_5k_result.backtest
    import numpy as np

    every = np.arange(bt.rows)
    mine = cal.evaluate(bt, bt.current_score, every)
    con = duckdb.connect(str(demo_5k), read_only=True)
    try:
        auc, top = con.execute(
            "select auc, top_decile_conversion_rate from marts.score_evaluation where scoring_model"
            " = 'default' and score_name = 'lead_score' and snapshot_at is null").fetchone()
    finally:
        con.close()
    assert mine.auc == pytest.approx(auc, abs=1e-9)
    assert mine.top_decile_rate == pytest.approx(top, abs=1e-9)


def test_the_candidate_ranks_the_planted_signal_in_order(demo_5k_result: cal.Result) -> None:
    """generate.py: intent (hand-raises) and fit (seniority first) drive opportunities and wins."""
    result = demo_5k_result
    blog = _event_points(result, "eng_page_blog")
    for hand_raise in ("eng_form_demo_request", "eng_form_free_trial"):
        assert _event_points(result, hand_raise) > max(blog, 0) + 10, hand_raise
    individual = _fit_points(result, "seniority", "individual_contributor")
    for senior in ("executive", "director"):
        assert _fit_points(result, "seniority", senior) > individual + 5, senior
    # VPs are the rarest senior title (5% of contacts): in the fitted snapshots of this demo
    # 18 of 1,004 converted (1.8%, against 0.8% of individual contributors and 2.6-2.7% of
    # executives and directors), too few for a margin; the order must still hold
    for above in ("vp", "manager"):
        assert _fit_points(result, "seniority", above) > individual, above
    # too small a company is a penalty, as planted
    assert _fit_points(result, "company_size_band", "1-10") < 0


def test_the_scores_spread_over_the_100_point_system(demo_5k_result: cal.Result) -> None:
    result = demo_5k_result
    cur, new = result.current, result.proposed
    # about as many contacts reach the MQL threshold as with the live weights, and the
    # candidate's scores use the whole scale
    assert 0.5 * cur.at_mql[0] <= new.at_mql[0] <= 1.5 * cur.at_mql[0]
    assert 0.5 * cur.at_lead[0] <= new.at_lead[0] <= 1.5 * cur.at_lead[0]
    top_band = dict((label, n) for label, n, _ in new.bands)["90-100"]
    assert top_band > 0
    # conversion rises with the bands (the best band converts several times the lead band)
    assert new.at_mql[1] / new.at_mql[0] > 2 * (new.below_lead[1] / new.below_lead[0])


@pytest.fixture(scope="module")
def demo_output(demo_warehouse: tuple[Path, DbtResult], tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, subprocess.CompletedProcess, cal.Result]:
    warehouse, result = demo_warehouse
    assert result.success, result.failures()
    out = tmp_path_factory.mktemp("calibrated")
    run = _calibrate("--duckdb", str(warehouse), "--out", str(out), "--max-rules", "20")
    assert run.returncode == 0, run.stderr
    return out, run, cal.run_calibration(warehouse, "default", max_rules=20)


def _calibrate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "leadscore.cli", "calibrate", *args],
                          capture_output=True, text=True, cwd=PROJECT_DIR)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("seed", ["scoring_models", "scoring_rules"])
def test_the_seed_files_add_only_the_candidate(demo_output: tuple, seed: str) -> None:
    out = demo_output[0]
    written = (out / f"{seed}.csv").read_text(encoding="utf-8")
    project = (SEEDS / f"{seed}.csv").read_text(encoding="utf-8")
    mine = [r for r in _rows(out / f"{seed}.csv") if r["scoring_model"] != "default_candidate"]
    theirs = _rows(SEEDS / f"{seed}.csv")
    if written.splitlines()[0] == project.splitlines()[0]:
        # the project's seed is in the candidate's grammar: its text, byte for byte, first
        assert written.startswith(project)
    else:
        # an older header: the same rows with the new columns at their defaults
        defaults = report.UPGRADE_DEFAULTS[seed]
        assert [{k: v for k, v in r.items() if k not in defaults} for r in mine] == theirs
        assert all(r[k] == v for r in mine for k, v in defaults.items())
    assert len(mine) == len(theirs)
    candidate = [r for r in _rows(out / f"{seed}.csv") if r["scoring_model"] == "default_candidate"]
    assert candidate
    if seed == "scoring_models":
        assert candidate[0]["is_shadow"] == "true" and candidate[0]["shadow_of"] == "default"


def test_seeds_in_the_new_grammar_are_kept_byte_for_byte(demo_output: tuple, tmp_path: Path) -> None:
    """Seeds that already have the candidate's grammar (and an earlier candidate): the files
    are their text byte for byte, the earlier candidate's rows replaced by the new ones; so
    calibrating again over the files it wrote gives the same files."""
    out, _, result = demo_output
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for written in out.glob("*.csv"):
        shutil.copy(written, seeds / written.name)
    again = tmp_path / "again"
    paths = report.write_outputs(result, again, seeds)
    for path in paths:
        if path.suffix == ".csv":
            assert path.read_bytes() == (seeds / path.name).read_bytes(), path.name
    # an earlier candidate with other rows is replaced, the project's rows stay
    rules = (seeds / "scoring_rules.csv").read_text(encoding="utf-8")
    (seeds / "scoring_rules.csv").write_text(
        rules + "default_candidate,old_rule,fit,seniority,in,vp,99,99,,,,An old candidate row\n",
        encoding="utf-8")
    report.write_outputs(result, again, seeds)
    assert (again / "scoring_rules.csv").read_text(encoding="utf-8") == rules


def test_every_rule_is_readable(demo_output: tuple) -> None:
    out = demo_output[0]
    rules = [r for r in _rows(out / "scoring_rules.csv") if r["scoring_model"] == "default_candidate"]
    scoring = [r for r in rules if float(r["points"]) != 0]
    # the candidate scores with its own rows plus the default rows it inherits unchanged
    # (kept rules that fire for no fitted contact are not counted: the report lists them)
    inherited = [r for r in _rows(SEEDS / "scoring_rules.csv")
                 if r["scoring_model"] == "default" and float(r["points"]) != 0
                 and r["rule_id"] not in {c["rule_id"] for c in rules}]
    silent = demo_output[2].candidate.silent
    assert len(scoring) + len([r for r in inherited if r["rule_id"] not in silent]) <= 20
    for r in scoring:
        assert r["reason_text"].strip(), r
        assert r["match_type"] in ("like", "equals", "in", "regex", "between"), r
        if r["rule_id"] not in {i["rule_id"] for i in inherited}:
            assert float(r["points"]).is_integer() and float(r["max_points"]).is_integer(), r
        assert abs(float(r["points"])) <= float(r["max_points"]), r
        if float(r["points"]) < 0:
            assert r["half_life_days"] == "", r  # penalties never decay (a seed test)
        if r["match_type"] == "in":
            assert r["category"] == "fit" and r["match_value"] == r["match_value"].lower()
            # no rule for one exact number: that would be one company, not a kind of contact
            assert r["signal"] != "employee_count", r
        if r["count_min"] or r["count_max"]:
            assert r["count_min"] == "0" and r["count_max"] == "0", r
    # every live rule the candidate does not keep is overridden (0 points, or refitted)
    assert {r["rule_id"] for r in rules} >= {r["rule_id"] for r in _rows(SEEDS / "scoring_rules.csv")
                                             if r["scoring_model"] == "default"
                                             and float(r["points"]) != 0} - {i["rule_id"] for i in inherited}
    text = (out / "calibration.md").read_text(encoding="utf-8")
    for heading in ("## What was fitted", "## Current against candidate", "## Points per rule",
                    "## Kept for lack of evidence", "## Disqualifications proposed off",
                    "## What the caps do", "## How to adopt it"):
        assert heading in text
    assert "allow_mass_change" in text and "scoring_model_comparison" in text


def test_the_terminal_summary_and_the_small_demo(demo_output: tuple) -> None:
    """1,500 contacts hold too few conversions to beat the defaults: the output says so."""
    run, result = demo_output[1], demo_output[2]
    assert result.proposed.auc < result.current.auc
    assert "does NOT rank the newer snapshots better" in run.stdout
    lines = run.stdout.splitlines()
    assert lines[0].startswith("calibrate default -> default_candidate: fitted on")
    assert any(line.strip().startswith("AUC ") for line in lines)
    assert "wrote " in run.stdout and "calibration.md" in run.stdout


# --- students who buy ------------------------------------------------------------------------------

AS_OF = "2026-06-01 00:00:00"
# three snapshots (2026-04-02, 05-02, 06-01), 30-day windows: the first two are complete
STUDENT_VARS = {"as_of": AS_OF, "backtest_snapshots": 3, "backtest_interval_days": 30,
                "outcome_window_days": 30}
ACCOUNT = {"account_id": "ACC-1", "name": "Northwind", "domain": "northwind.io", "industry": "Software",
           "employee_count": 300, "country": "US", "is_target_account": False,
           "created_at": datetime(2025, 1, 1), "updated_at": datetime(2025, 1, 1)}


def _contact(contact_id: str, title: str) -> dict:
    return {"contact_id": contact_id, "account_id": "ACC-1", "email": f"{contact_id.lower()}@northwind.io",
            "first_name": "Ann", "last_name": contact_id, "job_title": title, "country": "US",
            "lead_source": "web", "created_at": datetime(2025, 6, 1), "updated_at": datetime(2025, 6, 1)}


@pytest.fixture(scope="module")
def student_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 students, 48 of whom buy (40 in the first snapshot's window, 8 in the second's),
    and 120 managers, 9 of whom buy: the student disqualification removes the best buyers.
    Some of each visit the pricing page, so the fit has an engagement signal too."""
    root = tmp_path_factory.mktemp("students_buy")
    warehouse = root / "w.duckdb"
    contacts, opportunities, views = [], [], []
    for kind, title, first, second in [("S", "Graduate Student", 40, 8), ("M", "Marketing Manager", 6, 3)]:
        for i in range(120):
            contact_id = f"{kind}{i:03d}"
            contacts.append(_contact(contact_id, title))
            closed = (datetime(2026, 4, 20) if i < first else
                      datetime(2026, 5, 20) if i < first + second else None)
            if closed is not None:
                opportunities.append({
                    "opportunity_id": f"o-{contact_id}", "account_id": "ACC-1", "contact_id": contact_id,
                    "product_line": "analytics", "stage": "closed won", "amount": 1000,
                    "created_at": closed - timedelta(days=10), "closed_at": closed, "is_won": True})
            if i % 3 == 0:
                views.append({"event_id": f"w-{contact_id}", "contact_id": contact_id, "session_id": "s",
                              "page_path": "/pricing", "occurred_at": datetime(2026, 3, 20)})
    write_raw_tables(warehouse, {"raw_crm.accounts": [ACCOUNT], "raw_crm.contacts": contacts,
                                 "raw_crm.opportunities": opportunities,
                                 "raw_marketing.web_events": views})
    result = run_dbt("build", warehouse, select=["+scoring_rule_audit"], dbt_vars=STUDENT_VARS,
                     target_path=root / "target", extra_args=["--indirect-selection", "cautious"])
    assert not result.failures(), result.failures()
    return warehouse


def test_a_contradicted_disqualification_is_proposed_off(student_warehouse: Path, tmp_path: Path) -> None:
    run = _calibrate("--duckdb", str(student_warehouse), "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "disqualifications off: student" in run.stdout
    rows = [r for r in _rows(tmp_path / "disqualification_rules.csv") if r["scoring_model"] == "default_candidate"]
    assert [(r["reason_code"], r["is_enabled"]) for r in rows] == [("student", "false")]
    assert "converted at" in rows[0]["description"]
    text = (tmp_path / "calibration.md").read_text(encoding="utf-8")
    section = text.split("## Disqualifications proposed off")[1].split("##")[0]
    assert "| student |" in section
    # the other disqualification rows are the project's, unchanged
    others = [r for r in _rows(tmp_path / "disqualification_rules.csv") if r["scoring_model"] != "default_candidate"]
    assert [r["reason_code"] for r in others] == [r["reason_code"] for r in _rows(SEEDS / "disqualification_rules.csv")]


# --- user mistakes ---------------------------------------------------------------------------------


def _one_line_exit_2(run: subprocess.CompletedProcess, words: str) -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr and words in lines[0], lines[0]


def test_a_warehouse_without_the_backtest(student_warehouse: Path, tmp_path: Path) -> None:
    """As after `dbt build --exclude tag:evaluation`: no marts.score_backtest."""
    copy = tmp_path / "no_backtest.duckdb"
    shutil.copy(student_warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute("drop table marts.score_backtest")
    con.close()
    _one_line_exit_2(_calibrate("--duckdb", str(copy), "--out", str(tmp_path / "o")), "has no backtest")


def test_an_unknown_model(student_warehouse: Path, tmp_path: Path) -> None:
    _one_line_exit_2(_calibrate("--duckdb", str(student_warehouse), "--scoring-model", "nope",
                                "--out", str(tmp_path)), "unknown scoring model 'nope'")


def test_too_few_conversions(demo_warehouse: tuple[Path, DbtResult], tmp_path: Path) -> None:
    warehouse, _ = demo_warehouse
    _one_line_exit_2(_calibrate("--duckdb", str(warehouse), "--scoring-model", "analytics",
                                "--out", str(tmp_path)), "too few conversions to fit")


def test_a_train_until_outside_the_backtest(student_warehouse: Path, tmp_path: Path) -> None:
    for day in ("2020-01-01", "2030-01-01"):
        _one_line_exit_2(_calibrate("--duckdb", str(student_warehouse), "--train-until", day,
                                    "--out", str(tmp_path)), "is outside the backtest")


def test_a_missing_file(tmp_path: Path) -> None:
    _one_line_exit_2(_calibrate("--duckdb", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)),
                     "no DuckDB file")
