"""Benchmark: build and publish the dbt project on generated data at several sizes.

    .venv/bin/python bench/bench_build.py 10000 50000 100000 1000000 [--keep DIR]
        [--exclude-evaluation] [--reference] [--incremental] [--engine duckdb,postgres,spark]

For each size: generate (or reuse, with --keep) the demo raw data, load it into a fresh
DuckDB file, run `dbt build` in-process (seeds, every model, data tests, unit tests, the
circuit breaker and the publish step: what a user runs), and report wall time, peak RSS,
the time of the models, the tests, the evaluation models (tag `evaluation`: the backtest)
and the publish step (on-run-end), the slowest models, the sizes of the build warehouse and
of the published copy against the raw tables, and row counts. A build that fails is
reported with its failures (at 50,000 contacts the score timeline once disagreed with the
scored mart: the data test runs here). With --reference, ../shared/bench/reference_scoring.py
(a plain DuckDB script doing the scoring path's essential work) runs on the same warehouse
right after, and the ratio of `dbt run --select +scored_contacts` to it is printed.
With --incremental, the last day of events (after END_DATE minus one day) is held back
from the first build and delivered after it, and a second `dbt build` (incremental: the
next day's run) is timed the same way.
With --engine duckdb,postgres the same data is also loaded into a throwaway PostgreSQL 15
server (leadscore/pg_server.py: Debian's binaries, durability off as in the tests) with
`leadscore load --target postgres` and built there with `dbt build --target postgres` (the
first build only: --incremental and --reference apply to DuckDB); the report gives the same
timings, the database's size and the row counts. Its peak RSS is not reported: the server's
processes are not children of the benchmark.
With spark in --engine, the same data is loaded into a fresh Spark warehouse directory
(`leadscore load --target spark`, local mode) and built with the `spark` target in a dbt
subprocess; sizes are those of the parquet directories, and peak RSS is the largest process so far
(the JVM; with duckdb first in --engine, possibly the DuckDB build).
Figures are printed, never asserted: speed goals are read, not tested.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leadscore.db import connect  # noqa: E402
from leadscore.dbt_runner import dbt_command, run_dbt  # noqa: E402
from leadscore.load_spark import java_runs  # noqa: E402
from leadscore.publishing import published_copy_path  # noqa: E402
from leadscore import pg_server  # noqa: E402

END_DATE = "2026-11-01"
REFERENCE = ROOT.parent / "shared" / "bench" / "reference_scoring.py"
ROW_COUNTS = ("intermediate.int_engagement_events_unioned", "intermediate.int_engagement_daily",
              "intermediate.int_score_components", "marts.scored_contacts",
              "intermediate.int_lead_score_timeline", "marts.lifecycle_stage_history",
              "marts.mql_alerts", "marts.crm_score_sync", "intermediate.int_backtest_rule_matches",
              "marts.score_backtest")


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _timings(target: Path) -> dict[str, object]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = manifest["nodes"]
    by_kind = {"model": 0.0, "test": 0.0, "unit_test": 0.0, "seed": 0.0, "evaluation": 0.0,
               "publish": 0.0}
    models = []
    for r in results:
        uid, secs = r["unique_id"], float(r["execution_time"])
        kind = uid.split(".")[0]
        if kind == "operation" and "on-run-end" in uid:
            by_kind["publish"] += secs
        elif kind in by_kind:
            by_kind[kind] += secs
        if kind == "model":
            models.append((uid.split(".")[-1], secs))
            if "evaluation" in nodes.get(uid, {}).get("tags", []):
                by_kind["evaluation"] += secs
    return {"by_kind": by_kind, "slowest": sorted(models, key=lambda x: -x[1])[:8]}


def _reference(warehouse: Path, workdir: Path) -> float | None:
    if not REFERENCE.exists():
        return None
    t = time.perf_counter()
    subprocess.run([sys.executable, str(REFERENCE), str(warehouse), str(ROOT / "seeds"), END_DATE, "2",
                    str(workdir / "reference.duckdb")], check=True, cwd=ROOT, capture_output=True)
    (workdir / "reference.duckdb").unlink(missing_ok=True)
    return time.perf_counter() - t


EVENT_TABLES = ("raw_marketing.web_events", "raw_marketing.email_events",
                "raw_marketing.form_submissions", "raw_marketing.event_attendance",
                "raw_crm.sales_activities")
HELD_BACK = f"timestamp '{END_DATE}' - interval 1 day"


def _hold_back_last_day(warehouse: Path) -> int:
    """Move the event rows of the last day into bench_held_back.<table>: the warehouse as
    it stood the day before. Returns the rows held back."""
    con = connect(warehouse)
    try:
        con.execute("create schema if not exists bench_held_back")
        held = 0
        for table in EVENT_TABLES:
            name = table.split(".")[1]
            con.execute(f"create or replace table bench_held_back.{name} as select * from {table}"
                        f" where occurred_at > {HELD_BACK} and occurred_at <= timestamp '{END_DATE}'")
            con.execute(f"delete from {table} where occurred_at > {HELD_BACK}"
                        f" and occurred_at <= timestamp '{END_DATE}'")
            held += con.execute(f"select count(*) from bench_held_back.{name}").fetchone()[0]
        return held
    finally:
        con.close()


def _deliver_held_back(warehouse: Path) -> None:
    con = connect(warehouse)
    try:
        for table in EVENT_TABLES:
            name = table.split(".")[1]
            con.execute(f"insert into {table} select * from bench_held_back.{name}")
        con.execute("drop schema bench_held_back cascade")
    finally:
        con.close()


def _raw_data(size: int, workdir: Path) -> Path:
    raw = workdir / f"raw_{size}"
    if not (raw / "raw_crm" / "contacts.parquet").exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "leadscore.cli", "generate", "--contacts", str(size),
                        "--end-date", END_DATE, "--out", str(raw)], check=True, cwd=ROOT)
        print(f"  generated {size:,} contacts in {time.perf_counter() - t:.1f} s", flush=True)
    return raw


def _failures(target: Path) -> list[str]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return [r["unique_id"] for r in results if r["status"] in ("error", "fail", "runtime error")]


def bench_postgres(size: int, workdir: Path, exclude_evaluation: bool) -> dict[str, object]:
    """Load and build the same raw data on a throwaway PostgreSQL server."""
    raw = _raw_data(size, workdir)
    with pg_server.throwaway_server() as server:
        env = {**os.environ, **server.env()}
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--target", "postgres",
                        "--data-dir", str(raw)], check=True, cwd=ROOT, env=env)
        load_s = time.perf_counter() - t
        size_sql = ("select coalesce(sum(pg_total_relation_size(c.oid)), 0) / 1048576.0 from pg_class c"
                    " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'm')"
                    " and n.nspname {}")
        raw_mb = float(server.rows(size_sql.format("in ('raw_crm', 'raw_marketing')"))[1][0][0])
        target = workdir / f"target_pg_{size}"
        t = time.perf_counter()
        build = subprocess.run(
            dbt_command("build", *(["--exclude", "tag:evaluation"] if exclude_evaluation else []),
                        target_path=target, as_of=END_DATE),
            cwd=ROOT, capture_output=True, text=True,
            env={**env, "LEADSCORE_TARGET": "postgres", "DBT_PROFILES_DIR": str(ROOT / "profiles"),
                 "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
        build_s = time.perf_counter() - t
        failures = _failures(target) if (target / "run_results.json").exists() else [build.stdout[-2000:]]
        built_mb = float(server.rows(size_sql.format("not in ('raw_crm', 'raw_marketing', 'pg_catalog',"
                                                     " 'information_schema', 'pg_toast')"))[1][0][0])
        published_mb = float(server.rows(size_sql.format("= 'marts_published'"))[1][0][0])
        rows = {}
        for name in ROW_COUNTS:
            schema, table = name.split(".")
            exists = server.rows("select count(*) from information_schema.tables where table_schema = "
                                 f"'{schema}' and table_name = '{table}'")[1][0][0]
            if exists:
                rows[name] = server.rows(f"select count(*) from {name}")[1][0][0]
    return {"contacts": size, "load_s": load_s, "build_s": build_s, "failures": failures,
            "peak_rss_mb": None, "warehouse_mb": built_mb + raw_mb,
            "published_mb": published_mb, "raw_mb": raw_mb, "rows": rows, **_timings(target)}


def _directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20 if path.exists() else 0.0


def bench_spark(size: int, workdir: Path, exclude_evaluation: bool) -> dict[str, object]:
    """Load and build the same raw data on Spark in local mode (a fresh warehouse dir)."""
    raw = _raw_data(size, workdir)
    warehouse = workdir / f"spark_{size}"
    shutil.rmtree(warehouse, ignore_errors=True)
    env = {**os.environ, "LEADSCORE_TARGET": "spark", "LEADSCORE_SPARK_WAREHOUSE": str(warehouse),
           "DBT_PROFILES_DIR": str(ROOT / "profiles"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--target", "spark",
                    "--data-dir", str(raw)], check=True, cwd=ROOT, env=env)
    load_s = time.perf_counter() - t
    raw_mb = _directory_mb(warehouse / "raw_crm.db") + _directory_mb(warehouse / "raw_marketing.db")
    target = workdir / f"target_spark_{size}"
    t = time.perf_counter()
    build = subprocess.run(
        dbt_command("build", *(["--exclude", "tag:evaluation"] if exclude_evaluation else []),
                    target_path=target, as_of=END_DATE),
        cwd=ROOT, capture_output=True, text=True, env=env)
    build_s = time.perf_counter() - t
    failures = _failures(target) if (target / "run_results.json").exists() else [build.stdout[-2000:]]
    built_mb = sum(_directory_mb(d) for d in warehouse.glob("*.db")
                   if d.name not in ("raw_crm.db", "raw_marketing.db"))
    published_mb = sum(_directory_mb(d) for d in warehouse.glob("marts_published__v*.db"))
    rows = {}
    con = connect()
    try:
        for name in ROW_COUNTS:
            schema, table = name.split(".")
            files = warehouse / f"{schema}.db" / table
            if files.is_dir() and any(files.rglob("*.parquet")):
                rows[name] = con.execute(
                    f"select count(*) from read_parquet('{files}/**/*.parquet')").fetchone()[0]
    finally:
        con.close()
    return {"contacts": size, "load_s": load_s, "build_s": build_s, "failures": failures,
            "peak_rss_mb": peak_rss_mb(), "warehouse_mb": built_mb + raw_mb,
            "published_mb": published_mb, "raw_mb": raw_mb, "rows": rows, **_timings(target)}


def bench(size: int, workdir: Path, exclude_evaluation: bool, reference: bool,
          incremental: bool = False) -> dict[str, object]:
    raw = _raw_data(size, workdir)
    warehouse = workdir / f"bench_{size}.duckdb"
    published = published_copy_path(warehouse)
    warehouse.unlink(missing_ok=True)
    published.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--data-dir", str(raw),
                    "--duckdb", str(warehouse)], check=True, cwd=ROOT)
    load_s = time.perf_counter() - t
    raw_mb = warehouse.stat().st_size / 2**20  # the file holds only the raw tables now
    held_back = _hold_back_last_day(warehouse) if incremental else 0
    target = workdir / f"target_{size}"
    t = time.perf_counter()
    build = run_dbt("build", warehouse, dbt_vars={"as_of": END_DATE}, target_path=target,
                    exclude=["tag:evaluation"] if exclude_evaluation else ())
    build_s = time.perf_counter() - t
    failures = build.failures()
    out: dict[str, object] = {
        "contacts": size, "load_s": load_s, "build_s": build_s, "failures": failures,
        "peak_rss_mb": peak_rss_mb(), "warehouse_mb": warehouse.stat().st_size / 2**20,
        "published_mb": published.stat().st_size / 2**20 if published.exists() else None,
        "raw_mb": raw_mb, **_timings(target)}
    con = connect(warehouse, read_only=True)
    try:
        out["rows"] = {name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in ROW_COUNTS
                       if con.execute("select count(*) from information_schema.tables where table_schema || '.'"
                                      " || table_name = ?", [name]).fetchone()[0]}
    finally:
        con.close()
    if incremental:
        _deliver_held_back(warehouse)
        target_day = workdir / f"target_{size}_next_day"
        t = time.perf_counter()
        day = run_dbt("build", warehouse, dbt_vars={"as_of": END_DATE}, target_path=target_day,
                      exclude=["tag:evaluation"] if exclude_evaluation else ())
        out["next_day"] = {"held_back_rows": held_back, "build_s": time.perf_counter() - t,
                           "failures": day.failures(), "peak_rss_mb": peak_rss_mb(),
                           "warehouse_mb": warehouse.stat().st_size / 2**20, **_timings(target_day)}
    if reference:
        t = time.perf_counter()
        # from the raw tables, as the reference script does (incremental models rebuilt)
        scoring = run_dbt("run", warehouse, select=["+scored_contacts"], dbt_vars={"as_of": END_DATE},
                          target_path=workdir / f"target_scoring_{size}", extra_args=["--full-refresh"])
        out["scoring_path_s"] = time.perf_counter() - t if scoring.success else None
        out["reference_s"] = _reference(warehouse, workdir)
    return out


def report(r: dict[str, object]) -> None:
    k = r["by_kind"]
    print(f"  load {r['load_s']:.1f} s | dbt build {r['build_s']:.1f} s (models {k['model']:.1f} s, of which"
          f" evaluation {k['evaluation']:.1f} s; tests {k['test']:.1f} s; unit tests {k['unit_test']:.1f} s;"
          f" publish {k['publish']:.1f} s) | peak RSS "
          + (f"{r['peak_rss_mb']:.0f} MB" if r["peak_rss_mb"] is not None else "not measured (server)"))
    published = f"{r['published_mb']:.0f} MB" if r["published_mb"] is not None else "not published"
    print(f"  raw tables {r['raw_mb']:.0f} MB | build warehouse {r['warehouse_mb']:.0f} MB"
          f" ({r['warehouse_mb'] / max(r['raw_mb'], 1):.1f}x raw) | published copy {published}")
    print("  slowest models: " + ", ".join(f"{n} {s:.1f}s" for n, s in r["slowest"]))
    print("  rows: " + ", ".join(f"{n.split('.')[-1]} {v:,}" for n, v in r["rows"].items()))
    if r["failures"]:
        print(f"  FAILED: {r['failures']}")
    if "next_day" in r:
        d, k = r["next_day"], r["next_day"]["by_kind"]
        print(f"  next day ({d['held_back_rows']:,} event rows more): dbt build {d['build_s']:.1f} s"
              f" (models {k['model']:.1f} s, of which evaluation {k['evaluation']:.1f} s; tests"
              f" {k['test']:.1f} s; unit tests {k['unit_test']:.1f} s; publish {k['publish']:.1f} s)"
              f" | warehouse {d['warehouse_mb']:.0f} MB")
        print("  next day's slowest models: " + ", ".join(f"{n} {s:.1f}s" for n, s in d["slowest"]))
        if d["failures"]:
            print(f"  NEXT DAY FAILED: {d['failures']}")
    if "reference_s" in r and r.get("reference_s") and r.get("scoring_path_s"):
        print(f"  scoring path (dbt run +scored_contacts) {r['scoring_path_s']:.1f} s vs reference script"
              f" {r['reference_s']:.1f} s: ratio {r['scoring_path_s'] / r['reference_s']:.2f}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 50_000, 100_000])
    parser.add_argument("--keep", type=Path, help="reuse/keep generated data and warehouses here")
    parser.add_argument("--exclude-evaluation", action="store_true",
                        help="build with --exclude tag:evaluation (the hourly build)")
    parser.add_argument("--incremental", action="store_true",
                        help="hold the last day of events back, then time the next day's build")
    parser.add_argument("--reference", action="store_true",
                        help="also time the scoring path against ../shared/bench/reference_scoring.py")
    parser.add_argument("--engine", default="duckdb",
                        help="comma-separated engines to build on: duckdb (default), postgres, spark")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engine.split(",") if e.strip()]
    unknown = sorted(set(engines) - {"duckdb", "postgres", "spark"})
    if unknown or not engines:
        parser.error(f"unknown engine(s) {', '.join(unknown) or '(none)'}: choose duckdb, postgres, spark")
    if "spark" in engines and not java_runs():
        parser.error("Spark needs Java 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)")
    if "postgres" in engines and not pg_server.server_binaries_present():
        parser.error(pg_server.MISSING_SERVER)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="leadscore_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        for size in args.sizes:
            for engine in engines:
                print(f"== {size:,} contacts on {engine}", flush=True)
                if engine == "duckdb":
                    r = bench(size, workdir, args.exclude_evaluation, args.reference, args.incremental)
                elif engine == "postgres":
                    r = bench_postgres(size, workdir, args.exclude_evaluation)
                else:
                    r = bench_spark(size, workdir, args.exclude_evaluation)
                report(r)
                failed = failed or bool(r["failures"]) or bool(r.get("next_day", {}).get("failures"))
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
