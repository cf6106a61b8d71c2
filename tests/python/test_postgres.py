"""The whole project on a real PostgreSQL 15 server, compared with DuckDB (issue 13).

The module starts its own throwaway server (initdb + pg_ctl in a temporary directory on a
free local port; as the `postgres` user when run as root, since initdb refuses root), loads
the same small demo data into it with `leadscore load --target postgres` and into DuckDB,
runs `dbt build` on both, and compares every mart (every model of schema marts) and the
quarantine row by row. The Great Expectations checkpoint runs on the published PostgreSQL
marts.

What may differ, and why, is bounded in engine_compare (shared with test_spark): doubles
to 1e-6 relative, scores to the cent, build ids and times and two row-text hashes left out.

Without the server binaries the module fails with one line saying what to install; the
DuckDB part alone runs with `make test PYTEST_ARGS='-m "not postgres"'`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadscore import pg_server as pg_server_module
from leadscore.dbt_runner import PROJECT_DIR, dbt_command
from leadscore.pg_server import PgServer
from conftest import DEMO_END_DATE, query
from engine_compare import (assert_built_and_published, compared_columns, duckdb_rows,
                            mart_relations, row_differences)

pytestmark = pytest.mark.postgres

MISSING_SERVER = (
    f"{pg_server_module.MISSING_SERVER}, or leave PostgreSQL out: make test "
    "PYTEST_ARGS='-m \"not postgres\"' (the DuckDB part alone: -m \"not postgres and not spark\")")


@pytest.fixture(scope="module")
def pg_binaries() -> Path:
    """The server binaries' directory; fails the module with one line without them."""
    if not pg_server_module.server_binaries_present():
        pytest.fail(MISSING_SERVER, pytrace=False)
    return pg_server_module.PG_BIN


@pytest.fixture(scope="module")
def pg_server(pg_binaries: Path) -> Iterator[PgServer]:
    with pg_server_module.throwaway_server() as server:
        yield server


def test_the_server_binaries_are_postgresql_15(pg_binaries: Path) -> None:
    version = subprocess.run([str(pg_binaries / "initdb"), "--version"], capture_output=True,
                             text=True, check=True).stdout
    assert " 15." in version, version


def _dbt_postgres(server: PgServer, target: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **server.env(), "LEADSCORE_TARGET": "postgres",
           "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "LEADSCORE_THREADS": "2"}
    return subprocess.run(dbt_command(*args, target_path=target, as_of=DEMO_END_DATE),
                          env=env, cwd=PROJECT_DIR, capture_output=True, text=True)


@pytest.fixture(scope="module")
def builds(pg_server: PgServer, engine_reference_build: dict[str, Path],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("pg_vs_duckdb")
    data_dir, warehouse = engine_reference_build["data_dir"], engine_reference_build["warehouse"]
    load = subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--target", "postgres",
                           "--data-dir", str(data_dir)], env={**os.environ, **pg_server.env()},
                          cwd=PROJECT_DIR, capture_output=True, text=True)
    assert load.returncode == 0, load.stderr[-3000:]
    started = time.perf_counter()
    pg = _dbt_postgres(pg_server, root / "target_pg", "build")
    seconds = time.perf_counter() - started
    return {"duckdb": warehouse, "pg": pg, "pg_seconds": seconds, "root": root,
            "load_log": load.stderr}


def test_the_loader_copies_every_raw_table_with_the_duckdb_types(
        builds: dict[str, object], pg_server: PgServer) -> None:
    warehouse = builds["duckdb"]
    for schema in ("raw_crm", "raw_marketing"):
        duck_columns = query(warehouse,  # type: ignore[arg-type]
                             "select table_name, column_name, data_type from "
                             f"information_schema.columns where table_schema = '{schema}'")
        _, pg_columns = pg_server.rows(
            "select table_name, column_name, data_type from information_schema.columns "
            f"where table_schema = '{schema}'")
        pg_types = {(t, c): d for t, c, d in pg_columns}
        assert len(pg_types) == len(duck_columns) > 0
        for table, column, duck_type in duck_columns:
            expected = {"VARCHAR": "character varying", "BIGINT": "bigint",
                        "BOOLEAN": "boolean", "TIMESTAMP": "timestamp without time zone"}.get(
                            duck_type, "numeric" if duck_type.startswith("DECIMAL") else duck_type)
            assert pg_types[(table, column)] == expected, (table, column, duck_type)
        for (table,) in query(warehouse,  # type: ignore[arg-type]
                              "select table_name from information_schema.tables "
                              f"where table_schema = '{schema}'"):
            duck_count = query(warehouse, f"select count(*) from {schema}.{table}")[0][0]  # type: ignore[arg-type]
            assert pg_server.rows(f"select count(*) from {schema}.{table}")[1][0][0] == duck_count


def test_dbt_build_passes_on_postgres(builds: dict[str, object]) -> None:
    assert_built_and_published(builds["pg"], "PostgreSQL", builds["pg_seconds"])


def _differences(builds: dict[str, object], pg_server: PgServer, schema: str,
                 table: str) -> list[str]:
    warehouse = builds["duckdb"]
    assert isinstance(warehouse, Path)
    columns = compared_columns(warehouse, schema, table)
    select = ", ".join(f'"{c}"' for c in columns)
    pg_names, pg_rows = pg_server.rows(f'select {select} from {schema}."{table}"')
    assert pg_names == columns
    return row_differences(table, columns, duckdb_rows(warehouse, schema, table, columns),
                           pg_rows, "PostgreSQL")


def test_every_mart_and_the_quarantine_equal_duckdb(builds: dict[str, object],
                                                     pg_server: PgServer) -> None:
    pg = builds["pg"]
    assert isinstance(pg, subprocess.CompletedProcess) and pg.returncode == 0, pg.stdout[-3000:]
    warehouse = builds["duckdb"]
    assert isinstance(warehouse, Path)
    relations = mart_relations(warehouse)
    assert len(relations) >= 10
    problems: list[str] = []
    compared = 0
    for schema, table in relations:
        problems += _differences(builds, pg_server, schema, table)
        compared += 1
    assert not problems, "\n".join(problems[:40])
    assert compared == len(relations)


def test_the_published_schema_holds_the_checked_marts(builds: dict[str, object],
                                                      pg_server: PgServer) -> None:
    _, live = pg_server.rows("select count(distinct build_id) from marts_published.publish_log "
                             "where is_live and published_at is not null")
    assert live[0][0] == 1
    _, counts = pg_server.rows(
        "select (select count(*) from marts_published.scored_contacts),"
        " (select count(*) from marts.scored_contacts)")
    assert counts[0][0] == counts[0][1] > 0


def test_a_run_that_is_not_a_build_is_not_published(builds: dict[str, object],
                                                    pg_server: PgServer) -> None:
    _, before = pg_server.rows("select max(build_id) from marts_published.publish_log")
    run = _dbt_postgres(pg_server, Path(str(builds["root"])) / "target_pg_run", "run",
                        "--select", "scored_contacts")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "NOT PUBLISHED" in run.stdout, run.stdout[-3000:]
    _, after = pg_server.rows("select max(build_id) from marts_published.publish_log")
    assert after == before


def test_great_expectations_passes_on_the_postgres_marts(builds: dict[str, object],
                                                         pg_server: PgServer) -> None:
    gx = subprocess.run([sys.executable, "-m", "leadscore.gx_check", "--postgres",
                         "--schema", "marts_published"], env={**os.environ, **pg_server.env()},
                        cwd=PROJECT_DIR, capture_output=True, text=True)
    assert gx.returncode == 0, gx.stdout[-3000:] + gx.stderr[-3000:]
    assert "OK: all" in gx.stdout
