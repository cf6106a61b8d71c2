{{ config(materialized='view') }}
-- The usable engagement events (is_usable_event of int_engagement_events_resolved) matched
-- to the signal patterns: one row per event and pattern it matches, per raw contact id
-- (int_contact_id_map says, when it is read, which scored contact that is). Events after
-- the scoring date are kept here (every scoring date picks its own). The one place the
-- pattern match lives; a view, so that the 100M-row event table is read by
-- int_engagement_daily and, for the last partial day before a scoring date, by the
-- decayed_engagement macro, never copied.

with

events as (

    select
        raw_contact_id,
        event_type,
        event_detail,
        product_line,
        occurred_at,
        built_at
    from {{ ref('int_engagement_events_resolved') }}
    where is_usable_event

),

patterns as (

    select * from {{ ref('int_engagement_signal_patterns') }}

),

final as (

    select
        events.raw_contact_id,
        patterns.signal,
        patterns.match_type,
        patterns.match_value,
        patterns.half_life_days,
        events.product_line,
        events.occurred_at,
        events.built_at
    from events
    inner join patterns
        on
            events.event_type = patterns.signal
            and {{ value_matches(
                'events.event_detail', 'patterns.match_type', 'patterns.match_value') }}

)

select * from final
