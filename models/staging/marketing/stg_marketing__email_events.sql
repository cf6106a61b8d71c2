with

source as (

    select {{ source_columns('marketing', 'email_events') }}
    from {{ source('marketing', 'email_events') }}

),

typed as (

    -- text trimmed (blank = null); occurred_at read defensively: a value that cannot be
    -- read becomes null and is flagged below
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ normalize_code('event_type') }} as event_type_raw,
        {{ try_cast_as('occurred_at', 'timestamp') }} as occurred_at,
        {{ is_invalid_as('occurred_at', 'timestamp') }} as has_invalid_occurred_at
    from source

),

ranked as (

    -- one survivor per id: the latest occurred_at, then the smallest values (as staged)
    select
        *,
        row_number() over (
            partition by event_id
            order by
                occurred_at desc nulls last,
                contact_id asc nulls last,
                campaign_id asc nulls last,
                event_type_raw asc nulls last
        ) as key_rank
    from typed

),

flagged as (

    select
        *,
        {{ event_exclusion_issue('event_id', run_started_timestamp()) }} as exclusion_issue
    from ranked

),

final as (

    select
        event_id,
        contact_id,
        campaign_id,
        event_type_raw,
        occurred_at,
        exclusion_issue as quality_issue,
        exclusion_issue is not null as is_excluded
    from flagged

)

select * from final
