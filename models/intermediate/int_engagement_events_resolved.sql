{{ config(materialized='view') }}
-- Every engagement event row (int_engagement_events_unioned) with what it means today: its
-- canonical event type (seed event_type_map), the contact it is scored for (after merges:
-- int_contact_id_map), whether it is machine activity (int_engagement_bot_activity), and
-- the reason it cannot be used, if any. Resolved when read, not
-- stored, so that a merge, an excluded contact or a changed event-type map applies to
-- every past event at the next build without re-reading the raw events. A view.

with

events as (

    select * from {{ ref('int_engagement_events_unioned') }}

),

bot_activity as (

    select * from {{ ref('int_engagement_bot_activity') }}

),

contact_id_map as (

    select * from {{ ref('int_contact_id_map') }}

),

event_type_map as (

    select * from {{ ref('int_event_type_map') }}

),

resolved as (

    select
        events.event_key,
        events.source_table,
        events.event_id,
        events.raw_contact_id,
        contact_id_map.resolved_contact_id as contact_id,
        events.raw_event_type,
        event_type_map.event_type,
        events.event_detail,
        events.session_id,
        events.campaign_id,
        events.product_line,
        events.occurred_at,
        case
            when events.quality_issue is not null then events.quality_issue
            when event_type_map.event_type is null then 'unknown_event_type'
            when contact_id_map.contact_id is null then 'unknown_contact'
            when contact_id_map.resolved_contact_id is null then 'contact_excluded'
        end as exclusion_reason,
        events.quality_issue,
        bot_activity.bot_reason as stored_bot_reason,
        events.built_at
    from events
    left join event_type_map
        on
            events.source_table = event_type_map.source_table
            and events.raw_event_type = event_type_map.raw_value
    left join contact_id_map
        on events.raw_contact_id = contact_id_map.contact_id
    left join bot_activity
        on events.row_key = bot_activity.row_key

),

final as (

    select
        event_key,
        source_table,
        event_id,
        raw_contact_id,
        contact_id,
        raw_event_type,
        event_type,
        event_detail,
        session_id,
        campaign_id,
        product_line,
        occurred_at,
        exclusion_reason,
        exclusion_reason is not null as is_excluded,
        -- machine activity is only told apart among the events that could be used
        case when exclusion_reason is null then stored_bot_reason end as bot_reason,
        exclusion_reason is null and stored_bot_reason is not null as is_bot_activity,
        -- the event itself can earn points, whoever it turns out to be for: a clean row of
        -- a known event type, not machine activity (the usable events are these, of a
        -- contact that is scored; the per-day aggregate keeps them per raw contact id)
        quality_issue is null
        and event_type is not null
        and stored_bot_reason is null as is_usable_event,
        built_at
    from resolved

)

select * from final
