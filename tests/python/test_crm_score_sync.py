"""The reverse-ETL feed crm_score_sync writes only what changed.

One small warehouse (300 generated contacts) and a throwaway copy of the dbt project are
built once for the module (full `dbt build`s, each published), then changed step by step:

1. first build                      -> every row new
2. the same build again             -> nothing may change
3. one engagement weight changed    -> exactly the rows whose synced fields move
4. one contact deleted from the CRM -> its rows flagged is_deleted, nothing else

After each step the feed is read back from the published copy (what the sync tool reads),
and the rows that should have changed are derived
independently from scored_contacts + contact_lifecycle + the contact's e-mail (the values a
CRM would see), never from the feed's own hash.
"""

from __future__ import annotations

import re

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from conftest import DEMO_END_DATE, cli, copy_project, query

from leadscore.db import connect
from leadscore.dbt_runner import run_dbt
from leadscore.publishing import published_copy_path

CONTACTS = 300
CHANGED_RULE = ("default", "eng_page_case_study")  # (scoring_model, rule_id) whose points change

# What the CRM sees of a contact: the synced fields, keyed by (contact_id, scoring_model).
Key = tuple[str, str]
Synced = tuple[object, ...]

FEED_COLUMNS = (
    "contact_id, scoring_model, sync_key, lead_score, fit_grade, score_matrix, lifecycle_stage,"
    " top_reasons, email, is_deleted, scoring_config_version, computed_at, synced_fields_hash"
)


@dataclass
class FeedRow:
    sync_key: str
    synced: Synced  # lead_score, fit_grade, score_matrix, lifecycle_stage, top_reasons, email
    is_deleted: bool
    scoring_config_version: str
    computed_at: object
    synced_fields_hash: str


def _build_feed(project: Path, warehouse: Path) -> None:
    """A whole `dbt build`: only a build whose every node passes is published, and the
    feed compares with what was last published."""
    result = run_dbt("build", warehouse, dbt_vars={"as_of": DEMO_END_DATE}, project_dir=project)
    assert result.success, result.failures()


def _read_feed(warehouse: Path) -> dict[Key, FeedRow]:
    """The feed as the sync tool sees it: in the published copy."""
    rows = query(published_copy_path(warehouse), f"select {FEED_COLUMNS} from marts.crm_score_sync")
    feed = {
        (r[0], r[1]): FeedRow(
            sync_key=r[2], synced=tuple(r[3:9]), is_deleted=r[9],
            scoring_config_version=r[10], computed_at=r[11], synced_fields_hash=r[12],
        )
        for r in rows
    }
    assert len(feed) == len(rows), "crm_score_sync has duplicate contact/model rows"
    return feed


def _expected_synced(warehouse: Path) -> dict[Key, Synced]:
    """The synced fields as the upstream marts say they are now, rounded in Python."""
    rows = query(
        warehouse,
        """
        select s.contact_id, s.scoring_model, s.lead_score, s.fit_grade, s.score_matrix,
               l.lifecycle_stage, s.top_reasons, c.email
        from marts.scored_contacts as s
        left join marts.contact_lifecycle as l using (contact_id, scoring_model)
        left join intermediate.int_contacts_deduplicated as c using (contact_id)
        """,
    )
    return {
        (contact_id, model): (
            int(Decimal(score).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            grade, matrix, stage, _without_points(reasons), email,
        )
        for contact_id, model, score, grade, matrix, stage, reasons, email in rows
    }


def _without_points(reasons: str | None) -> str | None:
    """The feed syncs the reasons without their points ("Requested a demo (+30)" ->
    "Requested a demo"): the points decay a little every day."""
    return None if reasons is None else re.sub(r" \([+-]?[0-9]+\)", "", reasons)


def _config_versions(warehouse: Path) -> dict[str, str]:
    return dict(query(
        warehouse,
        "select scoring_model, scoring_config_version from intermediate.int_scoring_model_config",
    ))


def _expected_changes(before: dict[Key, Synced], after: dict[Key, Synced]) -> set[Key]:
    """Rows a sync must write: new, changed, or gone (to be flagged deleted)."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def _written(before: dict[Key, FeedRow], after: dict[Key, FeedRow]) -> set[Key]:
    """Rows the build wrote: new ones and those with a new computed_at."""
    return {k for k, row in after.items() if k not in before or row.computed_at != before[k].computed_at}


def _change_rule_points(project: Path) -> None:
    path = project / "seeds" / "scoring_rules.csv"
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    (rule,) = [r for r in rows if (r["scoring_model"], r["rule_id"]) == CHANGED_RULE]
    assert rule["category"] == "engagement"
    rule["points"] = str(float(rule["points"]) + 1)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class SyncHistory:
    first: dict[Key, FeedRow]
    rebuilt: dict[Key, FeedRow]
    reweighted: dict[Key, FeedRow]
    deleted: dict[Key, FeedRow]
    expected_first: dict[Key, Synced]
    expected_reweighted: dict[Key, Synced]
    expected_deleted: dict[Key, Synced]
    versions_before: dict[str, str]
    versions_after: dict[str, str]
    deleted_contact: str


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> SyncHistory:
    root = tmp_path_factory.mktemp("crm_sync")
    data_dir, warehouse, project = root / "raw", root / "w.duckdb", root / "project"
    cli("generate", "--contacts", str(CONTACTS), "--end-date", DEMO_END_DATE, "--out", str(data_dir))
    cli("load", "--data-dir", str(data_dir), "--duckdb", str(warehouse))
    # A copy of the project, so that a seed can be edited without touching the real one.
    copy_project(project)

    _build_feed(project, warehouse)
    first, expected_first = _read_feed(warehouse), _expected_synced(warehouse)
    versions_before = _config_versions(warehouse)

    _build_feed(project, warehouse)
    rebuilt = _read_feed(warehouse)

    _change_rule_points(project)
    _build_feed(project, warehouse)
    reweighted, expected_reweighted = _read_feed(warehouse), _expected_synced(warehouse)
    versions_after = _config_versions(warehouse)

    # A contact deleted in the CRM: one no duplicate was merged into, so that no duplicate
    # takes its place.
    (deleted_contact,) = query(
        warehouse,
        "select min(contact_id) from intermediate.int_contacts_deduplicated where merged_record_count = 0",
    )[0]
    con = connect(warehouse)
    try:
        con.execute("delete from raw_crm.contacts where contact_id = ?", [deleted_contact])
    finally:
        con.close()
    _build_feed(project, warehouse)
    deleted, expected_deleted = _read_feed(warehouse), _expected_synced(warehouse)

    return SyncHistory(
        first, rebuilt, reweighted, deleted, expected_first, expected_reweighted,
        expected_deleted, versions_before, versions_after, deleted_contact,
    )


def _assert_feed_matches(feed: dict[Key, FeedRow], expected: dict[Key, Synced]) -> None:
    live = {k: row.synced for k, row in feed.items() if not row.is_deleted}
    assert live == expected


def test_first_build_writes_every_scored_contact_once(history: SyncHistory) -> None:
    _assert_feed_matches(history.first, history.expected_first)
    assert len(history.first) == len(history.expected_first) > CONTACTS  # several models
    assert not any(row.is_deleted for row in history.first.values())
    assert len({row.computed_at for row in history.first.values()}) == 1
    assert len({row.sync_key for row in history.first.values()}) == len(history.first)
    assert all(0 <= row.synced[0] <= 100 and isinstance(row.synced[0], int) for row in history.first.values())


def test_rebuild_on_unchanged_input_changes_nothing(history: SyncHistory) -> None:
    # Same rows, same computed_at, same hashes, same versions: the whole table is equal.
    assert history.rebuilt == history.first


def test_weight_change_rewrites_exactly_the_rows_whose_synced_fields_change(history: SyncHistory) -> None:
    expected = _expected_changes(history.expected_first, history.expected_reweighted)
    written = _written(history.rebuilt, history.reweighted)
    assert expected, "the weight change should move some contacts' synced fields"
    assert len(expected) < len(history.reweighted), "…but not every contact's"
    assert written == expected
    assert set(history.reweighted) == set(history.rebuilt)  # no row added or lost
    _assert_feed_matches(history.reweighted, history.expected_reweighted)


def test_weight_change_leaves_unchanged_rows_alone_and_versions_changed_ones(history: SyncHistory) -> None:
    written = _written(history.rebuilt, history.reweighted)
    # Every model's configuration version moved (the rule is a `default` rule) ...
    assert all(history.versions_after[m] != v for m, v in history.versions_before.items())
    for key, row in history.reweighted.items():
        before = history.rebuilt[key]
        if key in written:
            # ... changed rows carry the new version, a newer computed_at and a new hash ...
            assert row.scoring_config_version == history.versions_after[key[1]]
            assert row.computed_at > before.computed_at
            assert row.synced_fields_hash != before.synced_fields_hash
        else:
            # ... unchanged rows are untouched, old version included.
            assert row == before
            assert row.scoring_config_version == history.versions_before[key[1]]


def test_deleted_contact_is_flagged_not_lost(history: SyncHistory) -> None:
    gone = {k for k in history.reweighted if k[0] == history.deleted_contact}
    assert gone and all(k not in history.expected_deleted for k in gone)
    # The contact's rows stay, flagged, with their last synced values and a new computed_at.
    assert set(history.deleted) == set(history.reweighted)
    for key in gone:
        row, before = history.deleted[key], history.reweighted[key]
        assert row.is_deleted and not before.is_deleted
        assert row.synced == before.synced
        assert row.scoring_config_version == before.scoring_config_version
        assert row.computed_at > before.computed_at
    # Nothing else is written but what the upstream marts say changed.
    expected = _expected_changes(history.expected_reweighted, history.expected_deleted)
    assert _written(history.reweighted, history.deleted) == expected
    _assert_feed_matches(history.deleted, history.expected_deleted)
