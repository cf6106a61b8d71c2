"""Benchmark: build the dbt project on generated data at several sizes.

    .venv/bin/python bench/bench_build.py 10000 100000 1000000 [--keep DIR] [--with-tests]

For each size: generate (or reuse, with --keep) the demo raw data, load it into a fresh
DuckDB file, run `dbt seed` + `dbt run` in-process, and report wall time, peak RSS, the
slowest models (from run_results.json) and the row counts of the main relations. Figures
are printed, never asserted: speed goals are read, not tested.
"""

from __future__ import annotations

import argparse
import json
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
from leadscore.dbt_runner import run_dbt  # noqa: E402

END_DATE = "2026-11-01"


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def bench(size: int, workdir: Path, with_tests: bool) -> dict[str, object]:
    raw = workdir / f"raw_{size}"
    if not (raw / "raw_crm" / "contacts.parquet").exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "leadscore.cli", "generate", "--contacts", str(size),
                        "--end-date", END_DATE, "--out", str(raw)], check=True, cwd=ROOT)
        print(f"  generated {size:,} contacts in {time.perf_counter() - t:.1f} s", flush=True)
    warehouse = workdir / f"bench_{size}.duckdb"
    warehouse.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--data-dir", str(raw),
                    "--duckdb", str(warehouse)], check=True, cwd=ROOT)
    load_s = time.perf_counter() - t
    target = workdir / f"target_{size}"
    t = time.perf_counter()
    seed = run_dbt("seed", warehouse, target_path=target)
    run = run_dbt("run", warehouse, dbt_vars={"as_of": END_DATE}, target_path=target)
    build_s = time.perf_counter() - t
    if not (seed.success and run.success):
        raise SystemExit(f"dbt failed at {size}: {seed.failures() or run.failures()}")
    timings = json.loads((target / "run_results.json").read_text())["results"]
    slowest = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in timings),
                     key=lambda x: -x[1])[:6]
    test_s = None
    if with_tests:
        t = time.perf_counter()
        res = run_dbt("test", warehouse, dbt_vars={"as_of": END_DATE}, target_path=target)
        test_s = time.perf_counter() - t
        if not res.success:
            print(f"  dbt test failures: {res.failures()}")
    con = connect(warehouse, read_only=True)
    counts = {
        name: con.execute(f"select count(*) from {name}").fetchone()[0]
        for name in ("intermediate.int_engagement_events_unioned", "intermediate.int_score_components",
                     "marts.scored_contacts", "intermediate.int_quarantined_rows",
                     "intermediate.int_lead_score_timeline", "marts.lifecycle_stage_history",
                     "marts.mql_alerts", "marts.account_scores", "marts.crm_score_sync")
    }
    con.close()
    return {"contacts": size, "load_s": load_s, "seed_run_s": build_s, "test_s": test_s,
            "peak_rss_mb": peak_rss_mb(), "warehouse_mb": warehouse.stat().st_size / 2**20,
            "slowest": slowest, "rows": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="reuse/keep generated data and warehouses here")
    parser.add_argument("--with-tests", action="store_true", help="also time `dbt test`")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="leadscore_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            print(f"== {size:,} contacts", flush=True)
            r = bench(size, workdir, args.with_tests)
            print(f"  load {r['load_s']:.1f} s | dbt seed+run {r['seed_run_s']:.1f} s"
                  + (f" | dbt test {r['test_s']:.1f} s" if r["test_s"] is not None else "")
                  + f" | peak RSS {r['peak_rss_mb']:.0f} MB | warehouse {r['warehouse_mb']:.0f} MB")
            print("  slowest models: " + ", ".join(f"{n} {s:.1f}s" for n, s in r["slowest"]))
            print("  rows: " + ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in r["rows"].items()), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
