"""Load the raw Parquet files (`<data_dir>/<schema>/<table>.parquet`) into DuckDB.

Every table of the landing contract is (re)created with the contract's column types:
`create or replace table <schema>.<table> as select cast(col as type) as col, ... from
read_parquet(...)`. Logical schemas (`raw_crm`, `raw_marketing`) can be mapped to other names,
matching the dbt vars that point the sources elsewhere.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from pathlib import Path

import duckdb

from leadscore.contract import RAW_TABLES, RawTable

log = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LoadError(Exception):
    """A user mistake (missing file or column, bad schema name): reported in one line."""


def parquet_path(data_dir: Path, t: RawTable) -> Path:
    return Path(data_dir) / t.schema / f"{t.name}.parquet"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_inputs(data_dir: Path, schema_map: Mapping[str, str]) -> None:
    if not Path(data_dir).is_dir():
        raise LoadError(f"data directory not found: {data_dir}")
    for logical, physical in schema_map.items():
        if not _IDENTIFIER.match(physical):
            raise LoadError(f"invalid schema name for {logical}: {physical!r}")
    missing = [str(parquet_path(data_dir, t)) for t in RAW_TABLES
               if not parquet_path(data_dir, t).is_file()]
    if missing:
        raise LoadError(f"missing parquet file(s): {', '.join(missing)}")


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    try:
        rows = con.execute(
            f"select name from parquet_schema({_literal(str(path))}) where name <> 'duckdb_schema'"
            " and num_children is null"
        ).fetchall()
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LoadError(f"cannot read {path}: {first_line}") from exc
    return [r[0] for r in rows]


def _load_table(
    con: duckdb.DuckDBPyConnection, t: RawTable, path: Path, schema: str
) -> int:
    present = set(_parquet_columns(con, path))
    missing = [c for c in t.column_names if c not in present]
    if missing:
        raise LoadError(f"{path}: missing column(s) {', '.join(missing)} for {t.qualified_name}")
    casts = ", ".join(f"cast({_quote(c)} as {typ}) as {_quote(c)}" for c, typ in t.columns)
    target = f"{_quote(schema)}.{_quote(t.name)}"
    try:
        con.execute(
            f"create or replace table {target} as select {casts} "
            f"from read_parquet({_literal(str(path))})"
        )
    except duckdb.ConversionException as exc:
        raise LoadError(f"{path}: a value does not cast to the contract type: "
                        f"{str(exc).splitlines()[0]}") from exc
    row = con.execute(f"select count(*) from {target}").fetchone()
    return int(row[0]) if row else 0


def load(
    data_dir: Path | str,
    duckdb_path: Path | str,
    schema_map: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Create every raw table of the contract in `duckdb_path`; return rows per table.

    `schema_map` maps logical schemas (`raw_crm`, `raw_marketing`) to the schema names to
    create; unmapped schemas keep their logical name. Raises `LoadError` on user mistakes.
    """
    data_dir, duckdb_path = Path(data_dir), Path(duckdb_path)
    mapping = {t.schema: t.schema for t in RAW_TABLES} | dict(schema_map or {})
    _check_inputs(data_dir, mapping)
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows: dict[str, int] = {}
    try:
        con = duckdb.connect(str(duckdb_path))
    except duckdb.Error as exc:
        raise LoadError(f"cannot open {duckdb_path}: {str(exc).splitlines()[0]}") from exc
    try:
        for schema in sorted(set(mapping.values())):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for t in RAW_TABLES:
            t0 = time.perf_counter()
            schema = mapping[t.schema]
            rows[t.qualified_name] = _load_table(con, t, parquet_path(data_dir, t), schema)
            log.info("loaded %-36s %12d rows %7.1f s", f"{schema}.{t.name}",
                     rows[t.qualified_name], time.perf_counter() - t0)
    finally:
        con.close()
    log.info("loaded %d tables, %d rows into %s in %.1f s", len(rows), sum(rows.values()),
             duckdb_path, time.perf_counter() - started)
    return rows
