"""Great Expectations checkpoint on the scoring marts: the checks dbt tests cannot say well.

THE RULE (issue 12): GX holds distribution checks only; each column rule has one home.
A rule about single rows or columns (unique, not_null, accepted values, 0..100 bounds, a
compound key, a relationship) lives in dbt and only there, so a column change is made in one
place. Their homes (models/marts/_marts__models.yml, tests/marts/*.sql):
  one row per (contact_id, scoring_model) of scored_contacts / contact_lifecycle
                                      -> unique_combination_of_columns on the model
  lead_score, mql_alerts.lead_score_at_mql 0..100    -> values_between on the column
  fit_grade, engagement_tier, mql_alerts.sla_status -> accepted_values on the column
  lifecycle_stage, highest_stage known stages -> relationships to the seed lifecycle_stages
  every model scores every contact    -> tests/marts/assert_every_contact_scored_once_per_model
  every scored contact has one lifecycle row (live models, pair by pair)
                                      -> tests/marts/assert_every_scored_contact_has_one_lifecycle_row
  no MQL alert for a contact disqualified now
                                      -> tests/marts/assert_lifecycle_disqualified_never_mql_or_alerted
  funnel_conversion rates 0..1        -> values_between on each rate column
  account_fit_score, account_engagement_score bounds
                                      -> values_between + tests/marts/assert_account_scores_within_bounds
Do not add such a rule here. What stays here is what dbt cannot say: shares, means, standard
deviations, distinct-value counts, ratios of sums over a model's rows, and row counts. One
set-level rule stays too: `scoring_model includes default` (the seed scoring_models could
lose it; every deployment scores with it).

A scoring model whose weights were broken (all zero, all at the cap, every contact
disqualified) builds green in dbt but gives sales a useless ranking: this checkpoint checks
the *shape* of the scores, the share of contacts in each lifecycle stage, and reports the
MQL-to-SQL rate of each model.

    python -m leadscore.gx_check --duckdb warehouse/lead_scoring.duckdb [--schema marts]
    python -m leadscore.gx_check --postgres [--schema marts_published]   # LEADSCORE_PG_* env

Exit code 0 when every expectation holds, 1 when one fails, 2 on a user error (missing file,
missing table, warehouse locked by a running dbt). The bounds live in `BOUNDS` below; each is
explained in docs/data_quality.md.

Run it after dbt, never during: DuckDB lets one process write a file and GX opens it
read-only, so it fails (exit 2) while dbt holds the file.

More tables: write a suite builder `(TableProfile) -> ExpectationSuite` and append a
`TableCheck` to `TABLE_CHECKS`.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)

# great_expectations is imported inside the functions that use it: importing it takes ~10 s,
# and a user error (a wrong path) should be answered at once.

# The bounds of the checks, one place. Shares are fractions of one scoring model's rows.
BOUNDS: dict[str, float] = {
    # A working model spreads contacts over many scores; a standard deviation of one point or
    # less means nearly every contact got the same score (a rule or weight seed broke).
    "lead_score_min_stdev": 1.0,
    # Mean lead score at or below 1 point: (almost) nobody scores anything, e.g. every weight 0
    # or every event dropped by a broken join or an `as_of` before all events.
    "lead_score_min_mean": 1.0,
    # At most half of a model's contacts may sit at the cap (100): more means the caps or
    # weights are so generous that the score no longer ranks anyone.
    "lead_score_max_share_at_cap": 0.5,
    # At least this many distinct scores per model. A real population gives hundreds; a
    # collapsed one gives a handful.
    "lead_score_min_distinct": 10,
    # Fit and engagement each come from several rules (fit: a few attributes with a few
    # levels each; engagement: decayed event points), so they take well over 5 values.
    "fit_score_min_distinct": 5,
    "engagement_score_min_distinct": 5,
    # Disqualified contacts (students, job seekers, competitors, own employees, excluded
    # industries, spam): the population carries ~10-20%. Under 2% means the disqualification
    # rules stopped matching (a seed emptied, a join lost); over 40% means they match far too
    # much (e.g. a keyword like "a" in the student list) and sales loses real leads.
    "disqualified_share_min": 0.02,
    "disqualified_share_max": 0.40,
    # Sales-ready (lead score at or above the MQL threshold, scoring_settings.mql_threshold,
    # 75; not disqualified). For `default` at least 0.1% (none at all means the threshold is
    # out of reach: sales gets no MQLs by score; 0.71% on the 5,000-contact demo). A
    # product-line model sees only its line's events (0.16-0.32% on the demo, a few contacts
    # in a small warehouse), so only the upper bound applies to it: at most 30% (a threshold
    # so low that routing stops prioritising anyone). Its funnel is still checked through
    # the lifecycle shares below (mql + sal + sql at least 0.1%).
    "sales_ready_share_min": 0.001,
    "sales_ready_share_max": 0.30,
    # The cap of the score scale, for the share at the cap above (the scale itself, 0..100,
    # is a dbt test: values_between on scored_contacts.lead_score).
    "lead_score_max": 100,
    # --- contact_lifecycle: share of one model's contacts in each *current* lifecycle stage
    # (demo, 5,000 contacts: prospect ~70%, disqualified ~18%, mql+sal+sql 7-9%, customer
    # 1-3%, lead ~3%). Prospects (not disqualified, below the lead threshold, no sales
    # status) are the majority of any marketing database; under half means a lead threshold
    # so low (or a stage rule so broad) that the stages no longer separate anyone. Over 95%
    # means almost nobody moves: the lead threshold is out of reach or the CRM statuses and
    # opportunities stopped reaching the lifecycle.
    "lifecycle_prospect_share_min": 0.50,
    "lifecycle_prospect_share_max": 0.95,
    # Disqualified: the scoring engine's disqualifications plus sales rejections (status
    # `rejected`), so a little above scored_contacts (demo: 17.6% against 16.1%); the same
    # bounds and reasons as `disqualified_share_*` above.
    "lifecycle_disqualified_share_min": 0.02,
    "lifecycle_disqualified_share_max": 0.40,
    # In the sales funnel now (mql, sal or sql). None at all: no contact ever becomes an MQL
    # or sales statuses are lost (a join on lead_status_stages broke). Over 30%: the MQL
    # threshold or the hand-raiser rule lets so many through that sales cannot work them
    # (the same ceiling as the sales-ready share).
    "lifecycle_in_funnel_share_min": 0.001,
    "lifecycle_in_funnel_share_max": 0.30,
    # Customers (a won opportunity). Some: none means won opportunities stopped reaching the
    # lifecycle (demo: 1-3%). At most 20%: a lead database where more than one contact in
    # five is a won customer means the customer rule matches open or lost opportunities.
    "lifecycle_customer_share_min": 0.001,
    "lifecycle_customer_share_max": 0.20,
    # --- funnel_conversion: the MQL-to-SQL rate of a model over all its cohorts is a share
    # (0..1); above 1 a later stage counted contacts that were not in a cohort. (Each cohort's
    # rate within 0..1 is a dbt test: values_between on the rate columns.)
    "conversion_rate_min": 0,
    "conversion_rate_max": 1,
}
REQUIRED_SCORING_MODELS: tuple[str, ...] = ("default",)  # every deployment scores with these
# Groups of current stages whose share per model is bounded: name (the `lifecycle_<name>_
# share_min/max` keys of BOUNDS) and the stages it counts. `lead` alone is not bounded (a
# narrow band between two thresholds: small, and harmless if empty).
LIFECYCLE_SHARE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prospect", ("prospect",)),
    ("disqualified", ("disqualified",)),
    ("in_funnel", ("mql", "sal", "sql")),
    ("customer", ("customer",)),
)

EXIT_OK, EXIT_FAILED, EXIT_USER_ERROR = 0, 1, 2


class UserError(Exception):
    """A problem the user fixes (path, schema, a running dbt); reported in one line."""


# --------------------------------------------------------------------------- tables and suites


@dataclass(frozen=True)
class TableProfile:
    """What a suite builder needs to know about a table before building its suite."""

    schema: str
    table: str
    row_count: int
    partitions: tuple[str, ...]  # distinct values of the check's partition column, sorted
    key_count: int  # distinct values of the check's key column


@dataclass(frozen=True)
class TableCheck:
    """One table to validate: its suite builder, and the columns the profile needs.

    `partition_column`: expectations about distributions are repeated for each of its values
    (one scoring model can collapse while the others are fine). `key_column`: what one row
    per partition is about (a contact)."""

    table: str
    build_suite: Callable[[TableProfile], Any]  # -> great_expectations.ExpectationSuite
    partition_column: str = "scoring_model"
    key_column: str = "contact_id"
    # SQL expressions (`<expression> as <name>`) validated as extra columns next to the
    # table's own (`select *, <expressions> from <table>`, a GX query asset instead of a
    # table asset): statistics no column holds, e.g. a rate over all rows of a model.
    derived_columns: tuple[str, ...] = ()


def _meta(label: str, bound: str, show: str = "observed_value") -> dict[str, str]:
    """Report metadata kept on each expectation: a label, the bound in words, and what to
    show as the observed value (`observed_value`, `unexpected_share`: share of rows the
    expectation calls unexpected, `expected_share`, `unexpected_rows`, `missing`)."""
    return {"label": label, "bound": bound, "show": show}


def _share_expectations(column: str, values: Sequence[Any], low: float, high: float,
                        label: str, row_condition: Any) -> list[Any]:
    """The share of rows whose `column` is in `values` kept within low..high: two
    expectations, one per side (GX has no "share of rows equal to x between a and b";
    `mostly` gives each side). The report shows the share itself on both lines."""
    import great_expectations as gx

    ex = gx.expectations
    return [
        ex.ExpectColumnValuesToBeInSet(
            column=column, value_set=list(values), mostly=low, row_condition=row_condition,
            meta=_meta(label, f">= {low:g}", show="expected_share")),
        ex.ExpectColumnValuesToNotBeInSet(
            column=column, value_set=list(values), mostly=1 - high,
            row_condition=row_condition,
            meta=_meta(label, f"<= {high:g}", show="unexpected_share")),
    ]


def build_scored_contacts_suite(profile: TableProfile) -> Any:
    """The suite for `marts.scored_contacts`: table-wide checks, then the distribution checks
    once per scoring model found in the table (`profile.partitions`)."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    ex = gx.expectations
    b = BOUNDS
    suite = gx.ExpectationSuite(name=f"{profile.table}_quality")
    add = suite.add_expectation

    add(ex.ExpectTableRowCountToBeBetween(
        min_value=1, meta=_meta("table has rows", ">= 1")))
    add(ex.ExpectColumnDistinctValuesToContainSet(
        column="scoring_model", value_set=list(REQUIRED_SCORING_MODELS),
        meta=_meta("scoring_model includes " + ", ".join(REQUIRED_SCORING_MODELS),
                   "contains " + ", ".join(REQUIRED_SCORING_MODELS), show="missing")))

    for model in profile.partitions:
        only = Column("scoring_model") == model
        tag = f"[{model}] "
        add(ex.ExpectColumnStdevToBeBetween(
            column="lead_score", min_value=b["lead_score_min_stdev"], strict_min=True,
            row_condition=only,
            meta=_meta(tag + "lead_score stdev", f"> {b['lead_score_min_stdev']:g}")))
        add(ex.ExpectColumnMeanToBeBetween(
            column="lead_score", min_value=b["lead_score_min_mean"], strict_min=True,
            row_condition=only,
            meta=_meta(tag + "lead_score mean", f"> {b['lead_score_min_mean']:g}")))
        add(ex.ExpectColumnValuesToNotBeInSet(
            column="lead_score", value_set=[b["lead_score_max"]],
            mostly=1 - b["lead_score_max_share_at_cap"], row_condition=only,
            meta=_meta(tag + f"share of lead_score at the cap ({b['lead_score_max']:g})",
                       f"<= {b['lead_score_max_share_at_cap']:g}", show="unexpected_share")))
        for column in ("lead_score", "fit_score", "engagement_score"):
            minimum = int(b[f"{column}_min_distinct"])
            add(ex.ExpectColumnUniqueValueCountToBeBetween(
                column=column, min_value=minimum, row_condition=only,
                meta=_meta(tag + f"{column} distinct values", f">= {minimum}")))
        for column, name in (("is_disqualified", "disqualified"),
                             ("is_sales_ready", "sales_ready")):
            low, high = b[f"{name}_share_min"], b[f"{name}_share_max"]
            expectations = _share_expectations(column, [True], low, high, tag + f"share {column}", only)
            if name == "sales_ready" and model not in REQUIRED_SCORING_MODELS:
                expectations = expectations[1:]  # product-line models: upper bound only (see BOUNDS)
            for expectation in expectations:
                add(expectation)
    return suite


def build_contact_lifecycle_suite(profile: TableProfile) -> Any:
    """The suite for `marts.contact_lifecycle`: the share of each model's contacts per current
    stage group (that every scored contact has one row is the dbt test
    assert_every_scored_contact_has_one_lifecycle_row)."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    ex = gx.expectations
    b = BOUNDS
    suite = gx.ExpectationSuite(name=f"{profile.table}_quality")
    add = suite.add_expectation

    add(ex.ExpectTableRowCountToBeBetween(
        min_value=1, meta=_meta("table has rows", ">= 1")))

    for model in profile.partitions:
        only = Column("scoring_model") == model
        for name, group in LIFECYCLE_SHARE_GROUPS:
            low, high = b[f"lifecycle_{name}_share_min"], b[f"lifecycle_{name}_share_max"]
            label = f"[{model}] share in stage " + "+".join(group)
            for expectation in _share_expectations("lifecycle_stage", group, low, high,
                                                   label, only):
                add(expectation)
    return suite


def build_mql_alerts_suite(profile: TableProfile) -> Any:
    """The suite for `marts.mql_alerts`: the table has rows (its scale, SLA statuses and
    "no alert for a disqualified contact" are dbt tests)."""
    import great_expectations as gx

    ex = gx.expectations
    suite = gx.ExpectationSuite(name=f"{profile.table}_quality")
    suite.add_expectation(ex.ExpectTableRowCountToBeBetween(
        min_value=1, meta=_meta("table has rows", ">= 1")))
    return suite


# The MQL-to-SQL rate of a model over all its cohorts (sum of SQLs / sum of MQLs), as a column
# of the funnel_conversion batch: GX has no ratio-of-sums expectation, and the per-cohort
# rates cannot be averaged (cohorts differ in size).
MODEL_MQL_TO_SQL_RATE = (
    "1.0 * sum(reached_sql) over (partition by scoring_model)"
    " / nullif(sum(mqls) over (partition by scoring_model), 0) as model_mql_to_sql_rate")


def build_funnel_conversion_suite(profile: TableProfile) -> Any:
    """The suite for `marts.funnel_conversion`: per model the MQL-to-SQL rate over all
    cohorts, reported (bounded only by 0..1: there is no target). Each cohort's rates within
    0..1 are dbt tests."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    ex = gx.expectations
    b = BOUNDS
    low, high = b["conversion_rate_min"], b["conversion_rate_max"]
    suite = gx.ExpectationSuite(name=f"{profile.table}_quality")
    add = suite.add_expectation

    add(ex.ExpectTableRowCountToBeBetween(
        min_value=1, meta=_meta("table has rows", ">= 1")))
    for model in profile.partitions:
        # One value per model, repeated on each of its rows: the max is that value.
        add(ex.ExpectColumnMaxToBeBetween(
            column="model_mql_to_sql_rate", min_value=low, max_value=high,
            row_condition=Column("scoring_model") == model,
            meta=_meta(f"[{model}] MQL-to-SQL rate, all cohorts (reported)",
                       f"{low:g}..{high:g} (reported, no target)")))
    return suite


def build_account_scores_suite(profile: TableProfile) -> Any:
    """The suite for `marts.account_scores`: the table has rows (the scales of account fit
    and engagement are dbt tests: values_between, assert_account_scores_within_bounds)."""
    import great_expectations as gx

    ex = gx.expectations
    suite = gx.ExpectationSuite(name=f"{profile.table}_quality")
    suite.add_expectation(ex.ExpectTableRowCountToBeBetween(
        min_value=1, meta=_meta("table has rows", ">= 1")))
    return suite


TABLE_CHECKS: tuple[TableCheck, ...] = (
    TableCheck("scored_contacts", build_scored_contacts_suite),
    TableCheck("contact_lifecycle", build_contact_lifecycle_suite),
    TableCheck("mql_alerts", build_mql_alerts_suite, key_column="alert_id"),
    TableCheck("funnel_conversion", build_funnel_conversion_suite,
               key_column="mql_cohort_month", derived_columns=(MODEL_MQL_TO_SQL_RATE,)),
    TableCheck("account_scores", build_account_scores_suite, key_column="account_id"),
)


# --------------------------------------------------------------------------- DuckDB workaround


class _ExtraDialect(str, enum.Enum):
    # A str enum: compares equal to the dialect name ("duckdb" in the tuple below) and has the
    # `.value` that `_dialect_requires_persisted_connection` reads, like GX's own GXSqlDialect.
    DUCKDB = "duckdb"


@contextlib.contextmanager
def _duckdb_as_persisted_connection_dialect() -> Iterator[None]:
    """Let GX treat DuckDB like SQLite: one connection, kept open for the whole run.

    Why: GX (1.24) runs each metric query on a pooled connection, closes the connection and
    only then fetches the rows. Closing rolls the connection back, and a DuckDB connection
    is also its own cursor, so the pending result is dropped: GX fetches `[]` and fails every
    expectation with `IndexError: list index out of range` (great_expectations issues #10738,
    #11579). SQLite, SQL Server, BigQuery and Databricks are on GX's list of dialects that keep
    one connection open; adding DuckDB to that list is the whole fix. Scoped to this context
    manager and restored afterwards; PostgreSQL needs none of it."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module

    original = engine_module._PERSISTED_CONNECTION_DIALECTS
    if _ExtraDialect.DUCKDB in original:
        yield
        return
    engine_module._PERSISTED_CONNECTION_DIALECTS = (*original, _ExtraDialect.DUCKDB)
    try:
        yield
    finally:
        engine_module._PERSISTED_CONNECTION_DIALECTS = original


@contextlib.contextmanager
def _duckdb_sessions_in_utc() -> Iterator[None]:
    """Every DuckDB connection SQLAlchemy opens meanwhile runs in UTC, like every connection
    of `leadscore.db` (GX reads timestamps: `became_mql_at`, cohort months).

    duckdb_engine's own way, `connect_args={"config": {"TimeZone": "UTC"}}`, hands the
    setting to `duckdb.connect`, which rejects it in DuckDB 2.0 ("the icu extension needs to
    be loaded", see `leadscore/db.py`). So it is set right after each DBAPI connection opens
    (SQLAlchemy's pool `connect` event), before GX runs anything on it. GX builds two engines
    (the datasource's and its execution engine's, created inside GX); listening on the Pool
    class reaches both. Scoped to this context manager; other drivers' connections are left
    alone."""
    import sqlalchemy as sa
    from duckdb_engine import ConnectionWrapper

    from leadscore import db

    def in_utc(dbapi_connection: Any, _connection_record: Any) -> None:
        if isinstance(dbapi_connection, ConnectionWrapper):
            db.set_session_utc(dbapi_connection)

    sa.event.listen(sa.pool.Pool, "connect", in_utc)
    try:
        yield
    finally:
        sa.event.remove(sa.pool.Pool, "connect", in_utc)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class CheckResult:
    table: str
    label: str
    expectation_type: str
    success: bool
    observed: str
    bound: str


def _gx_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),  # nothing written to disk
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _is_duckdb(connection_string: str) -> bool:
    return connection_string.startswith("duckdb")


def _engine_kwargs(connection_string: str) -> dict[str, Any]:
    # Read-only: GX must not take DuckDB's write lock (or create an empty file). The session
    # time zone (UTC) is not set here but by `_duckdb_sessions_in_utc`: see why there.
    return {"connect_args": {"read_only": True}} if _is_duckdb(connection_string) else {}


def _profile(datasource: Any, schema: str, check: TableCheck) -> TableProfile:
    """Row count, partitions and key count of a table, through GX's own engine."""
    import sqlalchemy as sa

    engine = datasource.get_execution_engine()
    try:
        # Inspect on GX's own connection: with a persisted connection (DuckDB here) GX's
        # engine has one DBAPI connection, already in a transaction after the previous
        # table's queries, and an inspector on the engine would begin a second one on it.
        with engine.get_connection() as connection:
            exists = sa.inspect(connection).has_table(check.table, schema=schema)
    except sa.exc.DBAPIError as exc:
        raise _warehouse_error(exc) from exc
    if not exists:
        raise UserError(
            f"table {schema}.{check.table} not found: build it with `dbt build` first, "
            "or pass --schema")
    table = sa.table(check.table, sa.column(check.partition_column),
                     sa.column(check.key_column), schema=schema)
    partition, key = table.c[check.partition_column], table.c[check.key_column]
    counts = engine.execute_query(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(key))).select_from(table)
    ).fetchall()[0]
    partitions = engine.execute_query(
        sa.select(partition).where(partition.is_not(None)).distinct().order_by(partition)
    ).fetchall()
    return TableProfile(schema=schema, table=check.table, row_count=int(counts[0]),
                        partitions=tuple(str(p[0]) for p in partitions),
                        key_count=int(counts[1]))


def add_table_asset(datasource: Any, table: str, schema: str) -> Any:
    """`datasource.add_table_asset` for `schema.table`.

    GX 1.14+ deprecates `schema_name` in favour of a schema in the datasource's connection
    configuration, but the generic SQL datasource (the one DuckDB uses) has no such setting;
    `schema_name` still works and is the portable way, so its warning is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="`schema_name` is deprecated",
                                category=DeprecationWarning)
        return datasource.add_table_asset(name=table, table_name=table, schema_name=schema)


def add_query_asset(datasource: Any, check: TableCheck, schema: str) -> Any:
    """A query asset: the rows of `schema.table` with the check's derived columns."""
    preparer = datasource.get_execution_engine().engine.dialect.identifier_preparer
    relation = f"{preparer.quote_schema(schema)}.{preparer.quote(check.table)}"
    return datasource.add_query_asset(
        name=check.table,
        query=f"select *, {', '.join(check.derived_columns)} from {relation}")


def _warehouse_error(exc: BaseException) -> UserError:
    """A one-line UserError from a connection failure (the innermost cause says why)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    lines = str(exc).strip().splitlines()
    first_line = lines[0] if lines else type(exc).__name__
    if "lock" in first_line.lower():
        return UserError(
            "the warehouse is locked by another process (is dbt running?): "
            f"{first_line.rstrip('.')}. Run the GX checkpoint after dbt has finished.")
    return UserError(f"cannot open the warehouse: {first_line}")


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _observed(result: dict[str, Any], show: str) -> str:
    """The observed value of one expectation result, in the words of its `show` mode."""
    if show == "missing":
        missing = result.get("partial_missing_list") or []
        return "all present" if not missing else "missing " + ", ".join(map(str, missing))
    if show in ("unexpected_share", "expected_share"):
        percent = result.get("unexpected_percent")
        if percent is None:  # no non-null rows at all
            return "no rows"
        share = percent / 100 if show == "unexpected_share" else 1 - percent / 100
        return f"{share:.4f}"
    if show == "unexpected_rows":
        count = result.get("unexpected_count")
        if count is None:
            return "no rows"
        sample = result.get("partial_unexpected_list") or []
        text = f"{count} unexpected of {result.get('element_count')}"
        return text + (f" (e.g. {', '.join(map(str, sample[:3]))})" if count and sample else "")
    return _fmt(result.get("observed_value"))


def _results_in_suite_order(suite: Any, validation_result: Any) -> list[Any]:
    order = {e.id: i for i, e in enumerate(suite.expectations)}
    return sorted(validation_result.results,
                  key=lambda r: order.get(r.expectation_config.id, len(order)))


def _exception_message(exception_info: dict[str, Any] | None) -> str | None:
    """The first error GX hit computing an expectation (e.g. a missing column), if any.
    GX reports it either at the top level or per metric, keyed by the metric's id."""
    info = exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            lines = str(candidate.get("exception_message") or "error").strip().splitlines()
            return lines[0][:160] if lines else "error"
    return None


def _check_result(table: str, evr: Any) -> CheckResult:
    config = evr.expectation_config
    meta = config.meta or {}
    error = _exception_message(evr.exception_info)
    if error is not None:
        observed = "error: " + error
    else:
        observed = _observed(evr.result or {}, meta.get("show", "observed_value"))
    return CheckResult(table=table, label=meta.get("label", config.type),
                       expectation_type=config.type, success=bool(evr.success),
                       observed=observed, bound=meta.get("bound", ""))


def validate_warehouse(connection_string: str, schema: str = "marts",
                       checks: Sequence[TableCheck] = TABLE_CHECKS) -> list[CheckResult]:
    """Validate every table of `checks` in `schema` with one GX checkpoint.

    Works on any SQLAlchemy URL GX supports (PostgreSQL needs no workaround); raises
    `UserError` for a missing table or an unreadable warehouse."""
    import great_expectations as gx
    from great_expectations.datasource.fluent.interfaces import TestConnectionError

    with contextlib.ExitStack() as patch:
        if _is_duckdb(connection_string):
            patch.enter_context(_duckdb_as_persisted_connection_dialect())
            patch.enter_context(_duckdb_sessions_in_utc())
        context = _gx_context()
        try:  # GX connects once here to test the connection
            datasource = context.data_sources.add_sql(
                name="warehouse", connection_string=connection_string,
                kwargs=_engine_kwargs(connection_string))
        except TestConnectionError as exc:
            raise _warehouse_error(exc) from exc
        try:
            suites: dict[str, tuple[str, Any]] = {}  # suite name -> (table, suite)
            definitions = []
            for check in checks:
                profile = _profile(datasource, schema, check)
                log.info("%s.%s: %d rows, %s %s", schema, check.table, profile.row_count,
                         check.partition_column, ", ".join(profile.partitions))
                asset = (add_query_asset(datasource, check, schema) if check.derived_columns
                         else add_table_asset(datasource, check.table, schema))
                suite = context.suites.add(check.build_suite(profile))
                definition = context.validation_definitions.add(gx.ValidationDefinition(
                    name=f"{check.table}_validation",
                    data=asset.add_batch_definition_whole_table("whole_table"), suite=suite))
                definitions.append(definition)
                suites[suite.name] = (check.table, suite)
            checkpoint = context.checkpoints.add(gx.Checkpoint(
                name=f"{schema}_quality", validation_definitions=definitions,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 3}))
            run = checkpoint.run()
            results: list[CheckResult] = []
            for validation_result in run.run_results.values():
                table, suite = suites[validation_result.suite_name]
                results.extend(_check_result(table, evr)
                               for evr in _results_in_suite_order(suite, validation_result))
            return results
        finally:
            _close(datasource)


def _close(datasource: Any) -> None:
    """Close GX's connections now (the persisted DuckDB one would live until exit)."""
    with contextlib.suppress(Exception):
        datasource.get_execution_engine().close()
    with contextlib.suppress(Exception):
        datasource.get_engine().dispose()


def duckdb_url(duckdb_path: str | os.PathLike[str]) -> str:
    path = Path(duckdb_path)
    if not path.is_file():
        raise UserError(f"DuckDB file not found: {path} (run `dbt build` first, or pass --duckdb)")
    return f"duckdb:///{path.resolve()}"


def postgres_url(env: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL of the PostgreSQL warehouse, from the dbt profile's environment
    variables (LEADSCORE_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE)."""
    from sqlalchemy.engine import URL

    env = os.environ if env is None else env
    missing = [n for n in ("LEADSCORE_PG_USER", "LEADSCORE_PG_DATABASE") if not env.get(n)]
    if missing:
        raise UserError(f"set {' and '.join(missing)} for --postgres")
    return URL.create(
        "postgresql+psycopg2", username=env["LEADSCORE_PG_USER"],
        password=env.get("LEADSCORE_PG_PASSWORD") or None,
        host=env.get("LEADSCORE_PG_HOST") or "localhost",
        port=int(env.get("LEADSCORE_PG_PORT") or 5432),
        database=env["LEADSCORE_PG_DATABASE"],
    ).render_as_string(hide_password=False)


def run_postgres_checkpoint(schema: str = "marts", out: TextIO | None = None) -> bool:
    """run_checkpoint on the PostgreSQL warehouse of the LEADSCORE_PG_* variables (GX's SQL
    datasource works on PostgreSQL unpatched)."""
    results = validate_warehouse(postgres_url(), schema=schema)
    source = f"PostgreSQL {os.environ.get('LEADSCORE_PG_DATABASE', '')}"
    print(render_report(results, source=source, schema=schema), file=out or sys.stdout,
          flush=True)
    return all(r.success for r in results)


def render_report(results: Sequence[CheckResult], *, source: str, schema: str) -> str:
    lines = [f"Great Expectations checkpoint on {source} (schema {schema})"]
    label_width = max((len(r.label) for r in results), default=0)
    observed_width = max((len(r.observed) for r in results), default=0)
    table = None
    for r in results:
        if r.table != table:
            table = r.table
            lines.append(f"{schema}.{table}")
        mark = "✓" if r.success else "✗"
        lines.append(f"  {mark} {r.label:<{label_width}}  observed {r.observed:<{observed_width}}"
                     f"  expected {r.bound}" + ("" if r.success else f"  [{r.expectation_type}]"))
    failed = [r for r in results if not r.success]
    passed = len(results) - len(failed)
    if failed:
        lines.append(f"FAILED: {len(failed)} of {len(results)} expectations failed "
                     f"({passed} passed): " + "; ".join(f"{r.label} ({r.bound})" for r in failed))
    else:
        lines.append(f"OK: all {len(results)} expectations passed")
    return "\n".join(lines)


def run_checkpoint(duckdb_path: str | os.PathLike[str], schema: str = "marts",
                   out: TextIO | None = None) -> bool:
    """Validate the marts of a DuckDB warehouse, print the report to `out` (stdout by
    default) and return True when every expectation holds. Raises `UserError`."""
    results = validate_warehouse(duckdb_url(duckdb_path), schema=schema)
    print(render_report(results, source=str(duckdb_path), schema=schema),
          file=out or sys.stdout, flush=True)
    return all(r.success for r in results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leadscore.gx_check",
        description="Great Expectations checks on the scoring marts (score distributions, "
                    "disqualified and sales-ready shares, every model present) and the "
                    "lifecycle marts (stage shares, MQL alerts, funnel rates, account scores). "
                    "Exit 0 ok, 1 an expectation failed, 2 user error.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--duckdb", metavar="PATH",
                       help="DuckDB warehouse file built by dbt (not open in dbt meanwhile)")
    where.add_argument("--postgres", action="store_true",
                       help="the PostgreSQL warehouse of LEADSCORE_PG_HOST, _PORT, _USER, "
                            "_PASSWORD, _DATABASE")
    parser.add_argument("--schema", default="marts", help="schema of the marts (default: marts)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.postgres:
            ok = run_postgres_checkpoint(schema=args.schema)
        else:
            ok = run_checkpoint(args.duckdb, schema=args.schema)
        return EXIT_OK if ok else EXIT_FAILED
    except UserError as exc:
        print(f"gx_check: error: {exc}", file=sys.stderr, flush=True)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    code = main()
    # duckdb 2.0 (nanobind) prints ~40 lines of spurious "nanobind: leaked ..." warnings at
    # interpreter shutdown when duckdb_engine and great_expectations share a process (module
    # teardown order; no connection is left open: `_close` closed them). Output is flushed
    # and nothing is left to write, so leave without the interpreter's teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
