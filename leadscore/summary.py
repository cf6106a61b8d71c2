"""A short human summary of a built warehouse: what `make demo` prints at the end."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from leadscore import db
from leadscore.publishing import live_build, published_copy_path
from leadscore.report import auc_word
from leadscore.stages import lifecycle_stages


# The lifecycle ladder, in funnel order (contact_lifecycle.lifecycle_stage): the seed.
STAGES = lifecycle_stages()
NEWEST_ALERTS = 5
AUDIT_TOP = 5  # rows of the rules audit shown (by audit_rank: the ones to read first)
AUDIT_RULE_WIDTH = 44
# Widest text shown in a column of the alerts table: longer texts are cut with "…".
TRIGGER_WIDTH, SIGNALS_WIDTH = 30, 22


def _table(rows: list[tuple], headers: list[str], right: tuple[int, ...] = ()) -> str:
    """Fixed-width columns; the columns whose index is in `right` are right-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def fmt(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    out = [fmt(list(headers)), "  ".join("-" * w for w in widths)]
    out += [fmt(r) for r in cells]
    return "\n".join(out)


def _cut(text: object, width: int) -> str:
    """`text` on one line, at most `width` characters (cut with an ellipsis)."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def _funnel(con: duckdb.DuckDBPyConnection, scoring_model: str) -> str:
    """Contacts per current lifecycle stage and the MQL funnel over all cohorts."""
    counts = dict(con.execute(
        "select lifecycle_stage, count(*) from marts.contact_lifecycle where scoring_model = ?"
        " group by 1",
        [scoring_model],
    ).fetchall())
    total = sum(counts.values())
    order = [s for s in STAGES if s in counts] + sorted(set(counts) - set(STAGES))
    rows = [(stage, f"{counts[stage]:,}", _pct(counts[stage], total)) for stage in order]
    text = (f"\nFunnel ({scoring_model} model): contacts per current lifecycle stage\n"
            + _table(rows, ["stage", "contacts", "share"], right=(1, 2)))
    if not _exists(con, "marts", "funnel_conversion"):
        return text + "\n(no marts.funnel_conversion in this warehouse: MQL conversion skipped)"
    cohorts, first, last, mqls, sal, sql, customer, flagged = con.execute(
        """
        select count(*), min(mql_cohort_month), max(mql_cohort_month), coalesce(sum(mqls), 0),
               coalesce(sum(reached_sal), 0), coalesce(sum(reached_sql), 0),
               coalesce(sum(reached_customer), 0), count(*) filter (where is_qualifying_too_soon)
        from marts.funnel_conversion where scoring_model = ?
        """,
        [scoring_model],
    ).fetchone()
    if not cohorts:
        return text + f"\nNo MQL cohorts yet for the {scoring_model} model."
    rows = [
        ("MQLs", f"{mqls:,}", ""),
        ("reached SAL", f"{sal:,}", f"{_pct(sal, mqls)} of MQLs"),
        ("reached SQL", f"{sql:,}", f"{_pct(sql, mqls)} of MQLs"),
        ("reached customer", f"{customer:,}", f"{_pct(customer, sql)} of SQLs"),
    ]
    span = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} to {last:%Y-%m}"
    text += (f"\n\nMQL conversion, all {cohorts} monthly cohorts ({span})\n"
             + _table(rows, ["", "contacts", "rate"], right=(1, 2)))
    months = [m for (m,) in con.execute(
        "select mql_cohort_month from marts.funnel_conversion"
        " where scoring_model = ? and is_qualifying_too_soon order by 1",
        [scoring_model],
    ).fetchall()]
    listed = ", ".join(f"{m:%Y-%m}" for m in months[:6]) + (", …" if len(months) > 6 else "")
    minimum = "the model's minimum"
    if _exists(con, "intermediate", "int_scoring_model_config"):
        row = con.execute("select min_mql_to_sql_rate from intermediate.int_scoring_model_config"
                          " where scoring_model = ?", [scoring_model]).fetchone()
        if row and row[0] is not None:
            minimum = f"{float(row[0]):.0%}"
    text += (f"\nCohorts qualifying too soon (MQL-to-SQL under {minimum}): {flagged} of {cohorts}"
             + (f" ({listed})" if months else ""))
    return text


def _rate(value: float | None) -> str:
    """A conversion rate: two decimals under 1% (0.98%), one above (7.7%)."""
    if value is None:
        return "n/a"
    return f"{value:.2%}" if abs(value) < 0.01 else f"{value:.1%}"


def _evaluation(con: duckdb.DuckDBPyConnection) -> str:
    """The headline evaluation figures of each model's lead score (score_evaluation rows
    over all complete snapshots)."""
    rows = con.execute(
        """
        select scoring_model, auc, top_decile_lift, base_rate, contacts, conversions
        from marts.score_evaluation
        where score_name = 'lead_score' and snapshot_at is null
        order by scoring_model != 'default', scoring_model
        """
    ).fetchall()
    if not rows:
        return "\n(evaluation: marts.score_evaluation has no headline rows; skipped)"
    cells = [(model, "n/a" if auc is None else f"{auc:.2f}", auc_word(auc),
              "n/a" if lift is None else f"{lift:.1f}×", _rate(base_rate),
              f"{conversions:,} of {contacts:,}")
             for model, auc, lift, base_rate, contacts, conversions in rows]
    return ("\nHow well the lead score ranks buyers (backtest over past snapshots, all complete"
            " ones together)\n"
            + _table(cells, ["model", "AUC", "in words", "top-decile lift", "base rate",
                             "converted"], right=(1, 3, 4, 5)))


def _audit(con: duckdb.DuckDBPyConnection, scoring_model: str) -> str:
    """The first rows of the rules audit of one model (by audit_rank), each with its verdict
    in words on the line below."""
    contradicting, rules = con.execute(
        "select count(*) filter (where verdict = 'contradicts'), count(*)"
        " from marts.scoring_rule_audit where scoring_model = ?", [scoring_model]).fetchone()
    if not rules:
        return f"\n(rules audit: no rows for the {scoring_model} model; skipped)"
    rows = con.execute(
        """
        select audit_rank, reason_text, rule_id, verdict, conversion_rate_with,
               conversion_rate_without, verdict_detail
        from marts.scoring_rule_audit where scoring_model = ?
        order by audit_rank
        limit ?
        """,
        [scoring_model, AUDIT_TOP],
    ).fetchall()
    cells = [(rank, _cut(reason or rule_id, AUDIT_RULE_WIDTH), verdict, _rate(with_),
              _rate(without)) for rank, reason, rule_id, verdict, with_, without, _ in rows]
    lines = _table(cells, ["#", "rule", "verdict", "bought with", "without"],
                   right=(0, 3, 4)).splitlines()
    out = lines[:2]
    for line, row in zip(lines[2:], rows):
        out += [line, f"     {_cut(row[6], 110)}"]
    return (f"\nRules audit ({scoring_model} model): {contradicting} of {rules} rules contradicted"
            f" by the data; the first {len(rows)} by audit_rank\n" + "\n".join(out))


def _minutes(value: float | None) -> str:
    return "not yet" if value is None else f"{value:,.0f}"


def _alerts(con: duckdb.DuckDBPyConnection, scoring_model: str) -> str:
    """Alert count, SLA outcome and the newest alerts of one model."""
    alerts, breached, met, still_open, within_hour, sla = con.execute(
        """
        select count(*), count(*) filter (where sla_status = 'breached'),
               count(*) filter (where sla_status = 'met'),
               count(*) filter (where sla_status = 'open'),
               count(*) filter (where touched_within_hour), max(sla_minutes)
        from marts.mql_alerts where scoring_model = ?
        """,
        [scoring_model],
    ).fetchone()
    head = f"\nMQL alerts ({scoring_model} model): {alerts:,} alerts"
    if not alerts:
        return head + " (none yet)"
    sla_text = f" ({sla:,.0f} min to first touch)" if sla is not None else ""
    head += (f"; SLA{sla_text}: {breached:,} breached ({_pct(breached, alerts)}), {met:,} met,"
             f" {still_open:,} open\n{within_hour:,} touched within the hour.")
    rows = con.execute(
        """
        select strftime(became_mql_at, '%Y-%m-%d %H:%M'), contact_id, lead_score_at_mql,
               mql_trigger, high_intent_signals, sla_status, minutes_to_first_touch
        from marts.mql_alerts where scoring_model = ?
        order by became_mql_at desc, alert_id
        limit ?
        """,
        [scoring_model, NEWEST_ALERTS],
    ).fetchall()
    cells = [(when, contact, score, _cut(trigger, TRIGGER_WIDTH), _cut(signals, SIGNALS_WIDTH),
              status, _minutes(minutes))
             for when, contact, score, trigger, signals, status, minutes in rows]
    return (head + f" Newest {len(rows)}:\n"
            + _table(cells, ["became MQL", "contact", "score", "trigger", "high-intent signals",
                             "SLA", "touch min"], right=(2, 6)))


def _section(con: duckdb.DuckDBPyConnection, table: str, what: str,
             build: Callable[[], str], why_missing: str = "built before it") -> str:
    """`build()`, or a one-line note when `marts.<table>` is missing or unreadable (a
    warehouse built before that mart, or with an older version of it)."""
    if not _exists(con, "marts", table):
        return f"\n({what}: no marts.{table} in this warehouse, {why_missing}; skipped)"
    try:
        return build()
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"\n({what}: marts.{table} unreadable, skipped: {_cut(first, 100)})"


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def _published_line(duckdb_path: Path) -> str:
    """Which build BI tools and the CRM sync see (the published copy), or that none is."""
    path = published_copy_path(duckdb_path)
    live = live_build(path)
    if live is None:
        return f"Published copy {path}: nothing published yet (BI tools and the CRM sync read this file)"
    return (f"Published copy {path} (what BI tools and the CRM sync read): build {live.build_id},"
            f" as of {live.as_of}, published {live.published_at:%Y-%m-%d %H:%M:%S} UTC,"
            f" {live.relations} marts")


def summarize(duckdb_path: Path, scoring_model: str = "default", top: int = 10) -> str:
    con = db.connect(duckdb_path, read_only=True)
    try:
        if not _exists(con, "marts", "scored_contacts"):
            raise FileNotFoundError(f"{duckdb_path} has no marts.scored_contacts: run `dbt build` first")
        parts: list[str] = []
        as_of, contacts, models = con.execute(
            "select max(as_of), count(distinct contact_id), count(distinct scoring_model)"
            " from marts.scored_contacts"
        ).fetchone()
        parts.append(f"Lead scoring summary — scored as of {as_of}: {contacts:,} contacts × {models} scoring models")
        parts.append(_published_line(duckdb_path))

        rows = con.execute(
            """
            select
                scoring_model,
                count(*) as contacts,
                round(avg(lead_score), 1) as avg_score,
                sum(case when is_sales_ready then 1 else 0 end) as sales_ready,
                sum(case when is_disqualified then 1 else 0 end) as disqualified
            from marts.scored_contacts group by 1 order by scoring_model != 'default', 1
            """
        ).fetchall()
        parts.append("\nPer scoring model\n" + _table(rows, ["model", "contacts", "avg score", "sales-ready", "disqualified"]))
        # The evaluation marts (dbt tag `evaluation`) are missing from a build warehouse
        # built with --exclude tag:evaluation (the published copy carries the last ones).
        excluded = "built with --exclude tag:evaluation or before it"
        parts.append(_section(con, "score_evaluation", "evaluation",
                              lambda: _evaluation(con), excluded))
        parts.append(_section(con, "scoring_rule_audit", "rules audit",
                              lambda: _audit(con, scoring_model), excluded))

        if _exists(con, "marts", "contact_lifecycle"):
            parts.append(_section(con, "contact_lifecycle", "funnel",
                                  lambda: _funnel(con, scoring_model)))
        else:
            rows = con.execute(
                """
                select
                    case
                        when is_disqualified then 'disqualified'
                        when is_sales_ready then 'sales-ready'
                        when lead_score > 0 then 'scored below threshold'
                        else 'no score yet'
                    end as status,
                    count(*)
                from marts.scored_contacts where scoring_model = ? group by 1 order by 2 desc
                """,
                [scoring_model],
            ).fetchall()
            parts.append(f"\nContacts by status ({scoring_model} model)\n" + _table(rows, ["status", "contacts"]))
            parts.append("\n(funnel: no marts.contact_lifecycle in this warehouse, built before it;"
                         " skipped)")
        parts.append(_section(con, "mql_alerts", "MQL alerts",
                              lambda: _alerts(con, scoring_model)))

        rows = con.execute(
            """
            select disqualification_reason, count(*) from marts.scored_contacts
            where scoring_model = ? and is_disqualified group by 1 order by 2 desc
            """,
            [scoring_model],
        ).fetchall()
        if rows:
            parts.append("\nDisqualified by reason\n" + _table(rows, ["reason", "contacts"]))

        rows = con.execute(
            """
            select s.contact_id, coalesce(c.job_title, '') as title, s.lead_score, s.score_matrix,
                   s.top_reasons
            from marts.scored_contacts as s
            left join intermediate.int_contacts_deduplicated as c using (contact_id)
            where s.scoring_model = ?
            order by s.lead_score desc, s.contact_id
            limit ?
            """,
            [scoring_model, top],
        ).fetchall()
        parts.append(f"\nTop {top} contacts ({scoring_model} model)\n" + _table(rows, ["contact", "title", "score", "grade", "why"]))

        if _exists(con, "intermediate", "int_quarantined_rows"):
            rows = con.execute(
                "select source_table, action, reason, count(*) from intermediate.int_quarantined_rows"
                " group by all order by 1, 2, 4 desc"
            ).fetchall()
            parts.append("\nRows not scored as they came (int_quarantined_rows)\n" + _table(rows, ["table", "action", "reason", "rows"]))
        return "\n".join(parts)
    finally:
        con.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duckdb", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    parser.add_argument("--model", default="default", help="scoring model to detail")
    parser.add_argument("--top", type=int, default=10)


def run(args: argparse.Namespace) -> int:
    if not args.duckdb.exists():
        print(f"error: warehouse {args.duckdb} does not exist: run `make demo` first", file=sys.stderr)
        return 2
    try:
        print(summarize(args.duckdb, args.model, args.top))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
