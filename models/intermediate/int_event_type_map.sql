-- The seed event_type_map as every model reads it: the raw value in the spelling staging
-- gives the raw events (normalize_code: `Page View` and `page-view` are `page_view`), the
-- source table and canonical event type as keys are (normalize_key). One row per source
-- table and raw value (a test: two seed rows that normalize to the same value would count
-- every such event twice). Read by int_engagement_events_resolved,
-- int_engagement_bot_activity and the fingerprints of the incremental event models.

with

event_type_map as (

    select * from {{ ref('event_type_map') }}

),

final as (

    select
        {{ normalize_key('source_table') }} as source_table,
        {{ normalize_code('raw_value') }} as raw_value,
        {{ normalize_key('event_type') }} as event_type
    from event_type_map

)

select * from final
