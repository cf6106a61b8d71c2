"""A bot that stays just under the per-minute flood limit, for hours, with the shipped
settings: 30 page views every minute (the limit is more than 30) is 1,800 an hour, far over
bot_page_views_per_hour (300). None of its views may score; a busy person may."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import query, write_raw_tables

from leadscore.dbt_runner import run_dbt

AS_OF = "2026-06-01"
START = datetime(2026, 5, 20, 8, 0)
CREATED = datetime(2025, 1, 10, 9, 0)


def _contact(contact_id: str) -> dict:
    return {"contact_id": contact_id, "email": f"{contact_id.lower()}@initech.io", "first_name": "Robin",
            "last_name": contact_id, "job_title": "Data Analyst", "created_at": CREATED, "updated_at": CREATED}


def _views(contact_id: str, minutes: int, per_minute: int) -> list[dict]:
    return [{"event_id": f"{contact_id}-{m}-{k}", "contact_id": contact_id, "session_id": f"{contact_id}-{m // 30}",
             "page_path": "/pricing", "occurred_at": START + timedelta(minutes=m, seconds=2 * k)}
            for m in range(minutes) for k in range(per_minute)]


@pytest.fixture(scope="module")
def bot_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sustained_bot")
    warehouse = root / "bot.duckdb"
    write_raw_tables(warehouse, {
        "raw_crm.contacts": [_contact("C-BOT"), _contact("C-BUSY")],
        "raw_marketing.web_events": _views("C-BOT", minutes=6 * 60, per_minute=30)  # 10,800 views
        + _views("C-BUSY", minutes=60, per_minute=1),  # a page a minute for an hour: a person
    })
    result = run_dbt("build", warehouse, select=["+int_engagement_events_resolved"], dbt_vars={"as_of": AS_OF},
                     exclude=["resource_type:test", "resource_type:unit_test"], target_path=root / "target")
    assert result.success, result.failures()
    return warehouse


def test_a_bot_under_the_minute_limit_for_hours_is_caught(bot_warehouse: Path) -> None:
    rows = dict(query(bot_warehouse, "select coalesce(bot_reason, 'human'), count(*)"
                                     " from intermediate.int_engagement_events_resolved"
                                     " where contact_id = 'C-BOT' group by 1"))
    assert rows == {"page_view_sustained_rate": 6 * 60 * 30}


def test_a_busy_person_is_not(bot_warehouse: Path) -> None:
    (flagged,) = query(bot_warehouse, "select count(*) from intermediate.int_engagement_events_resolved"
                                      " where contact_id = 'C-BUSY' and is_bot_activity")[0]
    assert flagged == 0
