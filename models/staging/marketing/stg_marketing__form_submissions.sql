with

source as (

    select {{ source_columns('marketing', 'form_submissions') }}
    from {{ source('marketing', 'form_submissions') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('submission_id') }} as submission_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_code('form_type') }} as form_type_raw,
        {{ clean_text('asset_name') }} as asset_name,
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
            partition by submission_id
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                form_type_raw asc nulls last,
                asset_name asc nulls last,
                product_line asc nulls last
        ) as key_rank
    from typed

),

flagged as (

    select
        *,
        {{ event_exclusion_issue(
            'submission_id', event_row_issue('submission_id', run_started_timestamp())
        ) }} as exclusion_issue
    from ranked

),

final as (

    select
        submission_id,
        contact_id,
        form_type_raw,
        asset_name,
        product_line,
        occurred_at,
        exclusion_issue as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
