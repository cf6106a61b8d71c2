with

source as (

    select {{ source_columns('marketing', 'event_attendance') }}
    from {{ source('marketing', 'event_attendance') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('attendance_id') }} as attendance_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_code('event_type') }} as event_type_raw,
        {{ normalize_code('status') }} as attendance_status_raw,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        {{ try_cast_as('occurred_at', 'timestamp') }} as occurred_at,
        {{ is_invalid_as('occurred_at', 'timestamp') }} as has_invalid_occurred_at
    from source

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by attendance_id
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                event_type_raw asc nulls last,
                attendance_status_raw asc nulls last,
                product_line asc nulls last
        ) as key_rank
    from typed

),

flagged as (

    select
        *,
        {{ event_exclusion_issue(
            'attendance_id', event_row_issue('attendance_id', run_started_timestamp())
        ) }} as exclusion_issue
    from ranked

),

final as (

    select
        attendance_id,
        contact_id,
        event_type_raw,
        attendance_status_raw,
        product_line,
        occurred_at,
        exclusion_issue as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
