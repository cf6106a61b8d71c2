with

source as (

    select * from {{ source('marketing', 'email_events') }}

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
                campaign_id asc nulls last,
                event_type asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as event_type_lower,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

normalized as (

    select
        *,
        {{ normalize_code('event_type_lower') }} as event_type_raw
    from renamed

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
        campaign_id,
        event_type_raw,
        occurred_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
