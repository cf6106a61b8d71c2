"""The same data gives the same marts on any machine, whatever its time zone.

The demo data is written once with naive UTC timestamps (the contract) and once with every
timestamp column as a time-zone-aware `timestamptz` (what many EL tools land). Each is
loaded (`leadscore load`) and built (`dbt build`, published) in a fresh process under a
machine time zone of Asia/Tokyo (UTC+9) and of America/Los_Angeles (UTC-8 or -7): every
published mart of every run must equal the naive data's build, row for row (run stamps
aside). Before, a timestamptz column loaded under TZ=Asia/Tokyo landed 9 hours late and
scores moved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_END_DATE, cli, query_dicts

from leadscore.contract import RAW_TABLES, TIMESTAMP
from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR
from leadscore.publishing import published_copy_path

CONTACTS = 200
STAMPS = {"build_id", "computed_at", "computed_build_id", "valid_from", "valid_to", "version_build_id",
          "version_id", "compared_with_build_id"}
MARTS = ["scored_contacts", "contact_lifecycle", "lifecycle_stage_history", "mql_alerts", "account_scores",
         "funnel_conversion", "crm_score_sync", "score_backtest", "score_evaluation"]


def _as_timestamptz(source: Path, target: Path) -> None:
    """The same Parquet files with every contract timestamp column as timestamptz."""
    con = connect()
    try:
        for table in RAW_TABLES:
            (target / table.schema).mkdir(parents=True, exist_ok=True)
            aware = [name for name, sql_type in table.columns if sql_type == TIMESTAMP]
            replace = ", ".join(f"cast({c} as timestamptz) as {c}" for c in aware)
            con.execute(
                f"copy (select * replace ({replace}) from read_parquet('{source / table.schema / table.name}.parquet'))"
                f" to '{target / table.schema / table.name}.parquet' (format parquet)")
    finally:
        con.close()


def _load_and_build(data_dir: Path, warehouse: Path, tz: str) -> None:
    env = {**os.environ, "TZ": tz, "LEADSCORE_DUCKDB_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run([sys.executable, "-m", "leadscore.cli", "load", "--data-dir", str(data_dir),
                    "--duckdb", str(warehouse)], check=True, cwd=PROJECT_DIR, env=env, capture_output=True)
    dbt = str(Path(sys.executable).parent / "dbt")
    result = subprocess.run(
        [dbt, "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles"),
         "--target-path", str(warehouse.parent / "target"), "--log-path", str(warehouse.parent / "logs"),
         "--vars", json.dumps({"as_of": DEMO_END_DATE})],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def _marts(warehouse: Path) -> dict[str, list[str]]:
    published = published_copy_path(warehouse)
    return {table: sorted(repr({k: v for k, v in row.items() if k not in STAMPS})
                          for row in query_dicts(published, f"select * from marts.{table}"))
            for table in MARTS}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("time_zones")
    naive, aware = root / "naive", root / "aware"
    cli("generate", "--contacts", str(CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(naive))
    _as_timestamptz(naive, aware)
    out = {}
    for name, data_dir, tz in [("naive_utc", naive, "UTC"), ("aware_tokyo", aware, "Asia/Tokyo"),
                               ("aware_los_angeles", aware, "America/Los_Angeles")]:
        warehouse = root / name / "w.duckdb"
        warehouse.parent.mkdir()
        _load_and_build(data_dir, warehouse, tz)
        out[name] = _marts(warehouse)
    return out


@pytest.mark.parametrize("run", ["aware_tokyo", "aware_los_angeles"])
def test_every_mart_is_the_same_in_any_time_zone(builds: dict[str, dict[str, list[str]]], run: str) -> None:
    expected = builds["naive_utc"]
    assert all(expected[table] for table in ("scored_contacts", "lifecycle_stage_history", "mql_alerts"))
    for table in MARTS:
        assert builds[run][table] == expected[table], table
