with

source as (

    select * from {{ source('marketing', 'web_events') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('event_id') }}
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                session_id asc nulls last,
                page_path asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('session_id') }} as session_id,
        lower(trim(cast(page_path as {{ dbt.type_string() }}))) as page_path_lower,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

without_query as (

    -- query string (?utm_source=…) and fragment (#section) removed
    select
        *,
        nullif({{ regex_replace_all('page_path_lower', '[?#].*$', '') }}, '') as path_only
    from renamed

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
        key_rank
    from without_query

),

flagged as (

    select
        *,
        {{ event_quality_issue('event_id', run_started_timestamp()) }} as quality_issue
    from normalized

),

final as (

    select
        event_id,
        contact_id,
        session_id,
        page_path,
        occurred_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
