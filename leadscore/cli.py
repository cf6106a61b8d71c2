"""Command line: `python -m leadscore.cli <command> ...` (or the `leadscore` script).

Each command is a pair of functions: `add_<name>_arguments(parser)` and `run_<name>(args) ->
int` (the exit code). To add a command, write the two functions (here or in its own module) and
append one `Subcommand` to `SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from leadscore import calibrate
from leadscore import generate as gen
from leadscore import load as loader
from leadscore import report, steps, summary

log = logging.getLogger("leadscore")


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- generate -----------------------------------------------------------------------------------


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def add_generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contacts", type=_positive_int, default=gen.DEFAULT_CONTACTS,
                   help="number of contacts (default %(default)s); about 1 account per 8")
    p.add_argument("--out", type=Path, default=Path("data/raw"),
                   help="output directory; writes <out>/<schema>/<table>.parquet")
    p.add_argument("--seed", type=int, default=gen.DEFAULT_SEED, help="default %(default)s")
    p.add_argument("--end-date", type=_iso_date, default=gen.DEFAULT_END_DATE,
                   help="cut of the simulated world (2024-11-01 .. 2027-11-01): rows up to "
                        "this date, 00:00 UTC (default %(default)s, fixed); a later date "
                        "keeps every row of an earlier one and adds the days between")
    p.add_argument("--threads", type=_positive_int, default=None,
                   help="DuckDB threads (default: all cores; output is the same either way)")
    p.add_argument("--preserve-order", action="store_true",
                   help="also keep row order identical between runs (slower, more memory)")
    p.add_argument("--with-truth", action="store_true",
                   help="also write <out>/_truth/contact_truth.parquet with latent values")


def run_generate(args: argparse.Namespace) -> int:
    cfg = gen.GenerateConfig(
        out_dir=args.out, contacts=args.contacts, seed=args.seed, end_date=args.end_date,
        threads=args.threads, with_truth=args.with_truth, preserve_order=args.preserve_order,
    )
    try:
        gen.generate(cfg)
    except ValueError as exc:  # e.g. an end date outside the simulated world
        log.error("generate failed: %s", exc)
        return 2
    except OSError as exc:  # e.g. --out is a file or not writable
        log.error("generate failed: %s", exc)
        return 2
    return 0


# --- load -------------------------------------------------------------------------------------


def add_load_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", choices=("duckdb", "postgres", "spark"),
                   default="duckdb",
                   help="where the raw tables land (default %(default)s); postgres reads "
                        "LEADSCORE_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE; spark "
                        "reads LEADSCORE_SPARK_WAREHOUSE (tables and metastore)")
    p.add_argument("--data-dir", type=Path, default=Path("data/raw"),
                   help="directory with <schema>/<table>.parquet (default %(default)s)")
    p.add_argument("--duckdb", type=Path, default=Path("warehouse/lead_scoring.duckdb"),
                   help="DuckDB file to (re)create the raw tables in (default %(default)s; "
                        "--target duckdb only)")
    p.add_argument("--raw-crm-schema", default="raw_crm",
                   help="schema for the raw_crm tables (default %(default)s)")
    p.add_argument("--raw-marketing-schema", default="raw_marketing",
                   help="schema for the raw_marketing tables (default %(default)s)")


def run_load(args: argparse.Namespace) -> int:
    schema_map = {"raw_crm": args.raw_crm_schema, "raw_marketing": args.raw_marketing_schema}
    try:
        if args.target == "postgres":
            from leadscore import load_postgres  # imports psycopg2

            load_postgres.load(args.data_dir, schema_map)
        elif args.target == "spark":
            from leadscore import load_spark  # imports pyspark

            load_spark.load(args.data_dir, schema_map)
        else:
            loader.load(args.data_dir, args.duckdb, schema_map)
    except loader.LoadError as exc:
        log.error("load failed: %s", exc)
        return 2
    return 0


# --- registry ---------------------------------------------------------------------------------

SUBCOMMANDS: list[Subcommand] = [
    Subcommand("generate", "write deterministic demo raw data as Parquet",
               add_generate_arguments, run_generate),
    Subcommand("load", "load the raw Parquet files into the raw schemas (DuckDB or PostgreSQL)",
               add_load_arguments, run_load),
    Subcommand("summary", "print a short human summary of the scored warehouse",
               summary.add_arguments, summary.run),
    Subcommand("report", "write the one-page HTML report of how well the scores work",
               report.add_arguments, report.run),
    Subcommand("step", "run one step of make demo / make test: output to a log, one line here",
               steps.add_arguments, steps.run),
    Subcommand("calibrate", "propose new weights for a scoring model from its backtest",
               calibrate.add_arguments, calibrate.run),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadscore", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in SUBCOMMANDS:
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
        p.set_defaults(run=cmd.run)
    return parser


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    code = int(args.run(args))
    return code


if __name__ == "__main__":
    sys.exit(main())
