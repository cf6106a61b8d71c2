{{ config(materialized='view') }}
-- The engagement events that can earn points: not excluded (a bad row, an unknown event
-- type or contact) and not machine activity (bots). The one place this filter lives; the
-- per-day aggregate (through int_engagement_pattern_events), the score timeline, the
-- lifecycle signals and the MQL alerts read it, each up to its own scoring date. A view:
-- the event table is not copied.

with

events as (

    select
        contact_id,
        event_type,
        event_detail,
        product_line,
        occurred_at
    from {{ ref('int_engagement_events_resolved') }}
    where not is_excluded and not is_bot_activity

)

select * from events
