with

source as (

    select * from {{ source('marketing', 'event_attendance') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('attendance_id') }}
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                event_type asc nulls last,
                status asc nulls last,
                product_line asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('attendance_id') }} as attendance_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as event_type_lower,
        lower(trim(cast(status as {{ dbt.type_string() }}))) as status_lower,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

normalized as (

    select
        *,
        {{ normalize_code('event_type_lower') }} as event_type_raw,
        {{ normalize_code('status_lower') }} as attendance_status_raw
    from renamed

),

flagged as (

    select
        *,
        {{ event_quality_issue('attendance_id', run_started_timestamp()) }} as quality_issue
    from normalized

),

final as (

    select
        attendance_id,
        contact_id,
        event_type_raw,
        attendance_status_raw,
        product_line,
        occurred_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
