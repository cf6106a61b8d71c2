with

source as (

    select {{ source_columns('crm', 'lead_status_changes') }}
    from {{ source('crm', 'lead_status_changes') }}

),

typed as (

    -- text trimmed (blank = null); changed_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('contact_id') }} as contact_id,
        nullif(lower(trim(cast(status as {{ dbt.type_string() }}))), '') as status,
        {{ try_cast_as('changed_at', 'timestamp') }} as changed_at,
        {{ is_invalid_as('changed_at', 'timestamp') }} as has_invalid_changed_at
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
    from typed

),

ranked as (

    -- the copies of one change share the staged values its id is made of, so which copy
    -- comes first changes nothing, except between a missing and an unreadable changed_at
    -- (both null): the missing one comes first
    select
        *,
        row_number() over (
            partition by status_change_id
            order by has_invalid_changed_at asc
        ) as key_rank
    from keyed

),

flagged as (

    select
        *,
        -- every issue of a status change excludes it (changed_at is required)
        case
            when key_rank > 1 then 'duplicate_row'
            when changed_at is null and has_invalid_changed_at then 'invalid_timestamp'
            when changed_at is null then 'missing_timestamp'
            when changed_at > {{ run_started_timestamp() }} then 'future_timestamp'
            when contact_id is null then 'missing_contact_id'
            when
                status is null
                or status not in ('working', 'accepted', 'rejected', 'recycled')
                then 'unknown_status'
        end as exclusion_issue
    from ranked

),

final as (

    select
        status_change_id,
        contact_id,
        status,
        changed_at,
        exclusion_issue as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
