"""Benchmark the demo data generator: wall time, peak memory, rows and file sizes per size.

    python bench/bench_generate.py [SIZES ...]     # default: 10000 100000

Each size runs in its own child process (so peak RSS is that run's own), writing into a
temporary directory that is removed afterwards (`--keep DIR` keeps the files there).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from leadscore.contract import RAW_TABLES  # noqa: E402
from leadscore.generate import GenerateConfig, generate  # noqa: E402


def run_one(contacts: int, out: Path, threads: int | None) -> dict[str, object]:
    """Generate once in this process and measure it."""
    started = time.perf_counter()
    rows = generate(GenerateConfig(out_dir=out, contacts=contacts, threads=threads))
    wall = time.perf_counter() - started
    sizes = {t.qualified_name: (out / t.schema / f"{t.name}.parquet").stat().st_size
             for t in RAW_TABLES}
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"contacts": contacts, "wall_s": wall, "peak_rss_mb": peak_kib / 1024,
            "rows": rows, "bytes": sizes}


def run_child(contacts: int, keep: Path | None, threads: int | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench_generate_") as tmp:
        out = (keep / str(contacts)) if keep else Path(tmp) / "raw"
        cmd = [sys.executable, __file__, "--child", str(contacts), "--out", str(out)]
        if threads:
            cmd += ["--threads", str(threads)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def print_tables(results: list[dict[str, object]]) -> None:
    print(f"{'contacts':>10} {'wall_s':>8} {'peak_rss_mb':>12} {'rows_total':>12} "
          f"{'size_mb':>9}")
    for r in results:
        rows, sizes = r["rows"], r["bytes"]
        assert isinstance(rows, dict) and isinstance(sizes, dict)
        print(f"{r['contacts']:>10} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>12.0f} "
              f"{sum(rows.values()):>12} {sum(sizes.values()) / 1e6:>9.1f}")
    print()
    header = f"{'table':<32}" + "".join(
        f" {'rows@' + str(r['contacts']):>16} {'MB':>8}" for r in results)
    print(header)
    for t in RAW_TABLES:
        line = f"{t.qualified_name:<32}"
        for r in results:
            rows, sizes = r["rows"], r["bytes"]
            assert isinstance(rows, dict) and isinstance(sizes, dict)
            line += f" {rows[t.qualified_name]:>16} {sizes[t.qualified_name] / 1e6:>8.1f}"
        print(line)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sizes", nargs="*", type=int, default=[10000, 100000])
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--keep", type=Path, default=None, help="keep generated files under DIR/N")
    p.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child is not None:
        logging.basicConfig(level=logging.WARNING)
        print(json.dumps(run_one(args.child, args.out, args.threads)))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    results = []
    for n in args.sizes:
        logging.info("generating %d contacts ...", n)
        results.append(run_child(n, args.keep, args.threads))
        logging.info("%d contacts: %.1f s", n, results[-1]["wall_s"])
    print_tables(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
