with

source as (

    select {{ source_columns('crm', 'contacts') }}
    from {{ source('crm', 'contacts') }}

),

typed as (

    -- text trimmed (blank = null); typed columns read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,
        {{ normalize_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('job_title') }} as job_title,
        nullif(upper(trim(cast(country as {{ dbt.type_string() }}))), '') as country_code,
        nullif(lower(trim(cast(lead_source as {{ dbt.type_string() }}))), '') as lead_source,
        {{ try_cast_as('email_opt_out', 'boolean') }} as raw_email_opt_out,
        {{ try_cast_as('created_at', 'timestamp') }} as created_at,
        {{ try_cast_as('updated_at', 'timestamp') }} as updated_at,
        {{ is_invalid_as('email_opt_out', 'boolean') }} as has_invalid_email_opt_out,
        {{ is_invalid_as('created_at', 'timestamp') }} as has_invalid_created_at,
        {{ is_invalid_as('updated_at', 'timestamp') }} as has_invalid_updated_at
    from source

),

normalized as (

    select
        *,
        coalesce({{ is_valid_email('email') }}, false) as is_valid_email,
        nullif(
            trim({{ regex_replace_all('lower(job_title)', '[^a-z0-9]+', ' ') }}), ''
        ) as job_title_key
    from typed

),

ranked as (

    -- one survivor per id: the latest updated_at, then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by contact_id
            order by
                updated_at desc nulls last,
                account_id asc nulls last,
                email asc nulls last,
                first_name asc nulls last,
                last_name asc nulls last,
                job_title asc nulls last,
                country_code asc nulls last,
                lead_source asc nulls last,
                raw_email_opt_out asc nulls last,
                created_at asc nulls last
        ) as key_rank
    from normalized

),

record_flagged as (

    -- problems of the row itself that exclude it; only rows without one may survive an
    -- e-mail group. A value issue blanks one value and keeps the row.
    select
        *,
        case
            when contact_id is null then 'missing_key'
            when key_rank > 1 then 'duplicate_row'
            when email is null then 'missing_email'
            when not is_valid_email then 'malformed_email'
            when created_at is null and has_invalid_created_at then 'invalid_timestamp'
            when created_at is null then 'missing_timestamp'
            when
                created_at > {{ run_started_timestamp() }}
                or updated_at > {{ run_started_timestamp() }}
                then 'future_timestamp'
        end as record_issue,
        case
            when has_invalid_email_opt_out then 'invalid_boolean'
            when has_invalid_updated_at then 'invalid_timestamp'
        end as value_issue
    from ranked

),

merge_candidates as (

    select
        *,
        record_issue is null as is_merge_candidate
    from record_flagged

),

email_ranked as (

    -- survivor of an e-mail group: the oldest record, then the smallest contact_id
    select
        *,
        row_number() over (
            partition by email, is_merge_candidate
            order by created_at asc nulls last, contact_id asc nulls last
        ) as email_rank
    from merge_candidates

),

email_survivors as (

    select
        *,
        max(
            case when is_merge_candidate and email_rank = 1 then contact_id end
        ) over (partition by email) as email_survivor_contact_id
    from email_ranked

),

id_survivors as (

    -- an older copy of an id follows the surviving copy of that id, so that
    -- contact_id -> surviving_contact_id is one mapping whichever row it is read from
    select
        *,
        max(
            case when key_rank = 1 then email_survivor_contact_id end
        ) over (partition by contact_id) as id_survivor_contact_id
    from email_survivors

),

merged as (

    select
        *,
        case
            when contact_id is not null and key_rank > 1 then id_survivor_contact_id
            else email_survivor_contact_id
        end as surviving_contact_id,
        coalesce(
            record_issue,
            case when is_merge_candidate and email_rank > 1 then 'duplicate_email' end
        ) as exclusion_issue
    from id_survivors

),

final as (

    select
        contact_id,
        account_id,
        email,
        case
            when is_valid_email then {{ regex_replace_all('email', '^[^@]*@', '') }}
        end as email_domain,
        first_name,
        last_name,
        job_title,
        job_title_key,
        country_code,
        lead_source,
        coalesce(raw_email_opt_out, false) as has_email_opt_out,
        created_at,
        updated_at,
        surviving_contact_id,
        coalesce(exclusion_issue, value_issue) as quality_issue,
        exclusion_issue is not null as is_excluded
    from merged

)

select * from final
