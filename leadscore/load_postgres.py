"""Load the raw Parquet files (`<data_dir>/<schema>/<table>.parquet`) into PostgreSQL.

The same tables and column types as the DuckDB loader (`leadscore.load`): every table of the
landing contract is dropped and created with the contract's types (`varchar`, `bigint`,
`decimal(18, 2)`, `boolean`, `timestamp` = UTC without time zone), and a column holding a
value that does not cast to its type lands as text, with the same warning. The data goes in
with `COPY ... FROM STDIN` (CSV), never row by row: DuckDB reads each Parquet file, casts
its columns exactly as the DuckDB loader does (timestamps through `timestamptz` in UTC) and
writes CSV to a temporary file that PostgreSQL copies in.

All or nothing: every table is dropped, created and copied in one PostgreSQL transaction
(PostgreSQL's DDL is transactional), so a failure leaves every raw table as it was.

Connection: the same environment variables as the dbt profile's `postgres` target:
LEADSCORE_PG_HOST (default localhost), LEADSCORE_PG_PORT (5432), LEADSCORE_PG_USER,
LEADSCORE_PG_PASSWORD, LEADSCORE_PG_DATABASE.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from leadscore import db
from leadscore.contract import RAW_TABLES, TEXT
from leadscore.load import (
    LoadError,
    TablePlan,
    TextFallback,
    _check_inputs,
    _find_text_fallbacks,
    _first_line,
    _literal,
    _plan_table,
    _quote,
    parquet_path,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PgSettings:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PgSettings:
        env = os.environ if env is None else env
        missing = [name for name in ("LEADSCORE_PG_USER", "LEADSCORE_PG_DATABASE")
                   if not env.get(name, "").strip()]
        if missing:
            raise LoadError(f"set {' and '.join(missing)} (the PostgreSQL target reads "
                            "LEADSCORE_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE)")
        port = env.get("LEADSCORE_PG_PORT", "5432").strip() or "5432"
        if not port.isdigit():
            raise LoadError(f"LEADSCORE_PG_PORT is not a port number: {port!r}")
        return cls(host=env.get("LEADSCORE_PG_HOST", "localhost").strip() or "localhost",
                   port=int(port), user=env["LEADSCORE_PG_USER"].strip(),
                   password=env.get("LEADSCORE_PG_PASSWORD", ""),
                   database=env["LEADSCORE_PG_DATABASE"].strip())

    def connect(self) -> Any:
        import psycopg2  # imported here: only the PostgreSQL target needs it

        try:
            return psycopg2.connect(host=self.host, port=self.port, user=self.user,
                                    password=self.password, dbname=self.database,
                                    connect_timeout=10, options="-c timezone=UTC")
        except psycopg2.Error as exc:
            raise LoadError(f"cannot connect to PostgreSQL {self.user}@{self.host}:"
                            f"{self.port}/{self.database}: {_first_line(exc)}") from exc


def _column_type(plan: TablePlan, name: str) -> str:
    column = next(c for c in plan.columns if c.name == name)
    return TEXT if column.as_text else column.contract_type


def create_table_sql(plan: TablePlan) -> str:
    columns = ", ".join(f"{_quote(c.name)} {_column_type(plan, c.name)}" for c in plan.columns)
    return f"create table {plan.target} ({columns})"


def _export_csv(con: duckdb.DuckDBPyConnection, plan: TablePlan, path: Path) -> None:
    """The table's rows, cast as the DuckDB loader casts them, as CSV with a header (a null
    is an unquoted empty field, an empty string a quoted one: PostgreSQL's CSV rules)."""
    casts = ", ".join(c.select_expr() for c in plan.columns)
    con.execute(f"copy (select {casts} from {plan.source}) to {_literal(str(path))} "
                "(format csv, header true)")


def _plans_with_fallbacks(con: duckdb.DuckDBPyConnection, plans: Sequence[TablePlan],
                          work_dir: Path) -> tuple[list[TablePlan], list[TextFallback], list[Path]]:
    """Export every table to CSV; a table with a value that does not cast is planned again
    with those columns as text (as the DuckDB loader does) and exported once more."""
    new_plans: list[TablePlan] = []
    fallbacks: list[TextFallback] = []
    files: list[Path] = []
    for i, plan in enumerate(plans):
        path = work_dir / f"{i:02d}_{plan.table.name}.csv"
        try:
            _export_csv(con, plan, path)
        except duckdb.ConversionException as exc:
            found = _find_text_fallbacks(con, plan)
            if not found:
                raise LoadError(f"{plan.path}: a value does not cast to the contract type: "
                                f"{_first_line(exc)}") from exc
            names = {f.column for f in found}
            plan = replace(plan, columns=tuple(
                replace(c, as_text=True) if c.name in names else c for c in plan.columns))
            fallbacks += found
            _export_csv(con, plan, path)
        except duckdb.Error as exc:
            raise LoadError(f"cannot read {plan.path}: {_first_line(exc)}") from exc
        new_plans.append(plan)
        files.append(path)
    return new_plans, fallbacks, files


def _copy_all(pg: Any, plans: Sequence[TablePlan], files: Sequence[Path]) -> dict[str, int]:
    """Drop, create and COPY every table in one transaction: committed whole or not at all."""
    import psycopg2

    rows: dict[str, int] = {}
    try:
        with pg.cursor() as cur:
            for schema in sorted({p.schema for p in plans}):
                cur.execute(f"create schema if not exists {_quote(schema)}")
            for plan, path in zip(plans, files):
                t0 = time.perf_counter()
                cur.execute(f"drop table if exists {plan.target} cascade")
                cur.execute(create_table_sql(plan))
                columns = ", ".join(_quote(c.name) for c in plan.columns)
                with path.open("r", encoding="utf-8") as handle:
                    cur.copy_expert(f"copy {plan.target} ({columns}) from stdin "
                                    "with (format csv, header true)", handle)
                rows[plan.table.qualified_name] = cur.rowcount
                log.debug("copied %s in %.1f s", plan.name, time.perf_counter() - t0)
        pg.commit()
    except psycopg2.Error as exc:
        pg.rollback()
        raise LoadError(f"cannot load into PostgreSQL: {_first_line(exc)}") from exc
    except BaseException:
        pg.rollback()
        raise
    return rows


def load(data_dir: Path | str, schema_map: Mapping[str, str] | None = None,
         settings: PgSettings | None = None) -> dict[str, int]:
    """Create every raw table of the contract in PostgreSQL, all or nothing; return rows per
    table. Raises `LoadError` (one line) on user mistakes and on any failure of the load."""
    data_dir = Path(data_dir)
    mapping = {t.schema: t.schema for t in RAW_TABLES} | dict(schema_map or {})
    _check_inputs(data_dir, mapping)
    settings = settings or PgSettings.from_env()
    started = time.perf_counter()
    con = db.connect()
    try:
        plans = [_plan_table(con, t, parquet_path(data_dir, t), mapping[t.schema])
                 for t in RAW_TABLES]
        with tempfile.TemporaryDirectory(prefix="leadscore-pg-load-") as tmp:
            plans, fallbacks, files = _plans_with_fallbacks(con, plans, Path(tmp))
            pg = settings.connect()
            try:
                rows = _copy_all(pg, plans, files)
            finally:
                pg.close()
    finally:
        con.close()
    for plan in plans:
        log.info("loaded %-36s %12d rows", plan.name, rows[plan.table.qualified_name])
    for fallback in fallbacks:
        log.warning("%s", fallback.message())
    log.info("loaded %d tables, %d rows into PostgreSQL %s@%s:%d/%s in %.1f s", len(rows),
             sum(rows.values()), settings.user, settings.host, settings.port,
             settings.database, time.perf_counter() - started)
    return rows
