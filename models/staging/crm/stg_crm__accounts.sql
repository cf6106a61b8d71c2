with

source as (

    select {{ source_columns('crm', 'accounts') }}
    from {{ source('crm', 'accounts') }}

),

typed as (

    -- text trimmed (blank = null); typed columns read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        lower(trim(cast(domain as {{ dbt.type_string() }}))) as domain_lower,
        {{ clean_text('industry') }} as industry,
        {{ try_cast_as('employee_count', 'integer') }} as raw_employee_count,
        {{ try_cast_as('annual_revenue', 'numeric') }} as raw_annual_revenue,
        nullif(upper(trim(cast(country as {{ dbt.type_string() }}))), '') as country_code,
        {{ try_cast_as('is_target_account', 'boolean') }} as raw_is_target_account,
        {{ try_cast_as('created_at', 'timestamp') }} as created_at,
        {{ try_cast_as('updated_at', 'timestamp') }} as updated_at,
        {{ is_invalid_as('employee_count', 'integer') }} as has_invalid_employee_count,
        {{ is_invalid_as('annual_revenue', 'numeric') }} as has_invalid_annual_revenue,
        {{ is_invalid_as('is_target_account', 'boolean') }} as has_invalid_is_target_account,
        {{ is_invalid_as('created_at', 'timestamp') }} as has_invalid_created_at,
        {{ is_invalid_as('updated_at', 'timestamp') }} as has_invalid_updated_at
    from source

),

normalized as (

    select
        *,
        nullif({{ regex_replace_all('domain_lower', '^www[.]', '') }}, '') as account_domain,
        nullif(
            trim({{ regex_replace_all('lower(industry)', '[ \\t\\r\\n]+', ' ') }}), ''
        ) as industry_key,
        coalesce(
            raw_employee_count < 1 or raw_employee_count > 5000000, false
        ) as has_impossible_employee_count
    from typed

),

ranked as (

    -- one survivor per id: the latest updated_at, then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by account_id
            order by
                updated_at desc nulls last,
                account_name asc nulls last,
                account_domain asc nulls last,
                industry asc nulls last,
                raw_employee_count asc nulls last,
                raw_annual_revenue asc nulls last,
                country_code asc nulls last,
                raw_is_target_account asc nulls last,
                created_at asc nulls last
        ) as key_rank
    from normalized

),

flagged as (

    select
        *,
        -- the row cannot be used
        case
            when account_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when created_at is null and has_invalid_created_at then 'invalid_timestamp'
            when created_at is null then 'missing_timestamp'
            when
                created_at > {{ run_started_timestamp() }}
                or updated_at > {{ run_started_timestamp() }}
                then 'future_timestamp'
        end as exclusion_issue,
        -- the row is used, one value is blanked
        case
            when has_invalid_employee_count then 'invalid_integer'
            when has_invalid_annual_revenue then 'invalid_numeric'
            when has_invalid_is_target_account then 'invalid_boolean'
            when has_invalid_updated_at then 'invalid_timestamp'
            when has_impossible_employee_count then 'impossible_employee_count'
        end as value_issue
    from ranked

),

final as (

    select
        account_id,
        account_name,
        account_domain,
        industry,
        industry_key,
        case
            when not has_impossible_employee_count then raw_employee_count
        end as employee_count,
        raw_annual_revenue as annual_revenue,
        country_code,
        coalesce(raw_is_target_account, false) as is_target_account,
        created_at,
        updated_at,
        coalesce(exclusion_issue, value_issue) as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
