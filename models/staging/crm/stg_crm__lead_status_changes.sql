with

source as (

    select * from {{ source('crm', 'lead_status_changes') }}

),

renamed as (

    select
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(status as {{ dbt.type_string() }}))), '') as status,
        cast(changed_at as {{ dbt.type_timestamp() }}) as changed_at,
        -- raw values, only to order exact duplicates deterministically
        cast(contact_id as {{ dbt.type_string() }}) as source_contact_id,
        cast(status as {{ dbt.type_string() }}) as source_status
    from source

),

keyed as (

    -- the table has no id of its own: contact, status and time identify a change
    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(contact_id, '')",
            "'|'",
            "coalesce(status, '')",
            "'|'",
            "coalesce(cast(changed_at as " ~ dbt.type_string() ~ "), '')",
        ])) }} as status_change_id
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by status_change_id
            order by source_contact_id asc nulls last, source_status asc nulls last
        ) as key_rank
    from keyed

),

flagged as (

    select
        *,
        case
            when key_rank > 1 then 'duplicate_row'
            when changed_at is null then 'missing_timestamp'
            when changed_at > {{ run_started_timestamp() }} then 'future_timestamp'
            when contact_id is null then 'missing_contact_id'
            when
                status is null
                or status not in ('working', 'accepted', 'rejected', 'recycled')
                then 'unknown_status'
        end as quality_issue
    from ranked

),

final as (

    select
        status_change_id,
        contact_id,
        status,
        changed_at,
        quality_issue,
        quality_issue is not null as is_excluded
    from flagged

)

select * from final
