with

source as (

    select * from {{ source('marketing', 'form_submissions') }}

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('submission_id') }}
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
        {{ clean_text('submission_id') }} as submission_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower(trim(cast(form_type as {{ dbt.type_string() }}))) as form_type_lower,
        {{ clean_text('asset_name') }} as asset_name,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        key_rank
    from ranked

),

normalized as (

    select
        *,
        {{ normalize_code('form_type_lower') }} as form_type_raw
    from renamed

),

flagged as (

    select
        *,
        {{ event_quality_issue('submission_id', run_started_timestamp()) }} as quality_issue
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
