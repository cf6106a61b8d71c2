with

source as (

    select {{ source_columns('crm', 'opportunities') }}
    from {{ source('crm', 'opportunities') }}

),

typed as (

    -- text trimmed (blank = null); typed columns read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(product_line as {{ dbt.type_string() }}))), '') as product_line,
        -- `stage` is the contract's name for the sales stage (a keyword in some dialects)
        nullif(lower(trim(cast(stage as {{ dbt.type_string() }}))), '') as stage,  -- noqa: RF04
        {{ try_cast_as('amount', 'numeric') }} as raw_amount,
        {{ try_cast_as('created_at', 'timestamp') }} as created_at,
        {{ try_cast_as('closed_at', 'timestamp') }} as closed_at,
        {{ try_cast_as('is_won', 'boolean') }} as raw_is_won,
        {{ is_invalid_as('amount', 'numeric') }} as has_invalid_amount,
        {{ is_invalid_as('created_at', 'timestamp') }} as has_invalid_created_at,
        {{ is_invalid_as('closed_at', 'timestamp') }} as has_invalid_closed_at,
        {{ is_invalid_as('is_won', 'boolean') }} as has_invalid_is_won
    from source

),

ranked as (

    -- one survivor per id: the most advanced copy (closed before open, then the latest
    -- created_at), then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by opportunity_id
            order by
                closed_at desc nulls last,
                created_at desc nulls last,
                account_id asc nulls last,
                contact_id asc nulls last,
                product_line asc nulls last,
                stage asc nulls last,
                raw_amount asc nulls last,
                raw_is_won asc nulls last
        ) as key_rank
    from typed

),

flagged as (

    select
        *,
        -- the row cannot be used
        case
            when opportunity_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when created_at is null and has_invalid_created_at then 'invalid_timestamp'
            when created_at is null then 'missing_timestamp'
            when
                created_at > {{ run_started_timestamp() }}
                or closed_at > {{ run_started_timestamp() }}
                then 'future_timestamp'
        end as exclusion_issue,
        -- the row is used, one value is blanked or missing (a won deal without a close
        -- date stays open in the lifecycle until it has one)
        case
            when has_invalid_amount then 'invalid_numeric'
            when has_invalid_is_won then 'invalid_boolean'
            when has_invalid_closed_at then 'invalid_timestamp'
            when raw_amount < 0 then 'negative_amount'
            when raw_is_won and closed_at is null then 'missing_closed_at'
        end as value_issue
    from ranked

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
        coalesce(raw_is_won, false) as is_won,
        coalesce(exclusion_issue, value_issue) as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
