{{ config(materialized='view') }}
-- The engagement events that can earn points, of a contact that is scored: the event is
-- usable (is_usable_event: a clean row of a known type, not machine activity) and its raw
-- contact id maps to a contact that is scored (contact_id, after merges and exclusions).
-- The score timeline, the lifecycle signals and the MQL alerts read it, each up to its own
-- scoring date; the per-day aggregate keeps the usable events per raw contact id instead
-- (int_engagement_pattern_events), so that a later merge or a contact created after its
-- events applies without re-aggregating. A view: the event table is not copied. event_key
-- (source_table:event_id) is unique among these events: the MQL alerts' scored touches
-- are keyed by it.

with

events as (

    select
        event_key,
        contact_id,
        event_type,
        event_detail,
        product_line,
        occurred_at
    from {{ ref('int_engagement_events_resolved') }}
    where is_usable_event and contact_id is not null

)

select * from events
