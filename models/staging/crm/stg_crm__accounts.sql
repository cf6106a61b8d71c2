with

source as (

    select * from {{ source('crm', 'accounts') }}

),

ranked as (

    -- one survivor per id: the latest updated_at, then the smallest raw values
    select
        *,
        row_number() over (
            partition by {{ clean_text('account_id') }}
            order by
                updated_at desc nulls last,
                name asc nulls last,
                domain asc nulls last,
                industry asc nulls last,
                employee_count asc nulls last,
                annual_revenue asc nulls last,
                country asc nulls last,
                is_target_account asc nulls last,
                created_at asc nulls last
        ) as key_rank
    from source

),

renamed as (

    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        lower(trim(cast(domain as {{ dbt.type_string() }}))) as domain_lower,
        {{ clean_text('industry') }} as industry,
        cast(employee_count as {{ dbt.type_bigint() }}) as raw_employee_count,
        cast(annual_revenue as {{ dbt.type_numeric() }}) as annual_revenue,
        nullif(upper(trim(cast(country as {{ dbt.type_string() }}))), '') as country_code,
        coalesce(cast(is_target_account as {{ dbt.type_boolean() }}), false) as is_target_account,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        key_rank
    from ranked

),

normalized as (

    select
        account_id,
        account_name,
        nullif({{ regex_replace_all('domain_lower', '^www[.]', '') }}, '') as account_domain,
        industry,
        nullif(
            trim({{ regex_replace_all('lower(industry)', '[ \\t\\r\\n]+', ' ') }}), ''
        ) as industry_key,
        raw_employee_count,
        coalesce(
            raw_employee_count < 1 or raw_employee_count > 5000000, false
        ) as has_impossible_employee_count,
        annual_revenue,
        country_code,
        is_target_account,
        created_at,
        updated_at,
        key_rank
    from renamed

),

flagged as (

    select
        *,
        case
            when account_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when created_at is null then 'missing_timestamp'
            when
                created_at > {{ run_started_timestamp() }}
                or updated_at > {{ run_started_timestamp() }}
                then 'future_timestamp'
            when has_impossible_employee_count then 'impossible_employee_count'
        end as quality_issue
    from normalized

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
        annual_revenue,
        country_code,
        is_target_account,
        created_at,
        updated_at,
        quality_issue,
        (
            quality_issue is not null
            and quality_issue != 'impossible_employee_count'
        ) as is_excluded
    from flagged

)

select * from final
