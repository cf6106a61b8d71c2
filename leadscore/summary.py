"""A short human summary of a built warehouse: what `make demo` prints at the end."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb


def _table(rows: list[tuple], headers: list[str]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(out)


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def summarize(duckdb_path: Path, scoring_model: str = "default", top: int = 10) -> str:
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        if not _exists(con, "marts", "scored_contacts"):
            raise FileNotFoundError(f"{duckdb_path} has no marts.scored_contacts: run `dbt build` first")
        parts: list[str] = []
        as_of, contacts, models = con.execute(
            "select max(scored_as_of), count(distinct contact_id), count(distinct scoring_model)"
            " from marts.scored_contacts"
        ).fetchone()
        parts.append(f"Lead scoring summary — scored as of {as_of}: {contacts:,} contacts × {models} scoring models")

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

        if _exists(con, "marts", "contact_lifecycle"):
            rows = con.execute(
                "select lifecycle_stage, count(*) from marts.contact_lifecycle where scoring_model = ?"
                " group by 1 order by 2 desc",
                [scoring_model],
            ).fetchall()
            parts.append(f"\nContacts per lifecycle stage ({scoring_model} model)\n" + _table(rows, ["stage", "contacts"]))
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
