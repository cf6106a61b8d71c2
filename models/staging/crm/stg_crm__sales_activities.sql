with

source as (

    select * from {{ source('crm', 'sales_activities') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by nullif(trim(cast(activity_id as {{ dbt.type_string() }})), '')
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                activity_type asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        nullif(trim(cast(activity_id as {{ dbt.type_string() }})), '') as activity_id,
        nullif(trim(cast(contact_id as {{ dbt.type_string() }})), '') as contact_id,
        nullif(lower(trim(cast(activity_type as {{ dbt.type_string() }}))), '') as activity_type,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

flagged as (

    select
        *,
        case
            when activity_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when occurred_at is null then 'missing_timestamp'
            when occurred_at > {{ run_started_timestamp() }} then 'future_timestamp'
            when contact_id is null then 'missing_contact_id'
        end as quality_issue
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
