with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

ranked as (

    -- one survivor per id: the most advanced copy (closed before open, then the latest
    -- created_at), then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('opportunity_id') }}
            order by
                closed_at desc nulls last,
                created_at desc nulls last,
                account_id asc nulls last,
                contact_id asc nulls last,
                product_line asc nulls last,
                stage asc nulls last,
                amount asc nulls last,
                is_won asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        -- `stage` is the contract's name for the sales stage (a keyword in some dialects)
        nullif(lower(trim(cast(stage as {{ dbt.type_string() }}))), '') as stage,  -- noqa: RF04
        cast(amount as {{ dbt.type_numeric() }}) as raw_amount,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        key_rank
    from ranked

),

flagged as (

    select
        *,
        case
            when opportunity_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when created_at is null then 'missing_timestamp'
            when
                created_at > {{ run_started_timestamp() }}
                or closed_at > {{ run_started_timestamp() }}
                then 'future_timestamp'
            when raw_amount < 0 then 'negative_amount'
        end as quality_issue
    from renamed

),

final as (

    select
        opportunity_id,
        account_id,
        contact_id,
        product_line,
        stage,
        case when raw_amount >= 0 then raw_amount end as amount,
        created_at,
        closed_at,
        is_won,
        quality_issue,
        (
            quality_issue is not null
            and quality_issue != 'negative_amount'
        ) as is_excluded
    from flagged

)

select * from final
