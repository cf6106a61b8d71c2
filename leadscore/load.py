"""Load the raw Parquet files (`<data_dir>/<schema>/<table>.parquet`) into DuckDB.

Every table of the landing contract is (re)created with the contract's column types:
`create or replace table <schema>.<table> as select cast(col as type) as col, ... from
read_parquet(...)`. Logical schemas (`raw_crm`, `raw_marketing`) can be mapped to other names,
matching the dbt vars that point the sources elsewhere.

All or nothing: the tables are created in one transaction. A missing file or column and a
file whose footer is unreadable are found before anything is written; a failure while the
tables are created (a damaged page, a full disk) rolls the transaction back, so every raw
table keeps exactly its previous content. Either way the error is one line (`LoadError`).

Timestamps land as UTC (`timestamp` without time zone): the session runs in UTC
(`leadscore.db`) and a timestamp column is loaded as `cast(cast(col as timestamptz) as
timestamp)`, so a `timestamptz` column lands as its UTC instant, a text with an offset
(`2026-03-01 07:13:00+02:00`) is converted (05:13), and a naive timestamp or a text without
offset is read as UTC. A column that already is a naive `timestamp` is taken as it is: in
UTC the double cast is the identity on it, and on the 100k-contact demo (10M naive event
timestamps) it would add about 1 s of CPU, 10% of the load.

A value that does not cast to its contract type neither stops the load nor is lost: that
column lands as text with every value as it came, and a warning names the table, the column,
how many values do not cast and one example (the staging models cast defensively and
quarantine such values). The common path pays nothing for it: the load is tried with the
contract's types; only when a cast fails is the transaction rolled back, the failing
columns found (`try_cast`), and the whole load run once more with those columns as text.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from leadscore import db
from leadscore.contract import RAW_TABLES, TEXT, TIMESTAMP, RawTable

log = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXAMPLE_WIDTH = 60  # widest example value quoted in a warning


class LoadError(Exception):
    """A user mistake (missing file or column, bad schema name, unreadable file, a failed
    load): reported in one line."""


class _CastFailed(Exception):
    """A value did not cast while loading `plans[index]` (the transaction is rolled back)."""

    def __init__(self, index: int, error: duckdb.Error) -> None:
        super().__init__(_first_line(error))
        self.index = index


@dataclass(frozen=True)
class ColumnPlan:
    name: str
    contract_type: str
    source_type: str  # the DuckDB type read from the Parquet file, e.g. "VARCHAR"
    as_text: bool = False  # land as text: some value does not cast to the contract type

    @property
    def checked_type(self) -> str:
        """The type a value must cast to: timestamps go through `timestamptz`."""
        return "timestamptz" if self.contract_type == TIMESTAMP else self.contract_type

    @property
    def needs_cast(self) -> bool:
        return _norm_type(self.source_type) != _norm_type(self.contract_type)

    def select_expr(self) -> str:
        col = _quote(self.name)
        if self.as_text:
            expr = f"cast({col} as {TEXT})"
        elif self.contract_type == TIMESTAMP and self.needs_cast:
            expr = f"cast(cast({col} as timestamptz) as {TIMESTAMP})"
        else:
            expr = f"cast({col} as {self.contract_type})"
        return f"{expr} as {col}"


@dataclass(frozen=True)
class TablePlan:
    table: RawTable
    path: Path
    schema: str  # physical schema
    columns: tuple[ColumnPlan, ...]

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table.name}"

    @property
    def target(self) -> str:
        return f"{_quote(self.schema)}.{_quote(self.table.name)}"

    @property
    def source(self) -> str:
        return f"read_parquet({_literal(str(self.path))})"

    def create_sql(self) -> str:
        casts = ", ".join(c.select_expr() for c in self.columns)
        return f"create or replace table {self.target} as select {casts} from {self.source}"


@dataclass(frozen=True)
class TextFallback:
    """A column landed as text, and why."""

    table: str  # physical schema.table
    column: str
    contract_type: str
    bad_values: int
    example: str  # the smallest of them, as text

    def message(self) -> str:
        verb = "value does not" if self.bad_values == 1 else "values do not"
        return (f"{self.table}.{self.column}: {self.bad_values} {verb} cast to "
                f"{self.contract_type} (e.g. {_example(self.example)}); landed as text, "
                "staging quarantines it")


@dataclass(frozen=True)
class _Loaded:
    rows: dict[str, int]
    seconds: dict[str, float]


def parquet_path(data_dir: Path, t: RawTable) -> Path:
    return Path(data_dir) / t.schema / f"{t.name}.parquet"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _norm_type(sql_type: str) -> str:
    return re.sub(r"\s+", "", sql_type).upper()


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _example(value: str) -> str:
    text = repr(value)
    return text if len(text) <= EXAMPLE_WIDTH else text[: EXAMPLE_WIDTH - 1] + "…"


# --- before anything is written ---------------------------------------------------------------


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


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Column name -> DuckDB type of a Parquet file (reads its footer only)."""
    try:
        rows = con.execute(
            f"describe select * from read_parquet({_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise LoadError(f"cannot read {path}: {_first_line(exc)}") from exc
    return {str(r[0]): str(r[1]) for r in rows}


def _plan_table(con: duckdb.DuckDBPyConnection, t: RawTable, path: Path,
                schema: str) -> TablePlan:
    present = _parquet_columns(con, path)
    missing = [c for c in t.column_names if c not in present]
    if missing:
        raise LoadError(f"{path}: missing column(s) {', '.join(missing)} for {t.qualified_name}")
    columns = tuple(ColumnPlan(c, typ, present[c]) for c, typ in t.columns)
    return TablePlan(t, path, schema, columns)


# --- the transaction --------------------------------------------------------------------------


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.Error as exc:  # e.g. the transaction is gone with an invalidated database
        log.debug("rollback: %s", _first_line(exc))


def _create_table(con: duckdb.DuckDBPyConnection, plans: Sequence[TablePlan],
                  index: int) -> int:
    plan = plans[index]
    log.debug("creating %s from %s", plan.name, plan.path)
    try:
        con.execute(plan.create_sql())
    except duckdb.ConversionException as exc:
        raise _CastFailed(index, exc) from exc
    except duckdb.OutOfMemoryException as exc:
        raise LoadError(f"cannot load {plan.name} from {plan.path}: {_first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise LoadError(f"cannot read {plan.path}: {_first_line(exc)}") from exc
    row = con.execute(f"select count(*) from {plan.target}").fetchone()
    return int(row[0]) if row else 0


def _load_all(con: duckdb.DuckDBPyConnection, plans: Sequence[TablePlan]) -> _Loaded:
    """Create every table of `plans` in one transaction: committed whole or rolled back."""
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    con.begin()
    try:
        for schema in sorted({p.schema for p in plans}):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for i, plan in enumerate(plans):
            t0 = time.perf_counter()
            rows[plan.table.qualified_name] = _create_table(con, plans, i)
            seconds[plan.table.qualified_name] = time.perf_counter() - t0
        con.commit()
    except BaseException:
        _rollback(con)
        raise
    return _Loaded(rows, seconds)


# --- the text fallback ------------------------------------------------------------------------


def _find_text_fallbacks(con: duckdb.DuckDBPyConnection,
                         plan: TablePlan) -> list[TextFallback]:
    """The columns of `plan` holding a value that does not cast to the contract type: one
    scan of the file for all its columns that need a cast. (`try_cast` gives null for a
    value that does not cast, also when the type does not cast at all, e.g. an integer to a
    timestamp, where `cast` fails on binding.)"""
    checked = [c for c in plan.columns if c.needs_cast and not c.as_text]
    if not checked:
        return []
    aggregates: list[str] = []
    for c in checked:
        col = _quote(c.name)
        bad = f"{col} is not null and try_cast({col} as {c.checked_type}) is null"
        aggregates += [f"count(*) filter (where {bad})",
                       f"min(cast({col} as {TEXT})) filter (where {bad})"]
    try:
        row = con.execute(f"select {', '.join(aggregates)} from {plan.source}").fetchone()
    except duckdb.Error as exc:
        raise LoadError(f"cannot read {plan.path}: {_first_line(exc)}") from exc
    assert row is not None
    return [TextFallback(plan.name, c.name, c.contract_type, bad_values=int(row[2 * i]),
                         example=str(row[2 * i + 1]))
            for i, c in enumerate(checked) if row[2 * i]]


def _with_text_fallbacks(con: duckdb.DuckDBPyConnection, plans: Sequence[TablePlan],
                         start: int) -> tuple[list[TablePlan], list[TextFallback]]:
    """`plans` with every column that holds a value not casting to its type as text; tables
    before `start` were created without a cast failure and are kept as planned."""
    new_plans = list(plans)
    fallbacks: list[TextFallback] = []
    for i in range(start, len(plans)):
        found = _find_text_fallbacks(con, plans[i])
        if found:
            names = {f.column for f in found}
            new_plans[i] = replace(plans[i], columns=tuple(
                replace(c, as_text=True) if c.name in names else c for c in plans[i].columns))
            fallbacks += found
    return new_plans, fallbacks


def _load_with_fallback(con: duckdb.DuckDBPyConnection,
                        plans: Sequence[TablePlan]) -> tuple[_Loaded, list[TextFallback]]:
    """Load as planned; if a value does not cast, load everything again (a new transaction)
    with the columns holding such values as text."""
    try:
        return _load_all(con, plans), []
    except _CastFailed as failure:
        start, reason = failure.index, str(failure)
    log.info("%s: a value does not cast to its contract type (%s); finding the columns, "
             "loading again with them as text", plans[start].name, reason)
    new_plans, fallbacks = _with_text_fallbacks(con, plans, start)
    if not fallbacks:  # try_cast accepts every value that cast rejected: no plan to retry
        raise LoadError(f"{plans[start].path}: a value does not cast to the contract type: "
                        f"{reason}")
    try:
        return _load_all(con, new_plans), fallbacks
    except _CastFailed as again:
        raise LoadError(f"{new_plans[again.index].path}: a value does not cast to the "
                        f"contract type: {again}") from again


# --- entry point ------------------------------------------------------------------------------


def load(
    data_dir: Path | str,
    duckdb_path: Path | str,
    schema_map: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Create every raw table of the contract in `duckdb_path`, all or nothing; return rows
    per table.

    `schema_map` maps logical schemas (`raw_crm`, `raw_marketing`) to the schema names to
    create; unmapped schemas keep their logical name. Raises `LoadError` (one line) on user
    mistakes and on any failure of the load; the raw tables are then as they were before."""
    data_dir, duckdb_path = Path(data_dir), Path(duckdb_path)
    mapping = {t.schema: t.schema for t in RAW_TABLES} | dict(schema_map or {})
    _check_inputs(data_dir, mapping)
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        con = db.connect(duckdb_path)
    except duckdb.Error as exc:
        raise LoadError(f"cannot open {duckdb_path}: {_first_line(exc)}") from exc
    try:
        plans = [_plan_table(con, t, parquet_path(data_dir, t), mapping[t.schema])
                 for t in RAW_TABLES]
        loaded, fallbacks = _load_with_fallback(con, plans)
    finally:
        con.close()
    # Reported once committed: before that nothing was loaded.
    for plan in plans:
        q = plan.table.qualified_name
        log.info("loaded %-36s %12d rows %7.1f s", plan.name, loaded.rows[q], loaded.seconds[q])
    for fallback in fallbacks:
        log.warning("%s", fallback.message())
    log.info("loaded %d tables, %d rows into %s in %.1f s", len(loaded.rows),
             sum(loaded.rows.values()), duckdb_path, time.perf_counter() - started)
    return loaded.rows
