"""The whole project on Spark (dbt-spark's `session` method, local mode), compared with
DuckDB (issue 13).

The module loads the same demo data as test_postgres (conftest's engine_reference_build)
into a throwaway Spark warehouse directory with `leadscore load --target spark`, runs
`dbt build` on the `spark` target, and compares every mart and the quarantine row by row
with the DuckDB build, within the tolerances of engine_compare. The Spark tables are
parquet files under LEADSCORE_SPARK_WAREHOUSE (`<database>.db/<table>/`), read here with
DuckDB, so the test needs no second JVM (the Derby metastore admits one process at a
time). The published views are read through Spark itself, in a subprocess. Then the
next day's data are loaded over it and built incrementally (the event models rewrite whole
days on Spark), and compared with a DuckDB build from scratch of the same data.

Without Java (or PySpark) the module fails with one line saying what to install; the
rest runs with `make test PYTEST_ARGS='-m "not spark"'`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR, dbt_command
from leadscore.load_spark import java_runs
from conftest import DEMO_END_DATE, duckdb_engine_reference, query
from engine_compare import (assert_built_and_published, compared_columns, duckdb_rows,
                            mart_relations, row_differences)
from mart_diff import BUILD_HISTORY, RUN_TIME_COLUMNS

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
                      columns: list[str], where: str = "true") -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a Spark parquet table (its rows where `where`), read with
    DuckDB (a partitioned table's day directories included: hive_partitioning)."""
    files = spark_warehouse / f"{database}.db" / table
    assert files.is_dir(), f"no Spark table {database}.{table} at {files}"
    con = connect()
    try:
        relation = (f"read_parquet('{files}/**/*.parquet', union_by_name = true,"
                    f" hive_partitioning = true)")
        names = [r[0] for r in con.execute(f"describe select * from {relation}").fetchall()]
        select = ", ".join(f'"{c}"' for c in columns if c in names)
        return names, con.execute(f"select {select} from {relation} where {where}").fetchall()
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


# The next day on Spark: the incremental event models rewrite whole days with
# insert_overwrite (macros/engagement_materialization.sql); the result must equal a DuckDB
# build from scratch of the same next-day data.
NEXT_DAY = (date.fromisoformat(DEMO_END_DATE) + timedelta(days=1)).isoformat()
INCREMENTAL_TABLES = ("int_engagement_events_unioned", "int_engagement_bot_activity",
                      "int_engagement_daily")


@pytest.fixture(scope="module")
def next_day(builds: dict[str, object], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, object]:
    """The Spark warehouse of `builds`, loaded with the next day's data (the generator's
    `--end-date D+1` repeats D's rows and adds day D's) and built incrementally; and a
    DuckDB build from scratch of the same data."""
    root = tmp_path_factory.mktemp("spark_next_day")
    data_dir, warehouse = duckdb_engine_reference(root, NEXT_DAY)
    spark_warehouse = Path(str(builds["spark_warehouse"]))
    load = subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--target", "spark",
                           "--data-dir", str(data_dir)],
                          env=_spark_env(spark_warehouse), cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    assert load.returncode == 0, load.stderr[-3000:]
    started = time.perf_counter()
    spark = subprocess.run(
        dbt_command("build", target_path=root / "target_spark", as_of=NEXT_DAY),
        env=_spark_env(spark_warehouse), cwd=PROJECT_DIR, capture_output=True, text=True)
    return {"duckdb": warehouse, "spark": spark, "spark_seconds": time.perf_counter() - started,
            "spark_warehouse": spark_warehouse, "target": root / "target_spark"}


def test_the_next_day_builds_incrementally_on_spark(next_day: dict[str, object]) -> None:
    assert_built_and_published(next_day["spark"], "Spark (next day, incremental)",
                               next_day["spark_seconds"])
    target = Path(str(next_day["target"]))
    for table in INCREMENTAL_TABLES:
        path = Path("lead_scoring", "models", "intermediate", f"{table}.sql")
        # the run file holds the statement that rewrote the days, from the model's result
        run = (target / "run" / path).read_text().lower()
        assert "insert overwrite table" in run and "partition (" in run, (table, run[-2000:])
        # the incremental branch: the stored rows of the rewritten days kept beside the new
        compiled = (target / "compiled" / path).read_text()
        assert f"from intermediate.{table} as stored" in compiled, (table, compiled[-3000:])
    union = (target / "compiled" / "lead_scoring" / "models" / "intermediate"
             / "int_engagement_events_unioned.sql").read_text()
    assert "occurred_at >= cast('" in union, union[:3000]  # the lookback window


def test_the_next_day_on_spark_equals_a_full_duckdb_build(next_day: dict[str, object]) -> None:
    spark = next_day["spark"]
    assert isinstance(spark, subprocess.CompletedProcess) and spark.returncode == 0, \
        spark.stdout[-3000:]
    warehouse, spark_warehouse = Path(str(next_day["duckdb"])), Path(str(next_day["spark_warehouse"]))
    relations = [*mart_relations(warehouse), *(("intermediate", t) for t in INCREMENTAL_TABLES)]
    problems: list[str] = []
    compared = 0
    for schema, table in relations:
        # a second build's change feed, publish checks, log and snapshot history say what
        # changed since the first build: compared as test_daily_incremental does (mart_diff)
        history = BUILD_HISTORY.get(f"{schema}.{table}", (set(), "true"))
        if history is None:
            continue
        left_out, where = history
        columns = [c for c in compared_columns(warehouse, schema, table)
                   if c not in RUN_TIME_COLUMNS | left_out]
        names, spark_rows = _spark_table_rows(spark_warehouse, schema, table, columns, where)
        missing = [c for c in columns if c not in names]
        if missing:
            problems.append(f"{table}: columns missing on Spark: {missing}")
            continue
        problems += row_differences(table, columns,
                                    duckdb_rows(warehouse, schema, table, columns, where),
                                    spark_rows, "Spark")
        compared += 1
    assert compared >= 12, compared
    ((new_day_events,),) = query(warehouse, f"""
        select count(*) from intermediate.int_engagement_events_unioned
        where occurred_date = date '{DEMO_END_DATE}'""")
    assert new_day_events > 0  # the next day brought events (or equality would prove little)
    assert not problems, "\n".join(problems[:40])
