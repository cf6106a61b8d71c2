"""The next day's load, built incrementally, equals a full build of the same data (issue 12).

The generator simulates a daily load: `generate --end-date D+1` reproduces every row of
`--end-date D` and adds day D+1's. A warehouse is loaded and built at D (as_of D); the D+1
data are loaded over it (the loader replaces the raw tables) and the project is built again
with as_of D+1, incrementally. Another warehouse gets the D+1 data and a build from scratch.
Every mart, the quarantine and the engagement tables must be equal (`except all` both ways,
run-time columns aside: mart_diff).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from leadscore.dbt_runner import run_dbt
from conftest import DEMO_END_DATE, cli, query
from mart_diff import differences

CONTACTS = 1200
D = date.fromisoformat(DEMO_END_DATE)
NEXT = D + timedelta(days=1)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("daily_incremental")
    incremental, full = root / "incremental.duckdb", root / "full.duckdb"
    for day in (D, NEXT):
        cli("generate", "--contacts", str(CONTACTS), "--end-date", day.isoformat(),
            "--out", str(root / f"raw_{day}"))
    cli("load", "--data-dir", str(root / f"raw_{D}"), "--duckdb", str(incremental))
    first = run_dbt("build", incremental, dbt_vars={"as_of": D.isoformat()},
                    target_path=root / "t_first")
    assert first.success, first.failures
    cli("load", "--data-dir", str(root / f"raw_{NEXT}"), "--duckdb", str(incremental))
    second = run_dbt("build", incremental, dbt_vars={"as_of": NEXT.isoformat()},
                     target_path=root / "t_second")
    assert second.success, second.failures
    cli("load", "--data-dir", str(root / f"raw_{NEXT}"), "--duckdb", str(full))
    rebuilt = run_dbt("build", full, dbt_vars={"as_of": NEXT.isoformat()},
                      target_path=root / "t_full")
    assert rebuilt.success, rebuilt.failures
    return {"incremental": incremental, "full": full, "second_target": root / "t_second"}


def test_the_next_day_build_reads_only_the_recent_events(builds: dict[str, Path]) -> None:
    """The D+1 build ran the incremental branch, from a few days (the lookback) before D."""
    compiled = (builds["second_target"] / "compiled" / "lead_scoring" / "models"
                / "intermediate" / "int_engagement_events_unioned.sql").read_text()
    starts = {date.fromisoformat(m) for m in re.findall(
        r"cast\('(\d{4}-\d{2}-\d{2}) 00:00:00\.000000' as timestamp\)", compiled)}
    assert starts, "the D+1 build did not run the incremental branch"
    assert all(D - timedelta(days=5) <= s <= D for s in starts), starts
    run = (builds["second_target"] / "run" / "lead_scoring" / "models" / "intermediate"
           / "int_engagement_events_unioned.sql").read_text()
    assert "delete from" in run
    for table, column in (("int_engagement_events_unioned", "built_at"),
                          ("int_engagement_daily", "union_built_at")):
        ((kept, total),) = query(builds["incremental"], f"""
            select count(*) filter (where {column} = (select min({column}) from intermediate.{table})),
                count(*)
            from intermediate.{table}""")
        assert kept > 0.8 * total, (table, kept, total)  # the first build's rows stayed


def test_the_new_day_is_in_the_result(builds: dict[str, Path]) -> None:
    """The new day's events reached the incremental build (or the equality would prove
    little). --end-date is exclusive: the D data end on D-1, the D+1 data add day D."""
    sql = f"""select count(*) from intermediate.int_engagement_events_unioned
              where cast(occurred_at as date) = date '{D}'"""
    ((incremental,),), ((full,),) = query(builds["incremental"], sql), query(builds["full"], sql)
    assert incremental > 0 and incremental == full
    daily = f"""select count(*) from intermediate.int_engagement_daily
                where activity_date = date '{D}'"""
    ((days,),) = query(builds["incremental"], daily)
    assert days > 0


def test_next_day_incremental_build_equals_a_full_build(builds: dict[str, Path]) -> None:
    diff = differences(builds["incremental"], builds["full"])
    assert "marts.scored_contacts" in diff and "intermediate.int_quarantined_rows" in diff
    assert "intermediate.int_engagement_daily" in diff
    assert diff["intermediate.int_engagement_events_unioned"][2] > 100_000
    unequal = {name: d for name, d in diff.items() if d[0] or d[1]}
    assert not unequal, f"incremental != full build (rows only in one, other, total): {unequal}"
