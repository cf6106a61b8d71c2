with

source as (

    select * from {{ source('crm', 'sales_activities') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('activity_id') }}
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                activity_type asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('activity_id') }} as activity_id,
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(activity_type as {{ dbt.type_string() }}))), '') as activity_type,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

flagged as (

    select
        *,
        {{ event_quality_issue('activity_id', run_started_timestamp()) }} as quality_issue
    from renamed

),

final as (

    select
        activity_id,
        contact_id,
        activity_type,
        occurred_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
