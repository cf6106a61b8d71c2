{{ config(materialized='view') }}
with

source as (

    select {{ source_columns('marketing', 'web_events') }}
    from {{ source('marketing', 'web_events') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('session_id') }} as session_id,
        lower(trim(cast(page_path as {{ dbt.type_string() }}))) as page_path_lower,
        {{ raw_timestamp('occurred_at', source('marketing', 'web_events')) }} as occurred_at,
        {{ raw_timestamp_is_invalid('occurred_at', source('marketing', 'web_events')) }}
            as has_invalid_occurred_at
    from source

),

without_query as (

    -- query string (?utm_source=…) and fragment (#section) removed
    select
        *,
        nullif({{ regex_replace_all('page_path_lower', '[?#].*$', '') }}, '') as path_only
    from typed

),

normalized as (

    -- trailing slashes removed, except for the root page
    select
        event_id,
        contact_id,
        session_id,
        case
            when {{ regex_matches('path_only', '^/+$') }} then '/'
            else {{ regex_replace_all('path_only', '/+$', '') }}
        end as page_path,
        occurred_at,
        has_invalid_occurred_at
    from without_query

),

final as (

    select
        event_id,
        contact_id,
        session_id,
        page_path,
        occurred_at,
        has_invalid_occurred_at,
        {{ event_row_issue('event_id', run_started_timestamp()) }} as quality_issue
    from normalized

)

select * from final
