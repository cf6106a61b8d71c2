"""Safe publishing: whatever the input, BI and the CRM see a checked build or the previous one.

A small warehouse (300 generated contacts) is built and published once for the module; each
test works on its own copy of that warehouse and of its published copy, injects a fault and
asserts what the readers' copy (`<warehouse>_published.duckdb`) holds before and after:

* an empty contacts load and a half-size one: the circuit breaker refuses with one message
  naming the checks and their figures, the published copy is untouched (byte for byte), and
  `allow_mass_change` publishes it once, recorded in publish_log;
* `kill -9` of `dbt build` after scored_contacts: the published copy is exactly the previous
  one and readable during and after, and the rerun publishes the same marts as an
  uninterrupted build;
* a reader holding the published copy open (and others opening it) while a build runs and
  publishes: both succeed, every read sees one consistent build;
* `dbt run` (no tests) and a partial `dbt build` publish nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import DEMO_END_DATE, cli, query

from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR, DbtResult, run_dbt
from leadscore.publishing import published_copy_path

CONTACTS = 300
NEXT_DAY = "2026-11-02"
BREAKER = "model.lead_scoring.publish_checks"
# Columns stamped with the build or the wall clock: they differ between two builds of the
# same data, everything else must not.
RUN_STAMPS = {"build_id", "computed_at", "computed_build_id", "valid_from", "valid_to",
              "version_build_id", "version_id", "compared_with_build_id"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(warehouse: Path, as_of: str = DEMO_END_DATE, **extra_vars: object) -> DbtResult:
    return run_dbt("build", warehouse, dbt_vars={"as_of": as_of, **extra_vars},
                   target_path=warehouse.parent / "target")


def _execute(warehouse: Path, sql: str) -> None:
    con = connect(warehouse)
    try:
        con.execute(sql)
    finally:
        con.close()


def _marts(published: Path) -> dict[str, list[tuple]]:
    """Every published table but publish_log, without the run stamps, rows sorted."""
    con = connect(published, read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " and table_name != 'publish_log' order by 1").fetchall()]
        out = {}
        for table in tables:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts'"
                " and table_name = ? order by ordinal_position", [table]).fetchall()
                if c not in RUN_STAMPS]
            rows = con.execute(f"select {', '.join(columns)} from marts.{table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _live(published: Path) -> tuple:
    """(build_id, as_of, is_mass_change_allowed, overridden_checks) of the live publish."""
    rows = query(published, "select distinct build_id, as_of, is_mass_change_allowed, overridden_checks"
                            " from marts.publish_log where is_live")
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built and published warehouse (the state every test starts from)."""
    root = tmp_path_factory.mktemp("publish_base")
    warehouse = root / "w.duckdb"
    cli("generate", "--contacts", str(CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(root / "raw"))
    cli("load", "--data-dir", str(root / "raw"), "--duckdb", str(warehouse))
    result = _build(warehouse)
    assert result.success, result.failures()
    assert published_copy_path(warehouse).exists()
    return warehouse


@pytest.fixture
def warehouse(base: Path, tmp_path: Path) -> Path:
    """This test's own copy of the base warehouse and its published copy."""
    copy = tmp_path / "w.duckdb"
    shutil.copy(base, copy)
    shutil.copy(published_copy_path(base), published_copy_path(copy))
    return copy


def test_the_build_writes_a_separate_published_copy(warehouse: Path) -> None:
    published = published_copy_path(warehouse)
    assert published.name == "w_published.duckdb"
    marts = _marts(published)
    assert {"scored_contacts", "contact_lifecycle", "crm_score_sync", "mql_alerts",
            "publish_checks", "contact_lifecycle_snapshot"} <= set(marts)
    build_id, as_of, allowed, overridden = _live(published)
    assert str(as_of).startswith(DEMO_END_DATE) and not allowed and overridden is None
    # every published relation names the build it came from: the live one (a table without
    # rows, e.g. the shadow comparison without a shadow model, has no build to name)
    for table in marts:
        (rows, ids, build) = query(published, f"select count(*), count(distinct build_id), max(build_id)"
                                              f" from marts.{table}")[0]
        assert rows == 0 or (ids, build) == (1, build_id), table
    # the published counts are those of the tables
    for relation, count in query(published, "select relation_name, row_count from marts.publish_log"
                                            " where is_live and relation_kind = 'mart'"):
        assert query(published, f"select count(*) from {relation}")[0][0] == count, relation


@pytest.mark.parametrize("share", [1.0, 0.5], ids=["empty_contacts", "half_the_contacts"])
def test_a_shrunken_contacts_load_is_refused_then_published_once_on_purpose(
        warehouse: Path, share: float) -> None:
    published = published_copy_path(warehouse)
    before_bytes, before_marts, before_live = _sha256(published), _marts(published), _live(published)
    (raw_before,) = query(warehouse, "select count(*) from raw_crm.contacts")[0]
    if share == 1.0:
        _execute(warehouse, "delete from raw_crm.contacts")
    else:
        _execute(warehouse, "delete from raw_crm.contacts where hash(contact_id) % 2 = 0")
    (raw_after,) = query(warehouse, "select count(*) from raw_crm.contacts")[0]
    assert raw_after < 0.8 * raw_before

    refused = _build(warehouse)
    assert not refused.success
    message = refused.messages[BREAKER]
    assert "CIRCUIT BREAKER: nothing was published" in message
    assert f"raw_crm.contacts has {raw_after:,} rows, {raw_before:,} at the last publish" in message
    assert "crm_feed_deleted_share: the CRM feed would mark" in message
    assert ("contacts_present" in message) == (share == 1.0)
    assert "allow_mass_change" in message
    # nothing reached the readers: the published copy is the same file, byte for byte
    assert _sha256(published) == before_bytes
    assert _marts(published) == before_marts and _live(published) == before_live

    allowed = _build(warehouse, allow_mass_change=True)
    assert allowed.success, allowed.failures()
    build_id, _, is_allowed, overridden = _live(published)
    assert build_id != before_live[0] and is_allowed
    assert "raw_table_shrink on raw_crm.contacts" in overridden
    assert "crm_feed_deleted_share on marts.crm_score_sync" in overridden
    statuses = dict(query(published, "select check_name || ':' || relation_name, status from marts.publish_checks"))
    assert statuses["raw_table_shrink:raw_crm.contacts"] == "overridden"
    # every row published before is still there (deleted ones flagged), and the deletions
    # the breaker reported are now published
    deleted, rows = query(published, "select count(*) filter (where is_deleted), count(*) from marts.crm_score_sync")[0]
    assert rows >= len(before_marts["crm_score_sync"])
    assert f"would mark {deleted:,} of {len(before_marts['crm_score_sync']):,} synced rows deleted" in message


def _dbt_command(warehouse: Path, as_of: str) -> tuple[list[str], dict[str, str]]:
    dbt = str(Path(sys.executable).parent / "dbt")
    args = [dbt, "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles"),
            "--target-path", str(warehouse.parent / "target_sub"), "--log-path", str(warehouse.parent / "logs"),
            "--vars", json.dumps({"as_of": as_of})]
    env = {**os.environ, "LEADSCORE_DUCKDB_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return args, env


def test_kill_mid_build_leaves_the_published_copy_and_the_rerun_equals_an_uninterrupted_build(
        warehouse: Path, base: Path, tmp_path: Path) -> None:
    published = published_copy_path(warehouse)
    before_bytes, before_marts = _sha256(published), _marts(published)
    args, env = _dbt_command(warehouse, NEXT_DAY)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if "OK created sql table model marts.scored_contacts" in line:
                # mid-build: the readers' copy is readable and still the previous build
                assert _marts(published) == before_marts
                os.killpg(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, "".join(seen[-20:])
    assert _sha256(published) == before_bytes
    assert _marts(published) == before_marts

    rerun = _build(warehouse, NEXT_DAY)
    assert rerun.success, rerun.failures()
    # the same data built without interruption, from the same starting point
    uninterrupted = tmp_path / "uninterrupted" / "w.duckdb"
    uninterrupted.parent.mkdir()
    shutil.copy(base, uninterrupted)
    shutil.copy(published_copy_path(base), published_copy_path(uninterrupted))
    assert _build(uninterrupted, NEXT_DAY).success
    after, expected = _marts(published), _marts(published_copy_path(uninterrupted))
    assert after == expected
    assert str(_live(published)[1]).startswith(NEXT_DAY)
    # the day of decay changed the marts (the comparison is not between two copies of before)
    assert after["scored_contacts"] != before_marts["scored_contacts"]


READER = textwrap.dedent("""
    import os, sys, time
    import duckdb

    path, stop = sys.argv[1], sys.argv[2]
    held = duckdb.connect(path, read_only=True)
    first = held.execute("select max(build_id) from marts.scored_contacts").fetchone()[0]
    print("ready", flush=True)
    reads, builds = 0, set()
    while not os.path.exists(stop):
        # the connection held since before the build keeps seeing that build
        assert held.execute("select max(build_id) from marts.crm_score_sync").fetchone()[0] == first
        # a new reader opens the file at any moment and sees one consistent build
        fresh = duckdb.connect(path, read_only=True)
        ids = fresh.execute(
            "select (select max(build_id) from marts.scored_contacts),"
            " (select max(build_id) from marts.crm_score_sync),"
            " (select max(build_id) from marts.publish_log where is_live)").fetchone()
        fresh.close()
        assert len(set(ids)) == 1, ids
        builds.add(ids[0])
        reads += 1
        time.sleep(0.02)
    print("done", reads, first, ",".join(sorted(builds)), flush=True)
""")


def test_a_reader_and_a_build_never_block_each_other(warehouse: Path, tmp_path: Path) -> None:
    published = published_copy_path(warehouse)
    before_build = _live(published)[0]
    leftover = published.with_name(published.name + ".0000-killed-publish.tmp")
    leftover.write_bytes(b"a publish killed before its rename")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
        result = _build(warehouse, NEXT_DAY)
        assert result.success, result.failures()
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    _, reads, first, builds = out.split()
    assert first == before_build and int(reads) > 10
    after_build = _live(published)[0]
    assert after_build != before_build
    assert set(builds.split(",")) <= {before_build, after_build}
    assert not leftover.exists(), "the next publish removes what a killed one left"


def test_only_a_whole_dbt_build_publishes(warehouse: Path) -> None:
    published = published_copy_path(warehouse)
    before = _sha256(published)
    ran = run_dbt("run", warehouse, dbt_vars={"as_of": NEXT_DAY}, target_path=warehouse.parent / "target")
    assert ran.success
    partial = run_dbt("build", warehouse, select=["+scored_contacts"], dbt_vars={"as_of": NEXT_DAY},
                      target_path=warehouse.parent / "target")
    assert partial.success
    assert _sha256(published) == before
    # and the whole build that follows does publish, saying as of when (the var read once,
    # macro as_of_text: an ISO timestamp with T and Z as its date and time)
    logs = warehouse.parent / "logs_whole"
    whole = run_dbt("build", warehouse, dbt_vars={"as_of": f"{NEXT_DAY}T00:00:00Z"},
                    target_path=warehouse.parent / "target", extra_args=["--log-path", str(logs)])
    assert whole.success
    log = (logs / "dbt.log").read_text()
    assert f"(as of {NEXT_DAY} 00:00:00, " in log and "PUBLISHED build" in log, log[-2000:]
    assert _sha256(published) != before
