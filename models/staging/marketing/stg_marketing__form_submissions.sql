with

source as (

    select * from {{ source('marketing', 'form_submissions') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by nullif(trim(cast(submission_id as {{ dbt.type_string() }})), '')
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                form_type asc nulls last,
                asset_name asc nulls last,
                product_line asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        nullif(trim(cast(submission_id as {{ dbt.type_string() }})), '') as submission_id,
        nullif(trim(cast(contact_id as {{ dbt.type_string() }})), '') as contact_id,
        lower(trim(cast(form_type as {{ dbt.type_string() }}))) as form_type_lower,
        nullif(trim(cast(asset_name as {{ dbt.type_string() }})), '') as asset_name,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

normalized as (

    select
        *,
        nullif(
            {{ regex_replace_all('form_type_lower', '[ \\t\\r\\n-]+', '_') }}, ''
        ) as form_type_raw
    from renamed

),

flagged as (

    select
        *,
        case
            when submission_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when occurred_at is null then 'missing_timestamp'
            when occurred_at > {{ run_started_timestamp() }} then 'future_timestamp'
            when contact_id is null then 'missing_contact_id'
        end as quality_issue
    from normalized

),

final as (

    select
        submission_id,
        contact_id,
        form_type_raw,
        asset_name,
        product_line,
        occurred_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
