"""The one-line-per-step runner of `make demo` / `make test` (leadscore/steps.py), on output
shaped like dbt's, the GX checkpoint's and the generator's (lines copied from real runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from leadscore import steps

DBT_OK = """\
22:47:23  Running with dbt=1.12.0
22:47:30  21 of 480 WARN 4 source_not_null_crm_contacts_email ............................ [WARN 4 in 0.03s]
22:47:56  PUBLISHED build dd6aceba-35ea (as of 2026-11-01, 15 relations) to warehouse/lead_scoring_published.duckdb
22:47:56  Finished running 2 exposures, 3 project hooks in 0 hours 0 minutes and 27.90 seconds (27.90s).
22:47:57  
22:47:57  Completed with 1 warning:
22:47:57  
22:47:57  [WARNING]: in test source_not_null_crm_contacts_email (models/staging/crm/_crm__sources.yml)
22:47:57  [WARNING]: Got 4 results, configured to warn if != 0
22:47:57  
22:47:57    compiled code at target/compiled/lead_scoring/source_not_null_crm_contacts_email.sql
22:47:57  
22:47:57  Done. PASS=469 WARN=1 ERROR=0 SKIP=0 NO-OP=2 REUSED=0 TOTAL=472
"""

DBT_CIRCUIT_BREAKER = """\
22:58:54  461 of 480 ERROR creating sql table model marts.publish_checks ................. [ERROR in 0.16s]
22:58:55  NOT PUBLISHED: 1 node(s) failed: publish_checks (error); 6 node(s) skipped. The published copy p.duckdb stays at build b1 (as of 2026-11-01 00:00:00).
22:58:55  
22:58:55  Completed with 1 error, 0 partial successes, and 1 warning:
22:58:55  
22:58:55  [ERROR]: in model publish_checks (models/publish/publish_checks.sql)
22:58:55    Compilation Error in model publish_checks (models/publish/publish_checks.sql)
  CIRCUIT BREAKER: nothing was published.
    raw_table_shrink: raw_crm.contacts has 4,086 rows, 5,077 at the last publish (19.5% fewer).
  
  > in macro raise_if_circuit_breaker_tripped (macros/raise_if_circuit_breaker_tripped.sql)
22:58:55  
22:58:55    compiled code at target/compiled/lead_scoring/models/publish/publish_checks.sql
22:58:55  
22:58:55  [WARNING]: in test source_not_null_crm_contacts_email (models/staging/crm/_crm__sources.yml)
22:58:55  [WARNING]: Got 4 results, configured to warn if != 0
22:58:55  
22:58:55  Done. PASS=461 WARN=1 ERROR=1 SKIP=6 NO-OP=2 REUSED=0 TOTAL=471
"""


def test_a_passing_dbt_build_is_counted_and_its_publish_named() -> None:
    report = steps.summarize_dbt(DBT_OK, 0)
    assert report.summary == "469 nodes passed / 1 warning / 0 errors"
    assert report.notes == ["PUBLISHED build dd6aceba-35ea (as of 2026-11-01, 15 relations) to "
                            "warehouse/lead_scoring_published.duckdb"]
    assert report.errors == []


def test_a_failed_dbt_build_shows_its_errors_without_its_warnings() -> None:
    report = steps.summarize_dbt(DBT_CIRCUIT_BREAKER, 1)
    assert report.summary == "461 nodes passed / 1 warning / 1 error / 6 skipped"
    assert report.notes[0].startswith("NOT PUBLISHED: 1 node(s) failed: publish_checks (error)")
    assert report.errors[0] == "[ERROR]: in model publish_checks (models/publish/publish_checks.sql)"
    assert "  CIRCUIT BREAKER: nothing was published." in report.errors
    assert not any("WARNING" in line or "compiled code" in line for line in report.errors)


def test_a_dbt_run_that_stopped_early_shows_the_tail_of_its_log() -> None:
    text = "22:47:23  Running with dbt=1.12.0\n22:47:24  Encountered an error:\nParsing Error\n"
    report = steps.summarize_dbt(text, 2)
    assert report.summary == "did not run to the end"
    assert report.errors == ["Running with dbt=1.12.0", "Encountered an error:", "Parsing Error"]


def test_the_checkpoint_verdict_and_its_failed_expectations() -> None:
    text = ("marts.scored_contacts\n  ✓ table has rows  observed 3\n"
            "  ✗ [default] lead_score stdev  observed 0  expected > 1\n"
            "FAILED: 1 of 2 expectations failed (1 passed): [default] lead_score stdev (> 1)\n")
    report = steps.summarize_gx(text, 1)
    assert report.summary.startswith("FAILED: 1 of 2 expectations failed")
    assert report.errors == ["✗ [default] lead_score stdev  observed 0  expected > 1"]
    assert steps.summarize_gx("x\nOK: all 99 expectations passed\n", 0).summary == (
        "OK: all 99 expectations passed")


def test_a_plain_step_says_the_last_line_it_logged() -> None:
    text = ("2026-12-01 22:47:19,503 INFO leadscore.generate: wrote raw_crm.accounts 628 rows\n"
            "2026-12-01 22:47:19,512 INFO leadscore.generate: generated 517173 rows in 0.7 s\n")
    assert steps.summarize_plain(text, 0).summary == "generated 517173 rows in 0.7 s"


def test_run_step_writes_the_log_prints_one_line_and_keeps_the_exit_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "logs" / "ok.log"
    code = steps.run_step("hello", [sys.executable, "-c", "print('a'); print('all done')"], log)
    assert code == 0
    assert capsys.readouterr().out.splitlines() == ["hello ... all done (0 s)"]
    assert log.read_text().splitlines() == ["a", "all done"]

    failing = [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"]
    assert steps.run_step("bad", failing, tmp_path / "bad.log") == 3
    out = capsys.readouterr().out.splitlines()
    assert out == ["bad ... FAILED (exit 3): boom (0 s)", "  | boom",
                   f"  full log: {tmp_path / 'bad.log'}"]
