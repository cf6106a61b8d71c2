"""The raw landing contract: the tables an EL tool lands and the dbt sources read.

One place names every raw table, its schema and its required columns with their types, so
that the demo generator, the loader and the tests agree with `models/staging/*/_*__sources.yml`.
Types are portable SQL type names (DuckDB and PostgreSQL both accept them).
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "varchar"
TIMESTAMP = "timestamp"  # UTC, without time zone
INTEGER = "bigint"
NUMERIC = "decimal(18, 2)"
BOOLEAN = "boolean"


@dataclass(frozen=True)
class RawTable:
    schema: str  # logical schema: "raw_crm" or "raw_marketing" (overridable by dbt vars)
    name: str
    key: str  # the column that identifies a row ("" where the table has no id of its own)
    columns: tuple[tuple[str, str], ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


RAW_TABLES: tuple[RawTable, ...] = (
    RawTable("raw_crm", "accounts", "account_id", (
        ("account_id", TEXT), ("name", TEXT), ("domain", TEXT), ("industry", TEXT),
        ("employee_count", INTEGER), ("annual_revenue", NUMERIC), ("country", TEXT),
        ("is_target_account", BOOLEAN), ("created_at", TIMESTAMP), ("updated_at", TIMESTAMP),
    )),
    RawTable("raw_crm", "contacts", "contact_id", (
        ("contact_id", TEXT), ("account_id", TEXT), ("email", TEXT), ("first_name", TEXT),
        ("last_name", TEXT), ("job_title", TEXT), ("country", TEXT), ("lead_source", TEXT),
        ("email_opt_out", BOOLEAN), ("created_at", TIMESTAMP), ("updated_at", TIMESTAMP),
    )),
    RawTable("raw_crm", "opportunities", "opportunity_id", (
        ("opportunity_id", TEXT), ("account_id", TEXT), ("contact_id", TEXT),
        ("product_line", TEXT), ("stage", TEXT), ("amount", NUMERIC),
        ("created_at", TIMESTAMP), ("closed_at", TIMESTAMP), ("is_won", BOOLEAN),
    )),
    RawTable("raw_crm", "lead_status_changes", "", (
        ("contact_id", TEXT), ("status", TEXT), ("changed_at", TIMESTAMP),
    )),
    RawTable("raw_crm", "sales_activities", "activity_id", (
        ("activity_id", TEXT), ("contact_id", TEXT), ("activity_type", TEXT),
        ("occurred_at", TIMESTAMP),
    )),
    RawTable("raw_marketing", "web_events", "event_id", (
        ("event_id", TEXT), ("contact_id", TEXT), ("session_id", TEXT), ("page_path", TEXT),
        ("occurred_at", TIMESTAMP),
    )),
    RawTable("raw_marketing", "email_events", "event_id", (
        ("event_id", TEXT), ("contact_id", TEXT), ("campaign_id", TEXT), ("event_type", TEXT),
        ("occurred_at", TIMESTAMP),
    )),
    RawTable("raw_marketing", "form_submissions", "submission_id", (
        ("submission_id", TEXT), ("contact_id", TEXT), ("form_type", TEXT),
        ("asset_name", TEXT), ("product_line", TEXT), ("occurred_at", TIMESTAMP),
    )),
    RawTable("raw_marketing", "event_attendance", "attendance_id", (
        ("attendance_id", TEXT), ("contact_id", TEXT), ("event_type", TEXT), ("status", TEXT),
        ("product_line", TEXT), ("occurred_at", TIMESTAMP),
    )),
)


def table(qualified_name: str) -> RawTable:
    """Return the contract of one raw table, e.g. ``table("raw_crm.contacts")``."""
    for t in RAW_TABLES:
        if t.qualified_name == qualified_name:
            return t
    raise KeyError(f"no raw table {qualified_name!r} in the landing contract")
