"""The whole project on Spark (dbt-spark's `session` method, local mode), compared with
DuckDB (issue 13).

The module loads the same demo data as test_postgres (conftest's engine_reference_build)
into a throwaway Spark warehouse directory with `leadscore load --target spark`, runs
`dbt build` on the `spark` target, and compares every mart and the quarantine row by row
with the DuckDB build, within the tolerances of engine_compare. The Spark tables are
parquet files under LEADSCORE_SPARK_WAREHOUSE (`<database>.db/<table>/`), read here with
DuckDB, so the test needs no second JVM (the Derby metastore admits one process at a
time). The published views are read through Spark itself, in a subprocess.

Without Java (or PySpark) the module fails with one line saying what to install; the
rest runs with `make test PYTEST_ARGS='-m "not spark"'`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR, dbt_command
from leadscore.load_spark import java_runs
from conftest import DEMO_END_DATE
from engine_compare import (assert_built_and_published, compared_columns, duckdb_rows,
                            mart_relations, row_differences)

pytestmark = pytest.mark.spark

MISSING_JAVA = (
    "Spark needs Java 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) and "
    "pyspark (make setup installs it), or leave Spark out: make test "
    "PYTEST_ARGS='-m \"not spark\"' (the DuckDB part alone: -m \"not postgres and not spark\")")


def _spark_env(warehouse_dir: Path) -> dict[str, str]:
    return {**os.environ, "LEADSCORE_TARGET": "spark",
            "LEADSCORE_SPARK_WAREHOUSE": str(warehouse_dir),
            "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _dbt_spark(warehouse_dir: Path, target: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(dbt_command(*args, target_path=target, as_of=DEMO_END_DATE),
                          env=_spark_env(warehouse_dir), cwd=PROJECT_DIR, capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def spark_available() -> None:
    """Fails the module with one line when Spark cannot run here (checked first)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail(MISSING_JAVA, pytrace=False)
    if not java_runs():
        pytest.fail(MISSING_JAVA, pytrace=False)


@pytest.fixture(scope="module")
def builds(spark_available: None, engine_reference_build: dict[str, Path],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("spark_vs_duckdb")
    spark_warehouse = root / "spark"
    load = subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--target", "spark",
                           "--data-dir", str(engine_reference_build["data_dir"])],
                          env=_spark_env(spark_warehouse), cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    assert load.returncode == 0, load.stderr[-3000:]
    started = time.perf_counter()
    spark = _dbt_spark(spark_warehouse, root / "target_spark", "build")
    seconds = time.perf_counter() - started
    return {"duckdb": engine_reference_build["warehouse"], "spark": spark,
            "spark_seconds": seconds, "root": root, "spark_warehouse": spark_warehouse}


def test_java_and_the_pinned_pyspark_are_here(spark_available: None) -> None:
    import pyspark
    pinned = [line.split("==")[1].strip() for line in
              (PROJECT_DIR / "requirements.lock").read_text().splitlines()
              if line.lower().startswith("pyspark==")]
    assert pinned == [pyspark.__version__]
    assert java_runs()


def _spark_table_rows(spark_warehouse: Path, database: str, table: str,
                      columns: list[str]) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a Spark parquet table, read with DuckDB."""
    files = spark_warehouse / f"{database}.db" / table
    assert files.is_dir(), f"no Spark table {database}.{table} at {files}"
    con = connect()
    try:
        relation = f"read_parquet('{files}/**/*.parquet', union_by_name = true)"
        names = [r[0] for r in con.execute(f"describe select * from {relation}").fetchall()]
        select = ", ".join(f'"{c}"' for c in columns if c in names)
        return names, con.execute(f"select {select} from {relation}").fetchall()
    finally:
        con.close()


def test_dbt_build_passes_on_spark(builds: dict[str, object]) -> None:
    assert_built_and_published(builds["spark"], "Spark", builds["spark_seconds"])


def test_every_mart_and_the_quarantine_equal_duckdb(builds: dict[str, object]) -> None:
    spark = builds["spark"]
    assert isinstance(spark, subprocess.CompletedProcess) and spark.returncode == 0, \
        spark.stdout[-3000:]
    warehouse, spark_warehouse = builds["duckdb"], builds["spark_warehouse"]
    assert isinstance(warehouse, Path) and isinstance(spark_warehouse, Path)
    relations = mart_relations(warehouse)
    assert len(relations) >= 10
    problems: list[str] = []
    for schema, table in relations:
        columns = compared_columns(warehouse, schema, table)
        names, spark_rows = _spark_table_rows(spark_warehouse, schema, table, columns)
        missing = [c for c in columns if c not in names]
        if missing:
            problems.append(f"{table}: columns missing on Spark: {missing}")
            continue
        problems += row_differences(table, columns, duckdb_rows(warehouse, schema, table, columns),
                                    spark_rows, "Spark")
    assert not problems, "\n".join(problems[:40])


READ_PUBLISHED = """
import json, sys
from leadscore.load_spark import spark_session
spark = spark_session()
out = {}
for name, sql in (
        ("live_builds", "select count(distinct build_id) from marts_published.publish_log"
                        " where is_live and published_at is not null"),
        ("published_contacts", "select count(*) from marts_published.scored_contacts"),
        ("built_contacts", "select count(*) from marts.scored_contacts"),
        ("max_build", "select max(build_id) from marts_published.publish_log")):
    out[name] = spark.sql(sql).collect()[0][0]
spark.stop()
print("RESULT " + json.dumps(out))
"""


def _read_published(builds: dict[str, object]) -> dict[str, object]:
    import json
    script = Path(str(builds["root"])) / "read_published.py"
    script.write_text(READ_PUBLISHED)
    result = subprocess.run([sys.executable, str(script)],
                            env=_spark_env(Path(str(builds["spark_warehouse"]))),
                            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def test_the_published_views_read_the_checked_marts(builds: dict[str, object]) -> None:
    published = _read_published(builds)
    assert published["live_builds"] == 1
    assert published["published_contacts"] == published["built_contacts"] > 0
    versions = sorted(p.name for p in Path(str(builds["spark_warehouse"])).glob(
        "marts_published__v*.db"))
    assert len(versions) == 1, versions


def test_a_run_that_is_not_a_build_is_not_published(builds: dict[str, object]) -> None:
    before = _read_published(builds)["max_build"]
    run = _dbt_spark(Path(str(builds["spark_warehouse"])),
                     Path(str(builds["root"])) / "target_spark_run", "run",
                     "--select", "scored_contacts")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "NOT PUBLISHED" in run.stdout, run.stdout[-3000:]
    assert _read_published(builds)["max_build"] == before
