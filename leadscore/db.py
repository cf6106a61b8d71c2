"""Open DuckDB the one way the Python code does: every session runs in UTC.

The raw contract stores timestamps as UTC without a time zone. DuckDB converts between
`timestamp` and `timestamptz` (casts, `::date` of a `timestamptz`, `strftime`) in the
session's `TimeZone`, whose default is the machine's `TZ`: the same Parquet file loaded in
Tokyo and in Los Angeles would land as different instants. So every connection the package
and its tests open goes through `connect`, which sets the session `TimeZone` to UTC.

Why a `SET` after connecting and not `duckdb.connect(config={"TimeZone": "UTC"})`: DuckDB
2.0.0 rejects `TimeZone` in the connect-time config ("the icu extension needs to be loaded.
But it could not be autoloaded"), although ICU is built in and loaded once the connection
is open (the error of duckdb/duckdb#11404, still there). The setting is session-local (scope LOCAL): a cursor made with
`con.cursor()` is a new session and does not inherit it; open another connection with
`connect` instead.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb

SESSION_TIME_ZONE = "UTC"
IN_MEMORY = ":memory:"


def set_session_utc(con: Any) -> None:
    """Set the session time zone of an open DuckDB connection to UTC.

    `con` is a `duckdb.DuckDBPyConnection` or anything with its `execute` (duckdb_engine's
    DBAPI connection wrapper)."""
    con.execute(f"set session TimeZone = '{SESSION_TIME_ZONE}'")


def session_time_zone(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_setting('TimeZone')").fetchone()
    return str(row[0]) if row else ""


def connect(path: str | os.PathLike[str] = IN_MEMORY,
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect(path, read_only)` with the session time zone set to UTC, whatever
    the machine's `TZ`. `path` defaults to an in-memory database."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        set_session_utc(con)
    except BaseException:
        con.close()
        raise
    return con
