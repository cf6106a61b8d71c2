"""Run the dbt project in-process against a chosen DuckDB warehouse file.

Used by the tests, the benchmarks and the CLI so that they all build the project the same
way a user does (`DBT_PROFILES_DIR=profiles dbt build`), only with another warehouse path.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _release_duckdb() -> None:
    """dbt-duckdb keeps the warehouse open for the life of the process; close it so that
    the caller (tests, Great Expectations) can open the file after dbt is done."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter
        return
    DuckDBConnectionManager.close_all_connections()


@dataclass
class DbtResult:
    success: bool
    statuses: dict[str, str]  # unique_id -> status (pass, fail, warn, error, success, skipped)
    messages: dict[str, str]  # unique_id -> message for anything not pass/success

    def failures(self) -> dict[str, str]:
        return {
            k: f"{self.statuses[k]}: {self.messages.get(k, '')}"
            for k, v in self.statuses.items()
            if v in ("fail", "error")
        }


def dbt_command(*args: str, target_path: str | os.PathLike[str],
                as_of: str | None = None) -> list[str]:
    """The argv of `dbt <args>` on this project in a subprocess (the PostgreSQL and Spark
    targets, whose adapters run outside this process), writing its artifacts and logs to
    `target_path`; the target itself comes from the environment (LEADSCORE_TARGET)."""
    target = Path(target_path)
    return [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target / "logs"),
            *(["--vars", f'{{as_of: "{as_of}"}}'] if as_of else [])]


def run_dbt(
    command: str,
    duckdb_path: str | os.PathLike[str],
    *,
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    extra_args: Sequence[str] = (),
    target_path: str | os.PathLike[str] | None = None,
    project_dir: str | os.PathLike[str] = PROJECT_DIR,
) -> DbtResult:
    """Run one dbt command (build, run, seed, test) in-process.

    The warehouse path is passed through LEADSCORE_DUCKDB_PATH exactly as a user would;
    `project_dir` runs a copy of the project (tests that edit seeds use one).
    """
    from dbt.cli.main import dbtRunner  # imported lazily: slow import

    os.environ["LEADSCORE_DUCKDB_PATH"] = str(duckdb_path)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    args = [
        command,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(Path(project_dir) / "profiles"),
        "--quiet",
    ]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    elif Path(project_dir) != PROJECT_DIR:
        args += ["--target-path", str(Path(project_dir) / "target"),
                 "--log-path", str(Path(project_dir) / "logs")]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    args += list(extra_args)
    log.info("dbt %s", " ".join(args))
    try:
        res = dbtRunner().invoke(args)
    finally:
        _release_duckdb()
    statuses: dict[str, str] = {}
    messages: dict[str, str] = {}
    if res.result is not None and hasattr(res.result, "results"):
        for r in res.result.results:
            uid = r.node.unique_id
            statuses[uid] = str(r.status)
            if r.message and str(r.status) not in ("pass", "success"):
                messages[uid] = str(r.message)
    if res.exception is not None:
        messages["__exception__"] = repr(res.exception)
    return DbtResult(success=bool(res.success), statuses=statuses, messages=messages)
