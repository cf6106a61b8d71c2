"""dbt-duckdb plugin: the two file operations the publish step needs, as SQL functions.

DuckDB SQL can write a database file (ATTACH + CREATE TABLE) but cannot rename or remove
one, and publishing must replace the readers' copy in one atomic step (a rename on the same
file system). The profile loads this module (`plugins: [{module: leadscore.duckdb_plugin}]`)
and every dbt connection gets:

  leadscore_replace_file(source, target)  rename `source` over `target` (os.replace: atomic;
                                          readers that hold the old file keep reading it)
  leadscore_remove_file(path)             remove a leftover file of a killed publish

Both only touch files whose names end in `.duckdb` or `.tmp`, so a mistyped argument cannot
remove anything else. The publish macro (macros/publish_build.sql) is their only caller.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

_ALLOWED_SUFFIXES = (".duckdb", ".tmp")


def _check(path: str) -> str:
    if not path.endswith(_ALLOWED_SUFFIXES):
        raise ValueError(f"refusing to touch {path!r}: only .duckdb and .tmp files")
    return path


def replace_file(source: str, target: str) -> bool:
    """Atomically replace `target` with `source` (same directory, so one rename)."""
    os.replace(_check(source), _check(target))
    return True


def remove_file(path: str) -> bool:
    """Remove `path` if it exists; True when something was removed."""
    try:
        os.remove(_check(path))
    except FileNotFoundError:
        return False
    return True


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function("leadscore_replace_file", replace_file, side_effects=True)
        conn.create_function("leadscore_remove_file", remove_file, side_effects=True)
