{{ config(
    materialized='incremental',
    incremental_strategy=engagement_incremental_strategy('append'),
    partition_by=engagement_partition_by('activity_date'),
    on_schema_change='fail',
    pre_hook="{{ remove_replaced_rows(
        engagement_days_replaced, engagement_daily_watermark(), 'activity_date') }}",
) }}
-- depends_on: {{ ref('int_engagement_events_unioned') }}
-- The foundation of every score: the usable engagement events aggregated per raw contact
-- id, signal pattern, product line and UTC day. weight_sum carries decay exactly: for a
-- half-life h it is the sum over the day's events of 2^((t - day start) / h), so the
-- decayed total at any later scoring date S is 0.5^((S - day start) / h) * weight_sum,
-- the same as summing 0.5^((S - t) / h) over the events (for h = 0, no decay, it is the
-- event count). Scoring at as_of, the backtest at every snapshot and the calibration read
-- this table (and, for the scoring date's own day, the few raw events up to that moment),
-- never the event table again; they map the raw contact ids to the scored contacts
-- (int_contact_id_map) when they read it. docs/architecture.md: "One pass over the events".
--
-- Incremental: a run re-aggregates only the (raw contact, day) pairs of which the event
-- union rewrote a row since this model last ran (its built_at after the newest
-- union_built_at here); the pre-hook removes those pairs first (macros
-- remove_replaced_rows, engagement_days_replaced; on Spark whole days are rewritten, the
-- other contacts' rows of a day kept). A change of the signal patterns or of the event-type
-- map (settings_fingerprint) rebuilds everything.

{%- set rebuild_since = engagement_daily_watermark() %}

with

pattern_events as (

    select
        *,
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as activity_date
    from {{ ref('int_engagement_pattern_events') }}

),

{% if rebuild_since is not none %}

    days_to_rebuild as (

        {{ engagement_days_to_rebuild(rebuild_since) }}

    ),

    events as (

        select pattern_events.*
        from pattern_events
        inner join days_to_rebuild
            on
                pattern_events.raw_contact_id = days_to_rebuild.raw_contact_id
                and pattern_events.activity_date = days_to_rebuild.activity_date

    ),

{% else %}

    events as (

        select * from pattern_events

    ),

{% endif %}

aggregated as (

    select
        raw_contact_id,
        signal,
        match_type,
        match_value,
        half_life_days,
        product_line,
        count(*) as event_count,
        sum(
            case
                when half_life_days > 0
                    then power(
                        2.0,
                        {{ dbt.datediff(
                            'cast(activity_date as ' ~ dbt.type_timestamp() ~ ')',
                            'occurred_at', 'second') }} / 86400e0 / half_life_days
                    )
                else 1.0
            end
        ) as weight_sum,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(built_at) as union_built_at,
        ({{ engagement_daily_fingerprint() }}) as settings_fingerprint,
        -- last: Spark's partition column (engagement_partition_by)
        activity_date
    from events
    group by
        raw_contact_id, signal, match_type, match_value, half_life_days, product_line,
        activity_date

),

final as (

    -- (on Spark, with the stored rows of the days it rewrites that it keeps)
    {{ rows_written('aggregated', engagement_days_replaced, rebuild_since, 'activity_date') }}

)

select * from final
