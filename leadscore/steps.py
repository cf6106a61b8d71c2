"""One short line per step of `make demo` / `make test`; the step's whole output goes to a log.

    leadscore step --name "dbt build" --kind dbt --log warehouse/logs/lead_scoring/dbt_build.log \\
        -- .venv/bin/dbt build --vars '{as_of: "2026-11-01"}'

runs the command with its standard output and error written to the log file, then prints one
line saying how it went: for dbt the node counts (passed / warnings / errors) and whether the
build was published (the publish macro's `PUBLISHED build ...` or `NOT PUBLISHED: ...` line, a
`CIRCUIT BREAKER OVERRIDDEN` line); for the Great Expectations checkpoint its verdict line; for
anything else the last line it logged. When the command fails, the error lines follow (dbt's
errors without its warnings, the failed expectations) with the log's path, and the exit code is
the command's. To add a kind: write a `(log text, exit code) -> StepReport` function and add it
to `KINDS`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
DBT_TIME = re.compile(r"^\d\d:\d\d:\d\d\s+")  # dbt's "22:47:56  " prefix
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ [\w.]+: ")  # logging's
DBT_DONE = re.compile(r"Done\. PASS=(?P<passed>\d+) WARN=(?P<warn>\d+) ERROR=(?P<error>\d+)"
                      r" SKIP=(?P<skip>\d+)")
DBT_SUMMARY_START = re.compile(r"^Completed (successfully|with \d+ errors?)")
TIMED = re.compile(r"\bin [\d.]+ ?s\b")  # a summary that says how long it took already
TAIL_LINES = 25  # shown from the log when a failure has no recognizable error lines


@dataclass
class StepReport:
    summary: str  # the one line
    notes: list[str] = field(default_factory=list)  # more lines shown always (a publish)
    errors: list[str] = field(default_factory=list)  # lines shown when the step failed


def clean_lines(text: str) -> list[str]:
    """The log's lines without colour codes and dbt's time-of-day prefix."""
    return [DBT_TIME.sub("", ANSI.sub("", line)).rstrip() for line in text.splitlines()]


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _tail(lines: Sequence[str], n: int = TAIL_LINES) -> list[str]:
    return [line for line in lines if line.strip()][-n:]


def summarize_dbt(text: str, returncode: int) -> StepReport:
    lines = clean_lines(text)
    done = next((DBT_DONE.search(line) for line in reversed(lines) if DBT_DONE.search(line)),
                None)
    if done:
        counts = {k: int(v) for k, v in done.groupdict().items()}
        summary = (f"{_count(counts['passed'], 'node')} passed / "
                   f"{_count(counts['warn'], 'warning')} / {_count(counts['error'], 'error')}"
                   + (f" / {counts['skip']} skipped" if counts["skip"] else ""))
    else:
        summary = "did not run to the end" if returncode else "finished (no node summary)"
    notes = [line.strip() for line in lines
             if line.lstrip().startswith(("PUBLISHED build", "NOT PUBLISHED:",
                                          "CIRCUIT BREAKER OVERRIDDEN"))]
    return StepReport(summary, notes, _dbt_errors(lines) if returncode else [])


def _dbt_errors(lines: Sequence[str]) -> list[str]:
    """dbt's closing list of problems without its warnings; the log's tail when it has none
    (a parse or connection error before any node ran)."""
    start = next((i for i, line in enumerate(lines) if DBT_SUMMARY_START.match(line.strip())),
                 None)
    if start is None:
        return _tail(lines)
    entries: list[list[str]] = [[]]
    for line in lines[start + 1:]:
        if DBT_DONE.search(line):
            break
        if not line.strip():
            if entries[-1]:
                entries.append([])
            continue
        entries[-1].append(line)
    errors = [e for e in entries
              if e and not e[0].lstrip().startswith("[WARNING]")
              and not e[0].lstrip().startswith("compiled code at")]
    return [line for entry in errors for line in entry] or _tail(lines)


def summarize_gx(text: str, returncode: int) -> StepReport:
    lines = clean_lines(text)
    verdict = next((line for line in reversed(lines) if line.startswith(("OK:", "FAILED:"))),
                   None)
    if verdict is None:
        return StepReport("did not run to the end", errors=_tail(lines))
    failed = [line.strip() for line in lines if line.strip().startswith("✗")]
    return StepReport(verdict, errors=failed if returncode else [])


def summarize_plain(text: str, returncode: int) -> StepReport:
    """The last line the command logged (with logging's time and level prefix), else its
    last line."""
    lines = [line for line in clean_lines(text) if line.strip()]
    logged = [LOG_PREFIX.sub("", line) for line in lines if LOG_PREFIX.match(line)]
    last = (logged or lines or ["(no output)"])[-1]
    return StepReport(last, errors=_tail(lines) if returncode else [])


KINDS: dict[str, Callable[[str, int], StepReport]] = {
    "dbt": summarize_dbt,
    "gx": summarize_gx,
    "plain": summarize_plain,
}


def run_step(name: str, command: Sequence[str], log_path: Path, kind: str = "plain") -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"{name} ... ", end="", flush=True)
    started = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log_file:
        try:
            returncode = subprocess.run(list(command), stdout=log_file,
                                        stderr=subprocess.STDOUT, check=False).returncode
        except OSError as exc:
            print(f"could not start {command[0]}: {exc}", flush=True)
            return 127
    seconds = time.perf_counter() - started
    report = KINDS[kind](log_path.read_text(encoding="utf-8", errors="replace"), returncode)
    status = "" if returncode == 0 else f"FAILED (exit {returncode}): "
    timed = "" if TIMED.search(report.summary) else f" ({seconds:.0f} s)"
    print(f"{status}{report.summary}{timed}", flush=True)
    for note in report.notes:
        print(f"  {note}", flush=True)
    if returncode:
        for line in report.errors:
            print(f"  | {line}", flush=True)
        print(f"  full log: {log_path}", flush=True)
    return returncode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True,
                        help="what the step is called on its line (e.g. 'dbt build')")
    parser.add_argument("--log", type=Path, required=True, help="file for the whole output")
    parser.add_argument("--kind", choices=sorted(KINDS), default="plain",
                        help="how to read the output (default %(default)s)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="the command to run, after `--`")


def run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("step: error: no command given (put it after `--`)", file=sys.stderr)
        return 2
    return run_step(args.name, command, args.log, args.kind)
