"""Where the published copy of a build warehouse lives, and which build it holds.

BI tools and the reverse-ETL tool read the published copy, never the build warehouse: a
`dbt build` whose every node passed replaces it in one atomic step (macros/publish_build.sql).
Its path follows the same rule as the macro `published_copy_path()`: the environment
variable LEADSCORE_PUBLISHED_PATH, else the build warehouse's path with `_published`
before `.duckdb`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from leadscore import db


def published_copy_path(build_path: str | os.PathLike[str]) -> Path:
    """The published copy that belongs to the build warehouse `build_path`."""
    override = os.environ.get("LEADSCORE_PUBLISHED_PATH", "").strip()
    if override:
        return Path(override)
    text = str(build_path)
    return Path(text[: -len(".duckdb")] + "_published.duckdb" if text.endswith(".duckdb")
                else text + "_published.duckdb")


@dataclass(frozen=True)
class LiveBuild:
    build_id: str
    as_of: datetime
    published_at: datetime
    relations: int


def live_build(published_path: str | os.PathLike[str]) -> LiveBuild | None:
    """The build readers see in `published_path`, or None when nothing is published."""
    if not Path(published_path).exists():
        return None
    con = db.connect(published_path, read_only=True)
    try:
        row = con.execute(
            "select build_id, max(as_of), max(published_at),"
            " count(*) filter (where relation_kind = 'mart')"
            " from marts.publish_log where is_live group by build_id"
        ).fetchone()
    finally:
        con.close()
    return LiveBuild(*row) if row else None
