"""On a machine without an engine's requirements, its test module fails at once with one
line saying what to install and how to leave it out (issue 13: no silent skip, no stack
trace). Checked by running the module in a child pytest with the requirement hidden: the
PostgreSQL binaries (LEADSCORE_PG_BIN pointing nowhere) and Java (no java on PATH, no
JAVA_HOME)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from leadscore.dbt_runner import PROJECT_DIR


def _child_pytest(test: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "basetemp")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)


def test_without_the_postgres_binaries_test_postgres_says_what_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "LEADSCORE_PG_BIN": str(tmp_path / "no_postgres_here")}
    result = _child_pytest("tests/python/test_postgres.py::test_the_server_binaries_are_postgresql_15",
                           env, tmp_path)
    assert result.returncode != 0
    assert "PostgreSQL 15 server binaries not found in" in result.stdout, result.stdout[-2000:]
    assert "-m \"not postgres\"" in result.stdout
    assert "Traceback" not in result.stdout


def test_without_java_test_spark_says_what_to_install(tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)  # the venv only: no java on this PATH
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = bin_dir
    result = _child_pytest("tests/python/test_spark.py::test_java_and_the_pinned_pyspark_are_here",
                           env, tmp_path)
    assert result.returncode != 0
    assert "Spark needs Java 17" in result.stdout, result.stdout[-2000:]
    assert "-m \"not spark\"" in result.stdout
    assert "Traceback" not in result.stdout
