"""The generator simulates a daily load (issue 12).

`generate --end-date D+1` (and D+7) must reproduce every row that `--end-date D` writes, ids
and values, and add the rows of the days in between: new events and CRM activity dated after
D, new contacts, and CRM rows that changed because something happened in between (an edit,
an opt-out, a promotion, an opportunity moving a stage or closing). Nothing else may change.

Four small data sets of the same world (2,000 contacts: D, D+1, D+7, D+30; a month for the
few deals of this size to close) are generated once per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from leadscore import generate as gen
from leadscore.contract import RAW_TABLES
from leadscore.db import connect

CONTACTS = 2000
D = date(2026, 11, 1)
LATER = {"d1": D + timedelta(days=1), "d7": D + timedelta(days=7),
         "d30": D + timedelta(days=30)}

# Tables whose rows are never edited, only added (time column, id column or None).
APPEND_ONLY = {
    "raw_marketing.web_events": ("occurred_at", "event_id"),
    "raw_marketing.email_events": ("occurred_at", "event_id"),
    "raw_marketing.form_submissions": ("occurred_at", "submission_id"),
    "raw_marketing.event_attendance": ("occurred_at", "attendance_id"),
    "raw_crm.sales_activities": ("occurred_at", "activity_id"),
    "raw_crm.lead_status_changes": ("changed_at", None),
}
FUTURE = datetime(2029, 1, 1)  # planted future-dated rows lie 5 years after their time
SHIFT = timedelta(hours=1)  # a conflicting duplicate's occurred_at lies up to 1 h later


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


@pytest.fixture(scope="session")
def cuts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, end in {"d0": D, **LATER}.items():
        out[name] = tmp_path_factory.mktemp(f"daily_{name}")
        gen.generate(gen.GenerateConfig(out_dir=out[name], contacts=CONTACTS, end_date=end))
    return out


@pytest.fixture(scope="session")
def con(cuts: dict[str, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    """Views `<cut>_<table>` (d0_contacts, d1_web_events, d7_opportunities, ...)."""
    c = connect()
    for name, path in cuts.items():
        for t in RAW_TABLES:
            c.execute(f"create view {name}_{t.name} as select * from "
                      f"read_parquet('{path / t.schema / (t.name + '.parquet')}')")
    yield c
    c.close()


def scalar(c: duckdb.DuckDBPyConnection, sql: str, *params: object) -> object:
    row = c.execute(sql, list(params)).fetchone()
    assert row is not None
    return row[0]


def _name(qualified: str) -> str:
    return qualified.split(".")[1]


@pytest.mark.parametrize("later", sorted(LATER))
@pytest.mark.parametrize("qualified", sorted(APPEND_ONLY))
def test_daily_load_keeps_every_row_and_adds_only_later_ones(
    con: duckdb.DuckDBPyConnection, qualified: str, later: str
) -> None:
    t, (time_col, id_col) = _name(qualified), APPEND_ONLY[qualified]
    # every row of D, duplicates included, is in the later load unchanged
    assert scalar(con, f"""select count(*) from (
        select * from d0_{t} except all select * from {later}_{t})""") == 0
    added = f"(select * from {later}_{t} except all select * from d0_{t})"
    n_added = scalar(con, f"select count(*) from {added}")
    assert isinstance(n_added, int)
    if later != "d1" or qualified in ("raw_marketing.web_events", "raw_marketing.email_events"):
        assert n_added > 0  # one day of 2,000 contacts may bring no form or status change
    # what is added happened after D (and by the later end date; dirt shifts some rows)
    end = _at(LATER[later])
    assert scalar(con, f"""select count(*) from {added} where not ({time_col} > ?
        and ({time_col} <= ? or {time_col} >= ?))""", _at(D), end + SHIFT, FUTURE) == 0
    if id_col:  # with new ids: an id of D never gets a second row later
        assert scalar(con, f"""select count(*) from {added} a
            where exists (select 1 from d0_{t} o where o.{id_col} = a.{id_col})""") == 0


def test_daily_load_next_day_adds_that_days_events(con: duckdb.DuckDBPyConnection) -> None:
    for t in ("web_events", "email_events"):
        assert scalar(con, f"""select count(*) from d1_{t} where occurred_at > ?
            and occurred_at <= ?""", _at(D), _at(LATER["d1"])) > 100
        assert scalar(con, f"""select count(*) from d0_{t} where occurred_at > ?
            and occurred_at < ?""", _at(D), FUTURE) == scalar(con, f"""
            select count(*) from d0_{t} where occurred_at > ? and occurred_at < ?""",
            _at(D), _at(D) + SHIFT)  # at D nothing lies after D but shifted duplicates


@pytest.mark.parametrize("later", sorted(LATER))
def test_daily_load_contacts_change_only_by_that_days_changes(
    con: duckdb.DuckDBPyConnection, later: str
) -> None:
    d0, end = _at(D), _at(LATER[later])
    changed = f"(select * from d0_contacts except all select * from {later}_contacts)"
    added = f"(select * from {later}_contacts except all select * from d0_contacts)"
    # a changed row of D comes back with the same identity, created_at and e-mail, and a
    # newer updated_at that lies in between (an edit or an opt-out that day)
    assert scalar(con, f"""select count(*) from {changed} c where not exists (
        select 1 from {added} a where a.contact_id = c.contact_id
           and a.created_at = c.created_at and a.email is not distinct from c.email
           and a.updated_at > ? and a.updated_at <= ? and a.updated_at > c.updated_at
           and (a.email_opt_out is not distinct from c.email_opt_out
                or (not c.email_opt_out and a.email_opt_out)))""", d0, end) == 0
    # an added row is such a change, a promotion (a second version updated in between) or a
    # contact created in between
    assert scalar(con, f"""select count(*) from {added} a where not (
        (a.created_at > ? and a.created_at <= ?)
        or (a.updated_at > ? and a.updated_at <= ?
            and a.contact_id in (select contact_id from d0_contacts)))""",
        d0, end, d0, end) == 0
    new_contacts = scalar(con, f"""select count(distinct contact_id) from {later}_contacts
        where contact_id not in (select contact_id from d0_contacts)""")
    assert isinstance(new_contacts, int) and new_contacts > 0
    assert scalar(con, f"""select count(*) from {later}_contacts where created_at > ?""",
                  end) == 0
    if later != "d1":
        assert scalar(con, f"select count(*) from {changed}") > 0


@pytest.mark.parametrize("later", sorted(LATER))
def test_daily_load_accounts_change_only_by_that_days_changes(
    con: duckdb.DuckDBPyConnection, later: str
) -> None:
    d0, end = _at(D), _at(LATER[later])
    changed = f"(select * from d0_accounts except all select * from {later}_accounts)"
    added = f"(select * from {later}_accounts except all select * from d0_accounts)"
    assert scalar(con, f"""select count(*) from {changed} c where not exists (
        select 1 from {added} a where a.account_id = c.account_id
           and a.created_at = c.created_at and a.name = c.name
           and a.updated_at > ? and a.updated_at <= ?)""", d0, end) == 0
    assert scalar(con, f"""select count(*) from {added} a where not (
        (a.created_at > ? and a.created_at <= ?) or (a.updated_at > ? and a.updated_at <= ?))""",
        d0, end, d0, end) == 0


STAGE_RANK = """case lower(stage) when 'discovery' then 1 when 'proposal' then 2
    when 'negotiation' then 3 else 4 end"""


@pytest.mark.parametrize("later", sorted(LATER))
def test_daily_load_opportunities_change_only_by_a_stage_change_or_a_close(
    con: duckdb.DuckDBPyConnection, later: str
) -> None:
    d0, end = _at(D), _at(LATER[later])
    changed = f"(select * from d0_opportunities except all select * from {later}_opportunities)"
    added = f"(select * from {later}_opportunities except all select * from d0_opportunities)"
    # only open opportunities of D change, and only forward: a later stage, or closed in
    # between; amount, owner and creation stay
    assert scalar(con, f"""select count(*) from {changed} c where c.closed_at is not null
        or not exists (select 1 from {added} a where a.opportunity_id = c.opportunity_id
           and a.created_at = c.created_at and a.amount is not distinct from c.amount
           and a.contact_id is not distinct from c.contact_id
           and {STAGE_RANK.replace('stage', 'a.stage')} > {STAGE_RANK.replace('stage', 'c.stage')}
           and (a.closed_at is null or (a.closed_at > ? and a.closed_at <= ?)))""",
        d0, end) == 0
    # a row that is neither such a change nor an opportunity created in between is an error
    assert scalar(con, f"""select count(*) from {added} a where not (
        (a.created_at > ? and a.created_at <= ?)
        or a.opportunity_id in (select opportunity_id from {changed}))""", d0, end) == 0
    if later == "d30":  # a month sees deals move: a stage change and a close
        stages = con.execute(f"""select lower(c.stage), lower(a.stage) from {changed} c
            join {added} a using (opportunity_id)""").fetchall()
        assert any(b.startswith("closed") for _, b in stages)
        assert any(not b.startswith("closed") for _, b in stages)
        open_stages = {r[0] for r in con.execute(f"""select distinct lower(stage) from (
            select stage from d0_opportunities union all select stage from d1_opportunities
            union all select stage from d7_opportunities
            union all select stage from d30_opportunities) where lower(stage) not like 'closed%'
            """).fetchall()}
        assert open_stages == {"discovery", "proposal", "negotiation"}
