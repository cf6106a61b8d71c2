"""Every DuckDB session the package opens runs in UTC, whatever the machine's `TZ`.

The checks run in subprocesses with `TZ` set: DuckDB takes its default session time zone
from `TZ` when a process first opens a connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadscore.db import connect

REPO = Path(__file__).resolve().parents[2]
ZONES = ("Asia/Tokyo", "America/Los_Angeles")


def run_python(code: str, tz: str, *args: str, script_dir: Path) -> str:
    """stdout of `python script.py args` with `TZ=tz` (stderr: GX's shutdown noise).

    A script file, not `python -c`: when GX imports PySpark (installed for the Spark
    target), `pyspark.sql.connect.utils.check_dependencies` takes a `__main__` without a
    `__file__` for a doctest run and calls `sys.exit(0)` before the code prints anything.
    """
    script = script_dir / "check_time_zone.py"
    script.write_text(code)
    result = subprocess.run([sys.executable, str(script), *args], cwd=REPO,
                            env={**os.environ, "TZ": tz}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


PLAIN = """
import duckdb
print(duckdb.connect().execute("select current_setting('TimeZone')").fetchone()[0])
"""

THROUGH_DB = """
import sys
from leadscore import db
sql = ("select current_setting('TimeZone'),"
       " cast(cast('2026-03-01 07:13:00+02:00' as timestamptz) as timestamp)")
for path, read_only in ((":memory:", False), (sys.argv[1], False), (sys.argv[1], True)):
    con = db.connect(path, read_only=read_only)
    zone, value = con.execute(sql).fetchone()
    print(zone, value.isoformat())
    con.close()
"""

THROUGH_GX = """
import sys
import sqlalchemy as sa
from leadscore import gx_check
url = gx_check.duckdb_url(sys.argv[1])
with gx_check._duckdb_as_persisted_connection_dialect(), gx_check._duckdb_sessions_in_utc():
    source = gx_check._gx_context().data_sources.add_sql(
        name="w", connection_string=url, kwargs=gx_check._engine_kwargs(url))
    try:
        query = sa.text("select current_setting('TimeZone')")
        print(source.get_execution_engine().execute_query(query).fetchall()[0][0])
        with source.get_engine().connect() as connection:
            print(connection.execute(query).fetchall()[0][0])
    finally:
        gx_check._close(source)
"""


@pytest.mark.parametrize("tz", ZONES)
def test_plain_duckdb_follows_tz(tz: str, tmp_path: Path) -> None:
    """Without `leadscore.db` the session follows TZ: the other tests here are not vacuous."""
    assert run_python(PLAIN, tz, script_dir=tmp_path) == tz


@pytest.mark.parametrize("tz", ZONES)
def test_connect_is_utc_whatever_tz(tz: str, tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    connect(path).close()
    lines = run_python(THROUGH_DB, tz, str(path), script_dir=tmp_path).splitlines()
    assert lines == ["UTC 2026-03-01T05:13:00"] * 3


@pytest.mark.parametrize("tz", ZONES)
def test_gx_sessions_are_utc_whatever_tz(tz: str, tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    connect(path).close()
    # the execution engine's connection (GX's queries) and the datasource's own
    assert run_python(THROUGH_GX, tz, str(path), script_dir=tmp_path).splitlines() == ["UTC", "UTC"]
