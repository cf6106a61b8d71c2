"""Load the raw Parquet files (`<data_dir>/<schema>/<table>.parquet`) into Spark tables.

The same tables and column types as the DuckDB loader (`leadscore.load`), in Spark's names
(`varchar` -> `string`; `bigint`, `decimal(18, 2)`, `boolean`, `timestamp` in the session
time zone UTC), and a column holding a value that does not cast to its type lands as text,
with the same warning. Bulk, never row by row: DuckDB reads each generated file and casts
its columns exactly as the DuckDB loader does, writes Parquet to a temporary directory, and
a local SparkSession reads that and `saveAsTable`s it (parquet) into the databases
raw_crm and raw_marketing.

Not all or nothing: Spark has no multi-table transaction. Every file is read and typed
before the first table is replaced, so a bad input changes nothing; a failure while
writing can leave some tables replaced and others not (run the load again).

The session is configured as the dbt profile's `spark` target: LEADSCORE_SPARK_WAREHOUSE
(the directory of the tables and of their Derby metastore), LEADSCORE_SPARK_MASTER
(local[2]), LEADSCORE_SPARK_DRIVER_MEMORY (2g).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import replace
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
    parquet_path,
)

log = logging.getLogger(__name__)

SPARK_TYPES = {TEXT: "string"}


def warehouse_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    value = env.get("LEADSCORE_SPARK_WAREHOUSE", "").strip()
    if not value:
        raise LoadError("set LEADSCORE_SPARK_WAREHOUSE (the directory that holds the Spark "
                        "tables and their metastore)")
    return Path(value).resolve()


def session_config(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The SparkSession settings of the profile's `spark` target."""
    env = os.environ if env is None else env
    warehouse = warehouse_dir(env)
    return {
        "spark.master": env.get("LEADSCORE_SPARK_MASTER", "local[2]"),
        "spark.driver.memory": env.get("LEADSCORE_SPARK_DRIVER_MEMORY", "2g"),
        "spark.sql.shuffle.partitions": env.get("LEADSCORE_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
        "spark.sql.sources.default": "parquet",
        "spark.ui.enabled": "false",
    }


def java_runs() -> bool:
    """True when the java PySpark starts (JAVA_HOME's, else the PATH's) runs here."""
    java_home = os.environ.get("JAVA_HOME", "").strip()
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if java is None or not Path(java).is_file():
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def spark_session(env: Mapping[str, str] | None = None) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise LoadError("pyspark is not installed (make setup installs it)") from exc
    builder = SparkSession.builder.appName("leadscore-load").enableHiveSupport()
    for key, value in session_config(env).items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # Java missing, JVM failed to start
        raise LoadError(f"cannot start Spark (is Java 17 installed?): {_first_line(exc)}") \
            from exc


def _spark_type(plan: TablePlan, name: str) -> str:
    column = next(c for c in plan.columns if c.name == name)
    kind = TEXT if column.as_text else column.contract_type
    return SPARK_TYPES.get(kind, kind)


def _export_parquet(con: duckdb.DuckDBPyConnection, plan: TablePlan, path: Path) -> None:
    casts = ", ".join(c.select_expr() for c in plan.columns)
    con.execute(f"copy (select {casts} from {plan.source}) to {_literal(str(path))} "
                "(format parquet)")


def _typed_files(con: duckdb.DuckDBPyConnection, plans: list[TablePlan], work_dir: Path
                 ) -> tuple[list[TablePlan], list[TextFallback], list[Path]]:
    new_plans: list[TablePlan] = []
    fallbacks: list[TextFallback] = []
    files: list[Path] = []
    for i, plan in enumerate(plans):
        path = work_dir / f"{i:02d}_{plan.table.name}.parquet"
        try:
            _export_parquet(con, plan, path)
        except duckdb.ConversionException as exc:
            found = _find_text_fallbacks(con, plan)
            if not found:
                raise LoadError(f"{plan.path}: a value does not cast to the contract type: "
                                f"{_first_line(exc)}") from exc
            names = {f.column for f in found}
            plan = replace(plan, columns=tuple(
                replace(c, as_text=True) if c.name in names else c for c in plan.columns))
            fallbacks += found
            _export_parquet(con, plan, path)
        except duckdb.Error as exc:
            raise LoadError(f"cannot read {plan.path}: {_first_line(exc)}") from exc
        new_plans.append(plan)
        files.append(path)
    return new_plans, fallbacks, files


def _save_all(spark: Any, plans: list[TablePlan], files: list[Path]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for schema in sorted({p.schema for p in plans}):
        spark.sql(f"create database if not exists `{schema}`")
    for plan, path in zip(plans, files):
        t0 = time.perf_counter()
        frame = spark.read.parquet(str(path))
        frame = frame.selectExpr(*(f"cast(`{c.name}` as {_spark_type(plan, c.name)}) "
                                   f"as `{c.name}`" for c in plan.columns))
        name = f"`{plan.schema}`.`{plan.table.name}`"
        spark.sql(f"drop table if exists {name}")
        frame.write.format("parquet").mode("overwrite").saveAsTable(name)
        rows[plan.table.qualified_name] = spark.table(name).count()
        log.debug("saved %s in %.1f s", plan.name, time.perf_counter() - t0)
    return rows


def load(data_dir: Path | str, schema_map: Mapping[str, str] | None = None,
         env: Mapping[str, str] | None = None) -> dict[str, int]:
    """Create every raw table of the contract in Spark; return rows per table. Raises
    `LoadError` (one line) on user mistakes and on a failure to start Spark."""
    data_dir = Path(data_dir)
    mapping = {t.schema: t.schema for t in RAW_TABLES} | dict(schema_map or {})
    _check_inputs(data_dir, mapping)
    warehouse = warehouse_dir(env)
    started = time.perf_counter()
    con = db.connect()
    try:
        plans = [_plan_table(con, t, parquet_path(data_dir, t), mapping[t.schema])
                 for t in RAW_TABLES]
        with tempfile.TemporaryDirectory(prefix="leadscore-spark-load-") as tmp:
            plans, fallbacks, files = _typed_files(con, plans, Path(tmp))
            spark = spark_session(env)
            try:
                rows = _save_all(spark, plans, files)
            finally:
                spark.stop()
    finally:
        con.close()
    for plan in plans:
        log.info("loaded %-36s %12d rows", plan.name, rows[plan.table.qualified_name])
    for fallback in fallbacks:
        log.warning("%s", fallback.message())
    log.info("loaded %d tables, %d rows into Spark (warehouse %s) in %.1f s", len(rows),
             sum(rows.values()), warehouse, time.perf_counter() - started)
    return rows
