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
LONG_REASON = "Opened a marketing e-mail (scores nothing: bots and privacy proxies open e-mails)"

# The evaluation marts the summary reads, with known figures: the headline rows (lead_score,
# snapshot_at empty) of two models, a per-snapshot row and a fit_score row that it must not
# show, and a rules audit of 7 rules (2 contradicted) given out of order.
EVALUATION_SQL = (
    """
    create table marts.score_evaluation as
    select * from (values
        ('default', 'lead_score', null, 32655, 319, 0.009768, 0.919665, 7.898477),
        ('default', 'lead_score', timestamp '2026-05-01', 3000, 40, 0.013, 0.5, 1.0),
        ('default', 'fit_score', null, 32655, 319, 0.009768, 0.6, 2.0),
        ('analytics', 'lead_score', null, 32945, 0, 0.0, null, null)
    ) as t(scoring_model, score_name, snapshot_at, contacts, conversions, base_rate, auc,
           top_decile_lift)
    """,
    f"""
    create table marts.scoring_rule_audit as
    select * from (values
        ('default', 3, 'eng_email_open', '{LONG_REASON}', 'contradicts', 0.0151, 0.0053,
         'the rule scores nothing, but its contacts convert clearly more than the rest'),
        ('default', 1, 'spam', 'Disqualified: spam', 'contradicts', 0.0233, 0.0097,
         'disqualified contacts convert at or above the rest: the rule removes buyers'),
        ('default', 2, 'fit_country_fr', 'Based in France', 'inconclusive', 0.008, 0.0118,
         'the evidence leans against the sign of its points, within noise'),
        ('default', 6, 'eng_page_demo', 'Viewed the demo page', 'supports', 0.0788, 0.01,
         'the evidence agrees with the rule'),
        ('default', 4, 'eng_form_free_trial', 'Started a free trial', 'supports', 0.2115, 0.0091,
         'the evidence agrees with the rule'),
        ('default', 5, 'eng_form_demo_request', 'Requested a demo', 'supports', 0.1879, 0.0086,
         'the evidence agrees with the rule'),
        ('default', 7, 'eng_page_blog', 'Read the blog', 'supports', 0.0147, 0.009,
         'the evidence agrees with the rule'),
        ('analytics', 1, 'student', 'Disqualified: student', 'contradicts', 0.01, 0.005,
         'disqualified contacts convert at or above the rest: the rule removes buyers')
    ) as t(scoring_model, audit_rank, rule_id, reason_text, verdict, conversion_rate_with,
           conversion_rate_without, verdict_detail)
    """,
)


def synthetic_warehouse(path: Path, *breakage: str) -> Path:
    return make_warehouse(
        path,
        "create schema intermediate",
        "create table intermediate.int_contacts_deduplicated as"
        " select distinct contact_id, 'Data Engineer' as job_title from marts.scored_contacts",
        f"update marts.mql_alerts set mql_trigger = '{LONG_TRIGGER}'",
        *EVALUATION_SQL,
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


def test_headline_evaluation_figures_per_model(tmp_path: Path) -> None:
    text = summary.summarize(synthetic_warehouse(tmp_path / "wh.duckdb"))
    block = section(text, "How well the lead score ranks buyers")
    assert block[1].split() == ["model", "AUC", "in", "words", "top-decile", "lift", "base",
                                "rate", "converted"]
    assert block[3].split() == ["default", "0.92", "excellent", "7.9×", "0.98%", "319", "of",
                                "32,655"]
    # A model without buyers has no AUC or lift; its base rate is 0.
    assert block[4].split() == ["analytics", "n/a", "not", "measurable", "(no", "buyers)",
                                "n/a", "0.00%", "0", "of", "32,945"]
    assert len(block) == 5  # the per-snapshot and fit_score rows are not headline rows


def test_top_of_the_rules_audit(tmp_path: Path) -> None:
    text = summary.summarize(synthetic_warehouse(tmp_path / "wh.duckdb"))
    block = section(text, "Rules audit (default model): ")
    assert block[0] == ("Rules audit (default model): 2 of 7 rules contradicted by the data;"
                        " the first 5 by audit_rank")
    assert block[1].split() == ["#", "rule", "verdict", "bought", "with", "without"]
    rows, details = block[3::2], block[4::2]
    assert len(rows) == len(details) == summary.AUDIT_TOP
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0].split() == ["1", "Disqualified:", "spam", "contradicts", "2.3%", "0.97%"]
    assert details[0].strip() == ("disqualified contacts convert at or above the rest: the rule"
                                  " removes buyers")
    cut = LONG_REASON[: summary.AUDIT_RULE_WIDTH - 1] + "…"
    assert cut in rows[2] and rows[2].split()[-3:] == ["contradicts", "1.5%", "0.53%"]
    assert rows[1].split()[-3:] == ["inconclusive", "0.80%", "1.2%"]
    assert all(len(line) <= 120 for line in block), block


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


def test_missing_evaluation_marts_are_skipped_with_a_note(tmp_path: Path) -> None:
    """A build warehouse built with --exclude tag:evaluation has no evaluation marts."""
    path = synthetic_warehouse(tmp_path / "wh.duckdb", "drop table marts.score_evaluation",
                               "drop table marts.scoring_rule_audit")
    lines = summary.summarize(path).splitlines()
    for what, table in (("evaluation", "score_evaluation"), ("rules audit", "scoring_rule_audit")):
        assert (f"({what}: no marts.{table} in this warehouse, built with --exclude"
                " tag:evaluation or before it; skipped)") in lines
    assert "Top 10 contacts (default model)" in lines


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
    for title in ("Per scoring model", "How well the lead score ranks buyers",
                  "Rules audit (default model): ",
                  "Funnel (default model): contacts per current lifecycle",
                  "MQL conversion, all ", "MQL alerts (default model): ", "Top 10 contacts"):
        assert section(text, title), title
    con = connect(built_warehouse, read_only=True)
    try:
        headline = con.execute(
            "select scoring_model, auc, top_decile_lift, base_rate from marts.score_evaluation"
            " where score_name = 'lead_score' and snapshot_at is null").fetchall()
        audit = con.execute(
            "select audit_rank, verdict from marts.scoring_rule_audit"
            " where scoring_model = 'default' order by audit_rank limit 5").fetchall()
    finally:
        con.close()
    rows = {line.split()[0]: line.split() for line in
            section(text, "How well the lead score ranks buyers")[3:]}
    assert set(rows) == {model for model, *_ in headline}
    for model, auc, lift, base_rate in headline:
        assert rows[model][1] == ("n/a" if auc is None else f"{auc:.2f}")
        assert rows[model][-5] == ("n/a" if lift is None else f"{lift:.1f}×")
        assert rows[model][-4] == summary._rate(base_rate)
    audit_rows = section(text, "Rules audit (default model): ")[3::2]
    assert [(int(r.split()[0]), r.split()[-3]) for r in audit_rows] == audit
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
