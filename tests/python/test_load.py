"""The raw loader (`leadscore load`): all or nothing, timestamps in UTC, text fallback.

Two small demo data sets (300 contacts, seeds 42 and 7) are generated once per module. A
failed load is tried on a warehouse holding the first set with files of the second set, so
that a table replaced without a rollback would show (the sets differ in every table).
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from leadscore import load as loader
from leadscore.contract import RAW_TABLES
from leadscore.db import connect
from leadscore.load import LoadError, load

REPO = Path(__file__).resolve().parents[2]
END_DATE = "2026-11-01"
CONTACTS = 300
WEB_EVENTS = ("raw_marketing", "web_events")

Snapshot = dict[str, tuple[list[tuple], list[tuple]]]


def cli(*args: str, tz: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"TZ": tz} if tz else {})}
    return subprocess.run([sys.executable, "-m", "leadscore.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def generate(out: Path, seed: int) -> Path:
    result = cli("generate", "--contacts", str(CONTACTS), "--end-date", END_DATE,
                 "--seed", str(seed), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("demo42") / "raw", seed=42)


@pytest.fixture(scope="module")
def other_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("demo7") / "raw", seed=7)


def parquet(data_dir: Path, schema: str, name: str) -> Path:
    return data_dir / schema / f"{name}.parquet"


def copy_raw(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def rewrite(path: Path, select: str) -> None:
    """Replace the Parquet file `path` with `select` (`{src}` is the old file)."""
    tmp = path.with_suffix(".new.parquet")
    with connect() as con:
        sql = select.format(src=f"read_parquet('{path}')")
        con.execute(f"copy ({sql}) to '{tmp}' (format parquet)")
    os.replace(tmp, path)


def damage_page(path: Path) -> None:
    """Flip the header bytes of the first data page of the last row group: the footer stays
    readable (the file passes the checks before the load), reading its data fails."""
    with connect() as con:
        row = con.execute(
            "select data_page_offset from parquet_metadata(?) order by row_group_id desc,"
            " column_id limit 1", [str(path)]).fetchone()
    assert row is not None
    data = bytearray(path.read_bytes())
    for i in range(int(row[0]), int(row[0]) + 16):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))


def break_file(path: Path, how: str) -> None:
    if how == "damaged_page":
        damage_page(path)
    elif how == "garbage":
        path.write_bytes(random.Random(0).randbytes(4096))
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "missing_column":
        rewrite(path, "select * exclude (page_path) from {src}")
    else:
        raise ValueError(how)


def snapshot(warehouse: Path) -> Snapshot:
    """Every table of the warehouse: its columns with types and all its rows, sorted."""
    con = connect(warehouse, read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " order by all").fetchall()
        out: Snapshot = {}
        for schema, name in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall()
            rows = con.execute(f'select * from "{schema}"."{name}" order by all').fetchall()
            out[f"{schema}.{name}"] = (columns, rows)
        return out
    finally:
        con.close()


def column_types(warehouse: Path) -> dict[tuple[str, str], str]:
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("select table_schema || '.' || table_name, column_name, data_type"
                           " from information_schema.columns").fetchall()
    finally:
        con.close()
    return {(t, c): typ for t, c, typ in rows}


def contract_types() -> dict[tuple[str, str], str]:
    """The contract's types as DuckDB names them in information_schema."""
    names = {"varchar": "VARCHAR", "bigint": "BIGINT", "decimal(18, 2)": "DECIMAL(18,2)",
             "boolean": "BOOLEAN", "timestamp": "TIMESTAMP"}
    return {(t.qualified_name, c): names[typ] for t in RAW_TABLES for c, typ in t.columns}


@pytest.fixture
def loaded(demo_raw: Path, tmp_path: Path) -> tuple[Path, Snapshot]:
    """A warehouse with the seed-42 demo loaded, and its snapshot."""
    warehouse = tmp_path / "wh.duckdb"
    load(demo_raw, warehouse)
    before = snapshot(warehouse)
    assert set(before) == {t.qualified_name for t in RAW_TABLES}
    assert all(rows for _, rows in before.values())
    return warehouse, before


# --- all or nothing ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["damaged_page", "garbage", "truncated", "missing_column"])
def test_failed_load_of_a_later_table_leaves_every_raw_table_as_before(
    how: str, loaded: tuple[Path, Snapshot], other_raw: Path, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    warehouse, before = loaded
    data = copy_raw(other_raw, tmp_path / "other")
    broken = parquet(data, *WEB_EVENTS)
    break_file(broken, how)
    # the other seed's files differ in every table: a table replaced and not rolled back shows
    with caplog.at_level(logging.DEBUG, logger="leadscore.load"):
        with pytest.raises(LoadError) as failure:
            load(data, warehouse)
    message = str(failure.value)
    assert "\n" not in message and str(broken) in message
    if how == "missing_column":
        assert "missing column(s) page_path for raw_marketing.web_events" in message
    else:
        assert message.startswith(f"cannot read {broken}: ")
    if how == "damaged_page":  # failed inside the transaction, after the CRM tables
        created = [r.getMessage() for r in caplog.records if r.getMessage().startswith("creating")]
        assert created[:6] == [f"creating {t.qualified_name} from {parquet(data, t.schema, t.name)}"
                               for t in RAW_TABLES[:6]]
    assert snapshot(warehouse) == before


def test_other_seed_differs_in_every_table(loaded: tuple[Path, Snapshot], other_raw: Path,
                                           tmp_path: Path) -> None:
    """What makes the test above able to fail: loading the other files changes every table."""
    _, before = loaded
    other = tmp_path / "other.duckdb"
    load(other_raw, other)
    after = snapshot(other)
    assert all(after[name][1] != before[name][1] for name in before)


def test_any_failure_mid_way_rolls_back(loaded: tuple[Path, Snapshot], other_raw: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only DuckDB errors: whatever stops the load after some tables rolls it back."""
    warehouse, before = loaded
    create = loader._create_table

    def create_then_fail(con, plans, index):  # type: ignore[no-untyped-def]
        if plans[index].table.name == "web_events":
            raise RuntimeError("power cut")
        return create(con, plans, index)

    monkeypatch.setattr(loader, "_create_table", create_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        load(other_raw, warehouse)
    assert snapshot(warehouse) == before


def test_failed_first_load_creates_nothing(other_raw: Path, tmp_path: Path) -> None:
    data = copy_raw(other_raw, tmp_path / "other")
    damage_page(parquet(data, *WEB_EVENTS))
    warehouse = tmp_path / "new.duckdb"
    with pytest.raises(LoadError, match="cannot read"):
        load(data, warehouse)
    con = connect(warehouse, read_only=True)
    try:
        schemas = {s for (s,) in con.execute(
            "select schema_name from information_schema.schemata").fetchall()}
    finally:
        con.close()
    assert snapshot(warehouse) == {} and not schemas & {"raw_crm", "raw_marketing"}


@pytest.mark.parametrize("how", ["damaged_page", "garbage", "truncated"])
def test_cli_corrupt_parquet_one_line_exit_2(how: str, loaded: tuple[Path, Snapshot],
                                             other_raw: Path, tmp_path: Path) -> None:
    warehouse, before = loaded
    data = copy_raw(other_raw, tmp_path / "other")
    broken = parquet(data, *WEB_EVENTS)
    break_file(broken, how)
    result = cli("load", "--data-dir", str(data), "--duckdb", str(warehouse))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f" ERROR leadscore: load failed: cannot read {broken}: " in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(warehouse) == before


# --- a value that does not cast lands as text ------------------------------------------------


def test_text_employee_count_lands_as_text(demo_raw: Path, tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    data = copy_raw(demo_raw, tmp_path / "raw")
    accounts = parquet(data, "raw_crm", "accounts")
    with connect() as con:
        row = con.execute(f"select min(account_id) from read_parquet('{accounts}')").fetchone()
    assert row is not None
    odd = row[0]
    rewrite(accounts, "select * replace (case when account_id = '" + odd + "' then '1,200'"
            " else cast(employee_count as varchar) end as employee_count) from {src}")
    with connect() as con:
        expected = sorted(con.execute(
            f"select account_id, employee_count from read_parquet('{accounts}')").fetchall(),
            key=str)
    warehouse = tmp_path / "wh.duckdb"
    with caplog.at_level(logging.INFO, logger="leadscore.load"):
        rows = load(data, warehouse)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["raw_crm.accounts.employee_count: 1 value does not cast to bigint"
                        " (e.g. '1,200'); landed as text, staging quarantines it"]
    con = connect(warehouse, read_only=True)
    try:
        landed = sorted(con.execute(
            "select account_id, employee_count from raw_crm.accounts").fetchall(), key=str)
    finally:
        con.close()
    assert landed == expected  # every value as it came, '1,200' included
    assert (odd, "1,200") in landed and len(landed) == rows["raw_crm.accounts"]
    expected_types = contract_types() | {("raw_crm.accounts", "employee_count"): "VARCHAR"}
    assert column_types(warehouse) == expected_types


def test_bad_values_in_two_tables_one_retry(demo_raw: Path, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Every column holding a value that does not cast is found after the first failure
    (also in tables after it), so the load runs at most twice; a type that does not cast at
    all (integer for a timestamp) lands as text too."""
    data = copy_raw(demo_raw, tmp_path / "raw")
    rewrite(parquet(data, "raw_crm", "accounts"),
            "select * replace (case when row_number() over () = 1 then '1,200'"
            " else cast(employee_count as varchar) end as employee_count) from {src}")
    rewrite(parquet(data, "raw_marketing", "event_attendance"),
            "select * replace (case when row_number() over () <= 2 then 'last tuesday'"
            " else cast(occurred_at as varchar) end as occurred_at) from {src}")
    rewrite(parquet(data, "raw_crm", "sales_activities"),
            "select * replace (cast(epoch(occurred_at) as bigint) as occurred_at) from {src}")
    warehouse = tmp_path / "wh.duckdb"
    with caplog.at_level(logging.INFO, logger="leadscore.load"):
        rows = load(data, warehouse)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("loading again" in m for m in messages) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w.split(":")[0] for w in warnings] == [
        "raw_crm.accounts.employee_count", "raw_crm.sales_activities.occurred_at",
        "raw_marketing.event_attendance.occurred_at"]
    n_activities = rows["raw_crm.sales_activities"]
    assert f"{n_activities} values do not cast to timestamp" in warnings[1]
    assert "2 values do not cast to timestamp (e.g. 'last tuesday')" in warnings[2]
    text = {("raw_crm.accounts", "employee_count"), ("raw_crm.sales_activities", "occurred_at"),
            ("raw_marketing.event_attendance", "occurred_at")}
    assert column_types(warehouse) == contract_types() | {k: "VARCHAR" for k in text}


# --- timestamps land as UTC whatever the machine's TZ ----------------------------------------

OFFSETS = {  # account -> (created_at as it comes, the UTC instant it must land as)
    0: ("2026-03-01 07:13:00+02:00", datetime(2026, 3, 1, 5, 13)),
    1: ("2026-03-01 07:13:00-08:00", datetime(2026, 3, 1, 15, 13)),
    2: ("2026-03-01T07:13:00Z", datetime(2026, 3, 1, 7, 13)),
    3: ("2026-03-01 07:13:00", datetime(2026, 3, 1, 7, 13)),  # no offset: UTC
}


def tz_data(demo_raw: Path, out: Path) -> tuple[Path, dict[str, datetime], dict[str, datetime]]:
    """The demo with `accounts.created_at` as ISO text (with offsets for four accounts,
    without for the rest) and `web_events.occurred_at` as timestamptz (one event at
    07:13+02:00); `updated_at` and the other tables stay naive timestamps. Returns the data
    dir and the UTC instants each account and event must land with."""
    data = copy_raw(demo_raw, out)
    accounts, web = parquet(data, "raw_crm", "accounts"), parquet(data, *WEB_EVENTS)
    with connect() as con:
        ids = [a for (a,) in con.execute(
            f"select account_id from read_parquet('{accounts}') order by account_id limit 4"
        ).fetchall()]
        created = dict(con.execute(
            f"select account_id, created_at from read_parquet('{accounts}')").fetchall())
        first_event = con.execute(
            f"select min(event_id) from read_parquet('{web}')").fetchone()[0]
        occurred = dict(con.execute(
            f"select event_id, occurred_at from read_parquet('{web}')").fetchall())
    whens = " ".join(f"when '{ids[i]}' then '{text}'" for i, (text, _) in OFFSETS.items())
    rewrite(accounts, f"select * replace (case account_id {whens} else cast(created_at as"
            " varchar) end as created_at) from {src}")
    rewrite(web, "select * replace (case when event_id = '" + first_event + "' then"
            " timestamptz '2026-03-01 07:13:00+02:00' else cast(occurred_at as timestamptz)"
            " end as occurred_at) from {src}")
    created |= {ids[i]: utc for i, (_, utc) in OFFSETS.items()}
    occurred[first_event] = datetime(2026, 3, 1, 5, 13)
    return data, created, occurred


def test_timestamps_land_as_utc_whatever_tz(demo_raw: Path, tmp_path: Path) -> None:
    data, created, occurred = tz_data(demo_raw, tmp_path / "raw")
    with connect() as con:  # the files hold what the test says
        types = dict(con.execute(
            f"select column_name, column_type from (describe select * from"
            f" read_parquet('{parquet(data, *WEB_EVENTS)}'))").fetchall())
        assert types["occurred_at"] == "TIMESTAMP WITH TIME ZONE"
        types = dict(con.execute(
            f"select column_name, column_type from (describe select * from"
            f" read_parquet('{parquet(data, 'raw_crm', 'accounts')}'))").fetchall())
        assert (types["created_at"], types["updated_at"]) == ("VARCHAR", "TIMESTAMP")
    snapshots = []
    for tz in ("Asia/Tokyo", "America/Los_Angeles"):
        warehouse = tmp_path / f"{tz.replace('/', '_')}.duckdb"
        result = cli("load", "--data-dir", str(data), "--duckdb", str(warehouse), tz=tz)
        assert result.returncode == 0, result.stderr
        assert " WARNING " not in result.stderr
        con = connect(warehouse, read_only=True)
        try:
            assert dict(con.execute(
                "select account_id, created_at from raw_crm.accounts").fetchall()) == created
            assert dict(con.execute(
                "select event_id, occurred_at from raw_marketing.web_events").fetchall()
            ) == occurred
        finally:
            con.close()
        assert column_types(warehouse) == contract_types()
        snapshots.append(snapshot(warehouse))
    assert snapshots[0] == snapshots[1]
    # and the naive timestamps are the demo's, untouched
    reference = tmp_path / "reference.duckdb"
    load(demo_raw, reference)
    untouched = {t.qualified_name for t in RAW_TABLES} - {"raw_crm.accounts",
                                                          "raw_marketing.web_events"}
    expected = snapshot(reference)
    assert {n: snapshots[0][n] for n in untouched} == {n: expected[n] for n in untouched}

