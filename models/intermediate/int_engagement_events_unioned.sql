{{ config(
    materialized='incremental',
    incremental_strategy=engagement_incremental_strategy('delete+insert'),
    unique_key='row_key',
    partition_by=engagement_partition_by('occurred_date'),
    on_schema_change='fail',
) }}
-- One long table of every engagement event from every marketing source (web, e-mail,
-- forms, event attendance) and of the CRM's sales activities (calls, e-mails, meetings):
-- one row per raw event row, nothing dropped, with its quality issue (copies of one event
-- id: the latest survives), as the raw rows say; machine activity is found from it
-- (int_engagement_bot_activity), and which contact an event counts for and its canonical
-- event type are resolved when it is read (int_engagement_events_resolved), because
-- merges and the event-type map change.
--
-- Incremental (docs/architecture.md, "Incremental builds"): a run re-reads the raw rows
-- from the day of the latest event it holds minus `event_lookback_days`, and recomputes
-- with them every stored row whose result they can change: the other copies of their
-- event ids (which survives: for forms, attendance and sales activities their staging
-- tables say, for web and e-mail events this model compares the stored copies). Every
-- row it writes carries this run's built_at, which is how int_engagement_bot_activity and
-- int_engagement_daily find what to recompute. The stored rows with the row_keys it writes
-- are replaced (delete+insert; on Spark the days they fall on are rewritten whole, the
-- other rows of those days kept: macros/engagement_materialization.sql).

{%- set window_start = incremental_window_start() %}
{#- what union_rows_replaced compares the stored rows with (none: nothing stored to keep) -#}
{%- set replaced_since = 'new_rows' if window_start is not none else none %}

with

web_events as (

    {{ rows_in_window(ref('stg_marketing__web_events'), window_start) }}

),

email_events as (

    {{ rows_in_window(ref('stg_marketing__email_events'), window_start) }}

),

form_submissions as (

    {{ rows_in_window(ref('stg_marketing__form_submissions'), window_start, 'submission_id') }}

),

event_attendance as (

    {{ rows_in_window(ref('stg_marketing__event_attendance'), window_start, 'attendance_id') }}

),

sales_activities as (

    {{ rows_in_window(ref('stg_crm__sales_activities'), window_start, 'activity_id') }}

),

-- the raw rows this run reads, in one shape; row_issue is the row's own quality issue
-- (staging), before the copies of an event id are compared
read_rows as (

    select
        'web_events' as source_table,
        event_id,
        contact_id as raw_contact_id,
        'page_view' as raw_event_type,
        page_path as event_detail,
        session_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        occurred_at,
        quality_issue as row_issue
    from web_events

    union all

    select
        'email_events' as source_table,
        event_id,
        contact_id as raw_contact_id,
        event_type_raw as raw_event_type,
        campaign_id as event_detail,
        cast(null as {{ dbt.type_string() }}) as session_id,
        campaign_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        occurred_at,
        quality_issue as row_issue
    from email_events

    union all

    select
        'form_submissions' as source_table,
        submission_id as event_id,
        contact_id as raw_contact_id,
        form_type_raw as raw_event_type,
        lower(asset_name) as event_detail,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        product_line,
        occurred_at,
        quality_issue as row_issue
    from form_submissions

    union all

    select
        'event_attendance' as source_table,
        attendance_id as event_id,
        contact_id as raw_contact_id,
        event_type_raw || ':' || attendance_status_raw as raw_event_type,
        cast(null as {{ dbt.type_string() }}) as event_detail,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        product_line,
        occurred_at,
        quality_issue as row_issue
    from event_attendance

    union all

    select
        'sales_activities' as source_table,
        activity_id as event_id,
        contact_id as raw_contact_id,
        activity_type as raw_event_type,
        cast(null as {{ dbt.type_string() }}) as event_detail,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        occurred_at,
        quality_issue as row_issue
    from sales_activities

),

{% if window_start is not none %}

    -- the event ids read: every stored copy of them before the window is ranked again
    -- (which copy survives). Each read of the stored table joins it to a small set, so
    -- that it is scanned, never copied.
    read_ids as (

        select distinct
            source_table,
            event_id
        from read_rows
        where source_table in ('web_events', 'email_events') and event_id is not null

    ),

    copies_of_read_ids as (

        select stored.*
        from {{ this }} as stored
        inner join read_ids
            on
                stored.source_table = read_ids.source_table
                and stored.event_id = read_ids.event_id
        where stored.occurred_at < {{ window_start }}

    ),

    rows_to_rank as (

        select
            source_table,
            event_id,
            raw_contact_id,
            raw_event_type,
            event_detail,
            session_id,
            campaign_id,
            product_line,
            occurred_at,
            row_issue
        from read_rows

        union all

        select
            source_table,
            event_id,
            raw_contact_id,
            raw_event_type,
            event_detail,
            session_id,
            campaign_id,
            product_line,
            occurred_at,
            row_issue
        from copies_of_read_ids

    ),

{% else %}

    rows_to_rank as (

        select * from read_rows

    ),

{% endif %}

-- copies of one event id: the latest occurred_at survives, then the smallest values (as
-- staged); a row without an id is ranked among identical rows only (copy_group: a hash of
-- its values), so that each raw row keeps one stable row_key
grouped as (

    select
        *,
        coalesce(
            ':' || event_id,
            '!' || {{ dbt.hash(row_text(
                'raw_contact_id, raw_event_type, event_detail, session_id, campaign_id,'
                ~ ' product_line, occurred_at, row_issue')) }}
        ) as copy_group
    from rows_to_rank

),

ranked as (

    select
        *,
        row_number() over (
            partition by source_table, copy_group
            order by
                -- (forms, attendance, sales activities come with their survivor chosen)
                case when row_issue = 'duplicate_row' then 1 else 0 end,
                occurred_at desc nulls last,
                raw_contact_id asc nulls last,
                session_id asc nulls last,
                campaign_id asc nulls last,
                raw_event_type asc nulls last,
                event_detail asc nulls last,
                product_line asc nulls last
        ) as key_rank
    from grouped

),

ranked_rows as (

    select
        source_table,
        event_id,
        raw_contact_id,
        raw_event_type,
        event_detail,
        session_id,
        campaign_id,
        product_line,
        occurred_at,
        row_issue,
        case
            -- forms, attendance and sales activities: their staging compares the copies
            -- (every copy of an id read is re-read, so the ranks here stay stable)
            when source_table not in ('web_events', 'email_events') then row_issue
            else {{ event_exclusion_issue('event_id', 'row_issue') }}
        end as quality_issue,
        source_table || copy_group || ':' || cast(key_rank as {{ dbt.type_string() }}) as row_key
    from ranked

),

new_rows as (

    select
        row_key,
        source_table || ':' || coalesce(event_id, '') as event_key,
        source_table,
        event_id,
        raw_contact_id,
        raw_event_type,
        event_detail,
        session_id,
        campaign_id,
        product_line,
        occurred_at,
        row_issue,
        quality_issue,
        {{ timestamp_literal(run_started_at) }} as built_at,
        -- last: Spark's partition column (engagement_partition_by)
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as occurred_date
    from ranked_rows

),

final as (

    -- (on Spark, with the stored rows of the days it rewrites that it keeps)
    {{ rows_written('new_rows', union_rows_replaced, replaced_since, 'occurred_date') }}

)

select * from final
