with

source as (

    select {{ source_columns('crm', 'sales_activities') }}
    from {{ source('crm', 'sales_activities') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('activity_id') }} as activity_id,
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(activity_type as {{ dbt.type_string() }}))), '') as activity_type,
        {{ try_cast_as('occurred_at', 'timestamp') }} as occurred_at,
        {{ is_invalid_as('occurred_at', 'timestamp') }} as has_invalid_occurred_at
    from source

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by activity_id
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                activity_type asc nulls last
        ) as key_rank
    from typed

),

flagged as (

    select
        *,
        {{ event_exclusion_issue(
            'activity_id', event_row_issue('activity_id', run_started_timestamp())
        ) }} as exclusion_issue
    from ranked

),

final as (

    select
        activity_id,
        contact_id,
        activity_type,
        occurred_at,
        exclusion_issue as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
