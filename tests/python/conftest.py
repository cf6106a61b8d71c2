"""Shared fixtures: build the dbt project in-process against temporary DuckDB warehouses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from leadscore.contract import RAW_TABLES
from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR, DbtResult, run_dbt

DEMO_END_DATE = "2026-11-01"
DEMO_CONTACTS = 1500


def write_raw_tables(duckdb_path: Path, rows: Mapping[str, Iterable[Mapping[str, object]]],
                     column_types: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Create every raw table of the landing contract in `duckdb_path`, typed as the
    contract says, filled with `rows` (keyed by qualified name, e.g. "raw_crm.contacts");
    tables not given are created empty, columns not given are null. `column_types` (keyed
    the same way) lands a column with another type than the contract's, as EL tools do
    (`{"raw_crm.accounts": {"employee_count": "varchar"}}`), or adds a column the contract
    does not have."""
    con = connect(duckdb_path)
    try:
        for table in RAW_TABLES:
            overrides = dict((column_types or {}).get(table.qualified_name, {}))
            columns = [(name, overrides.pop(name, sql_type)) for name, sql_type in table.columns]
            columns += list(overrides.items())
            con.execute(f"create schema if not exists {table.schema}")
            cols = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            con.execute(f"create or replace table {table.qualified_name} ({cols})")
            data = [tuple(r.get(c) for c, _ in columns) for r in rows.get(table.qualified_name, [])]
            if data:
                placeholders = ", ".join("?" for _ in columns)
                con.executemany(f"insert into {table.qualified_name} values ({placeholders})", data)
    finally:
        con.close()


def query(duckdb_path: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = connect(duckdb_path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query_dicts(duckdb_path: Path, sql: str) -> list[dict[str, object]]:
    con = connect(duckdb_path, read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


def copy_project(destination: Path) -> Path:
    """A throwaway copy of the dbt project (models, macros, seeds, tests, profiles), so that
    a test can edit a seed without touching the real one; run it with
    run_dbt(..., project_dir=copy)."""
    shutil.copytree(
        PROJECT_DIR, destination,
        ignore=shutil.ignore_patterns(
            ".*", "target", "logs", "warehouse", "data", "dbt_packages", "bench", "docs",
            "leadscore", "*.egg-info", "python", "__pycache__",
        ),
    )
    return destination


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "leadscore.cli", *args], check=True, cwd=PROJECT_DIR)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    """Demo data (generator at a small size) loaded and built with `dbt build` once."""
    root = tmp_path_factory.mktemp("demo")
    data_dir, warehouse = root / "raw", root / "demo.duckdb"
    cli("generate", "--contacts", str(DEMO_CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(data_dir))
    cli("load", "--data-dir", str(data_dir), "--duckdb", str(warehouse))
    result = run_dbt("build", warehouse, dbt_vars={"as_of": DEMO_END_DATE}, target_path=root / "target")
    return warehouse, result


ENGINE_CONTACTS = 1000


@pytest.fixture(scope="session")
def engine_reference_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The DuckDB build that test_postgres and test_spark compare their engine with: demo
    data of ENGINE_CONTACTS contacts (`data_dir`, the generator's Parquet files, which the
    other engine loads too) built with `dbt build` into `warehouse`."""
    root = tmp_path_factory.mktemp("engine_reference")
    data_dir, warehouse = duckdb_engine_reference(root, DEMO_END_DATE)
    return {"data_dir": data_dir, "warehouse": warehouse, "root": root}


def duckdb_engine_reference(root: Path, end_date: str) -> tuple[Path, Path]:
    """Demo data of ENGINE_CONTACTS contacts up to `end_date` (the generator's Parquet
    files, in root/raw) and their DuckDB `dbt build` as of that day (root/duck.duckdb)."""
    data_dir, warehouse = root / "raw", root / "duck.duckdb"
    cli("generate", "--contacts", str(ENGINE_CONTACTS), "--end-date", end_date,
        "--out", str(data_dir))
    cli("load", "--data-dir", str(data_dir), "--duckdb", str(warehouse))
    duck = run_dbt("build", warehouse, dbt_vars={"as_of": end_date},
                   target_path=root / "target_duckdb")
    assert duck.success, duck.failures()
    return data_dir, warehouse
