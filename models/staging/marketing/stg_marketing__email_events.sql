{{ config(materialized='view') }}
with

source as (

    select {{ source_columns('marketing', 'email_events') }}
    from {{ source('marketing', 'email_events') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ normalize_code('event_type') }} as event_type_raw,
        {{ raw_timestamp('occurred_at', source('marketing', 'email_events')) }} as occurred_at,
        {{ raw_timestamp_is_invalid('occurred_at', source('marketing', 'email_events')) }}
            as has_invalid_occurred_at
    from source

),

final as (

    select
        event_id,
        contact_id,
        campaign_id,
        event_type_raw,
        occurred_at,
        has_invalid_occurred_at,
        {{ event_row_issue('event_id', run_started_timestamp()) }} as quality_issue
    from typed

)

select * from final
