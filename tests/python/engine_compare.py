"""Compare the marts one engine built with the DuckDB build of the same data (issue 13).
Shared by test_postgres and test_spark.

What may differ, and why (bounded here): doubles summed in another order (each engine
aggregates in parallel in its own order) differ in the last bits, so a double is compared
to 1e-6 relative; a score (lead, fit, engagement, account, any `*_score` / `*points*`
column) to the cent, 0.005. Build-specific columns (build ids, build and publish times)
are left out, and so are two md5 hashes of a row's text (ENGINE_HASH_COLUMNS: the engines
print a double or a boolean differently; the hashed values are compared). Everything else
(keys, stages, alerts, flags, texts, timestamps, counts) must be equal.
"""

from __future__ import annotations

import datetime as dt
import decimal
import subprocess
from pathlib import Path

from conftest import query

DOUBLE_RELATIVE_TOLERANCE = 1e-6
SCORE_TOLERANCE = 0.005  # to the cent
# Columns that name or time one build, not its result.
# (Two DuckDB builds of the same data differ in exactly these: measured.)
BUILD_COLUMNS = {"build_id", "built_at", "published_at", "build_started_at", "relation_build_id",
                 "version_id", "valid_from", "version_build_id", "computed_at",
                 "computed_build_id"}
# md5 hashes of a row's text (a snapshot version, the scoring configuration version): the
# engines print some values differently (a double, a boolean), so the hash differs while
# every hashed value is equal (compared on their own). Each engine compares its hashes only
# with its own previous publish, so this is inherent, not a wrong result.
ENGINE_HASH_COLUMNS = {"version_hash", "scoring_config_version"}
# A rank whose ordering value ties in exact arithmetic: scoring_rule_audit ranks rules by
# |log-odds ratio|, and two complementary rules (corporate vs personal e-mail: every contact
# has exactly one) have the same |log-odds ratio| up to the last bits of the double, so
# each engine's float noise decides their order. Such rows may swap ranks: the ranks of a
# partition must be the same set, and a row whose rank differs must tie (1e-9) with a row
# that holds its rank on the other engine.
TIED_RANKS = {("scoring_rule_audit", "audit_rank"): "log_odds_ratio"}


def assert_built_and_published(build: object, engine: str, seconds: object) -> None:
    """The engine's `dbt build` (a finished subprocess) passed with no error and no
    skipped node, and published; prints its time."""
    assert isinstance(build, subprocess.CompletedProcess)
    assert build.returncode == 0, build.stdout[-6000:]
    assert "ERROR=0" in build.stdout and "SKIP=0" in build.stdout, build.stdout[-3000:]
    assert "PUBLISHED build" in build.stdout, build.stdout[-3000:]
    print(f"dbt build on {engine}: {seconds:.0f} s")


def mart_relations(warehouse: Path) -> list[tuple[str, str]]:
    """Every table of schema marts in the DuckDB build, and the quarantine."""
    marts = [("marts", t) for (t,) in query(
        warehouse, "select table_name from information_schema.tables "
                   "where table_schema = 'marts' order by table_name")]
    return [*marts, ("intermediate", "int_quarantined_rows")]


def compared_columns(warehouse: Path, schema: str, table: str) -> list[str]:
    """The DuckDB table's columns, in order, without the build-specific ones."""
    names = [r[0] for r in query(
        warehouse, "select column_name from information_schema.columns where table_schema = ?"
                   " and table_name = ? order by ordinal_position", [schema, table])]
    return [c for c in names if c not in BUILD_COLUMNS | ENGINE_HASH_COLUMNS]


def duckdb_rows(warehouse: Path, schema: str, table: str, columns: list[str],
                where: str = "true") -> list[tuple]:
    select = ", ".join(f'"{c}"' for c in columns)
    return query(warehouse, f'select {select} from {schema}."{table}" where {where}')


def normalized(value: object) -> object:
    """A value as Python compares it across drivers: decimals as floats, aware
    timestamps as naive UTC."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _is_score_column(name: str) -> bool:
    return "score" in name or "points" in name


def _sort_key(row: tuple, float_columns: set[int]) -> tuple:
    return tuple((0, "") if v is None else
                 (1, round(v, 3)) if i in float_columns and isinstance(v, float) else (1, str(v))
                 for i, v in enumerate(row))


def row_differences(table: str, columns: list[str], duck_raw: list[tuple],
                    other_raw: list[tuple], engine: str) -> list[str]:
    """What differs between the DuckDB rows and the other engine's rows of one table
    (same columns, any order), within the tolerances above; empty when equal."""
    duck_rows = [tuple(normalized(v) for v in r) for r in duck_raw]
    other_rows = [tuple(normalized(v) for v in r) for r in other_raw]
    if len(duck_rows) != len(other_rows):
        return [f"{table}: {len(duck_rows)} rows on DuckDB, {len(other_rows)} on {engine}"]
    floats = {i for i, c in enumerate(columns)
              if any(isinstance(r[i], float) for r in duck_rows + other_rows)}
    duck_rows.sort(key=lambda r: _sort_key(r, floats))
    other_rows.sort(key=lambda r: _sort_key(r, floats))
    problems: list[str] = []
    for duck_row, other_row in zip(duck_rows, other_rows):
        for i, column in enumerate(columns):
            a, b = duck_row[i], other_row[i]
            if (table, column) in TIED_RANKS:
                continue  # compared by _tied_ranks_differ
            if i in floats and a is not None and b is not None:
                tolerance = (SCORE_TOLERANCE if _is_score_column(column)
                             else DOUBLE_RELATIVE_TOLERANCE * max(1.0, abs(float(a))))
                same = abs(float(a) - float(b)) <= tolerance
            else:
                same = a == b
            if not same:
                problems.append(f"{table}.{column}: DuckDB {a!r} vs {engine} {b!r} "
                                f"(row {duck_row[:3]})")
        if len(problems) > 20:
            break
    for (tied_table, rank), tie in TIED_RANKS.items():
        if tied_table == table:
            problems += _tied_ranks_differ(table, columns, duck_rows, other_rows, rank, tie,
                                           engine)
    return problems


def _tied_ranks_differ(table: str, columns: list[str], duck_rows: list[tuple],
                       other_rows: list[tuple], rank: str, tie: str, engine: str) -> list[str]:
    r, t, m = columns.index(rank), columns.index(tie), columns.index("scoring_model")
    key = columns.index("rule_id")
    other_by_key = {(row[m], row[key]): row for row in other_rows}
    duck_by_rank = {(row[m], row[r]): row for row in duck_rows}
    problems = []
    for row in duck_rows:
        other = other_by_key[(row[m], row[key])]
        if other[r] == row[r]:
            continue
        holder = duck_by_rank.get((row[m], other[r]))
        if (holder is None or row[t] is None or holder[t] is None
                or abs(abs(holder[t]) - abs(row[t])) > 1e-9):
            problems.append(f"{table}.{rank}: {row[m]} {row[key]} is {row[r]} on DuckDB, "
                            f"{other[r]} on {engine}, without a tie")
    return problems
