"""Compare two built warehouses: every mart, the quarantine and the engagement tables,
`except all` both ways, run-time columns aside (issue 12: incremental builds equal a full
rebuild). Shared by test_incremental and test_daily_incremental."""

from __future__ import annotations

from pathlib import Path

from leadscore.db import connect

# columns that differ between two builds by construction (build ids, run times)
RUN_TIME_COLUMNS = {
    "version_id", "version_build_id", "computed_build_id", "relation_build_id",
    "build_started_at", "build_id", "computed_at", "valid_from", "valid_to", "dbt_valid_from",
    "dbt_valid_to", "dbt_scd_id", "dbt_updated_at", "published_at", "run_started_at",
    "snapshot_version_id", "built_at", "union_built_at",
}
# What a build says about itself against the previous publication, not about the data: a
# second build's change feed says `unchanged` where a first build's says `new`, its publish
# checks compare with the first build, its log and the snapshot's history have one more
# build. Compared: the feed without its change_kind, the snapshot's current versions.
# table: (columns left out, rows compared); None: not compared
BUILD_HISTORY: dict[str, tuple[set[str], str] | None] = {
    "marts.crm_score_sync": ({"change_kind"}, "true"),
    "marts.contact_lifecycle_snapshot": (set(), "is_current"),
    "marts.publish_checks": None,
    "marts.publish_log": None,
}


def differences(a: Path, b: Path) -> dict[str, tuple[int, int, int]]:
    """Per mart (and the quarantine, the stored and the resolved events): rows of a not in
    b, rows of b not in a (multisets), rows of a."""
    con = connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        tables = con.execute("""
            select schema_name, table_name from duckdb_tables()
            where database_name = 'a' and (schema_name like '%marts' or table_name in (
                'int_quarantined_rows', 'int_engagement_events_unioned', 'int_engagement_daily',
                'int_engagement_bot_activity'))
            union all
            select schema_name, view_name from duckdb_views()
            where database_name = 'a' and view_name = 'int_engagement_events_resolved'
            order by 1, 2""").fetchall()
        out = {}
        for schema, name in tables:
            qualified = f"{schema}.{name}"
            if qualified in BUILD_HISTORY and BUILD_HISTORY[qualified] is None:
                continue
            left_out, where = BUILD_HISTORY.get(qualified) or (set(), "true")
            columns = [(c, t) for (c, t) in con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = 'a'"
                " and schema_name = ? and table_name = ? order by column_index",
                [schema, name]).fetchall() if c not in RUN_TIME_COLUMNS | left_out]
            # sums of doubles differ in their last bits with the order DuckDB's threads add
            # them in (two full builds differ too): compared to 9 decimals
            cols = ", ".join(f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"' for c, t in columns)
            rel_a = f"(select * from a.{qualified} where {where})"
            rel_b = f"(select * from b.{qualified} where {where})"
            only_a = con.execute(f"select count(*) from (select {cols} from {rel_a}"
                                 f" except all select {cols} from {rel_b})").fetchone()[0]
            only_b = con.execute(f"select count(*) from (select {cols} from {rel_b}"
                                 f" except all select {cols} from {rel_a})").fetchone()[0]
            rows = con.execute(f"select count(*) from {rel_a}").fetchone()[0]
            out[qualified] = (only_a, only_b, rows)
        return out
    finally:
        con.close()
