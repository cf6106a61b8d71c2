{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='row_key',
    on_schema_change='fail',
) }}
-- One long table of every engagement event from every marketing source (web, e-mail,
-- forms, event attendance) and of the CRM's sales activities (calls, e-mails, meetings):
-- one row per raw event row, nothing dropped, with its quality issue (copies of one event
-- id: the latest survives) and its bot flag, as the raw rows say; which contact an event
-- counts for and its canonical event type are resolved when it is read
-- (int_engagement_events_resolved), because merges and the event-type map change.
--
-- Incremental (docs/architecture.md, "Incremental builds"): a run re-reads the raw rows
-- from the day of the latest event it holds minus `event_lookback_days`, and recomputes
-- with them every stored row whose result they can change: the other copies of their
-- event ids (which survives: for forms, attendance and sales activities their staging
-- tables say, for web and e-mail events this model compares the stored copies), and the
-- rows of the same raw contact in the same hour (page-view floods) or of the same contact
-- and campaign (scanner clicks). Every row it writes carries this run's built_at, which is
-- how int_engagement_daily finds the days to re-aggregate. A change of the bot settings or
-- of the e-mail event-type map rebuilds everything (settings_fingerprint).

{%- set settings_fingerprint -%}
    select {{ dbt.hash(
        "cast(bot_settings.bot_click_max_seconds as " ~ dbt.type_string() ~ ") || ','"
        ~ " || cast(bot_settings.bot_page_views_per_minute as " ~ dbt.type_string() ~ ") || ','"
        ~ " || cast(bot_settings.bot_page_views_per_hour as " ~ dbt.type_string() ~ ") || ','"
        ~ " || coalesce(email_types.mapping, '')") }}
    from {{ ref('int_scoring_model_config') }} as bot_settings
    cross join (
        select {{ dbt.listagg(
            normalize_key('raw_value') ~ " || '=' || " ~ normalize_key('event_type'),
            "';'", "order by " ~ normalize_key('raw_value')) }} as mapping
        from {{ ref('event_type_map') }}
        where {{ normalize_key('source_table') }} = 'email_events'
    ) as email_types
    where bot_settings.scoring_model = 'default'
{%- endset -%}
{%- set window_start = incremental_window_start(settings_fingerprint) %}

with

web_events as (

    select * from {{ ref('stg_marketing__web_events') }}
    {% if window_start is not none -%}
        where occurred_at >= {{ window_start }} or occurred_at is null
    {%- endif %}

),

email_events as (

    select * from {{ ref('stg_marketing__email_events') }}
    {% if window_start is not none -%}
        where occurred_at >= {{ window_start }} or occurred_at is null
    {%- endif %}

),

form_submissions as (

    select * from {{ ref('stg_marketing__form_submissions') }}
    {% if window_start is not none -%}
        where
            occurred_at >= {{ window_start }}
            or occurred_at is null
            or submission_id in (
                select recent.submission_id from {{ ref('stg_marketing__form_submissions') }} as recent
                where recent.occurred_at >= {{ window_start }} or recent.occurred_at is null
            )
    {%- endif %}

),

event_attendance as (

    select * from {{ ref('stg_marketing__event_attendance') }}
    {% if window_start is not none -%}
        where
            occurred_at >= {{ window_start }}
            or occurred_at is null
            or attendance_id in (
                select recent.attendance_id from {{ ref('stg_marketing__event_attendance') }} as recent
                where recent.occurred_at >= {{ window_start }} or recent.occurred_at is null
            )
    {%- endif %}

),

sales_activities as (

    select * from {{ ref('stg_crm__sales_activities') }}
    {% if window_start is not none -%}
        where
            occurred_at >= {{ window_start }}
            or occurred_at is null
            or activity_id in (
                select recent.activity_id from {{ ref('stg_crm__sales_activities') }} as recent
                where recent.occurred_at >= {{ window_start }} or recent.occurred_at is null
            )
    {%- endif %}

),

event_type_map as (

    select
        {{ normalize_key('source_table') }} as source_table,
        {{ normalize_key('raw_value') }} as raw_value,
        {{ normalize_key('event_type') }} as event_type
    from {{ ref('event_type_map') }}

),

bot_settings as (

    select
        bot_click_max_seconds,
        bot_page_views_per_minute,
        bot_page_views_per_hour
    from {{ ref('int_scoring_model_config') }}
    where scoring_model = 'default'

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

{% if window_start is not none %}

    -- the hours (per raw contact) and the campaigns (per raw contact) of the ranked rows
    -- before the window: their other usable stored rows get their bot flag recomputed
    hours_to_recheck as (

        select distinct
            raw_contact_id,
            {{ dbt.date_trunc('hour', 'occurred_at') }} as occurred_hour
        from ranked_rows
        where source_table = 'web_events' and occurred_at < {{ window_start }}

    ),

    campaigns_to_recheck as (

        select distinct
            raw_contact_id,
            campaign_id
        from ranked_rows
        where source_table = 'email_events'

    ),

    stored_rows_to_recheck as (

        select stored.*
        from {{ this }} as stored
        inner join hours_to_recheck
            on
                stored.raw_contact_id = hours_to_recheck.raw_contact_id
                and {{ dbt.date_trunc('hour', 'stored.occurred_at') }}
                = hours_to_recheck.occurred_hour
        where
            stored.source_table = 'web_events'
            and stored.occurred_at < {{ window_start }}
            and stored.quality_issue is null

        union all

        select stored.*
        from {{ this }} as stored
        inner join campaigns_to_recheck
            on
                stored.raw_contact_id = campaigns_to_recheck.raw_contact_id
                and stored.campaign_id = campaigns_to_recheck.campaign_id
        where
            stored.source_table = 'email_events'
            and stored.occurred_at < {{ window_start }}
            and stored.quality_issue is null

    ),

    rows_to_flag as (

        select * from ranked_rows

        union all

        -- usable stored rows sharing an hour or a campaign with a ranked row: their bot
        -- flag is recomputed, their quality issue stays
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
            quality_issue,
            row_key
        from stored_rows_to_recheck
        where row_key not in (select ranked_rows.row_key from ranked_rows)

    ),

{% else %}

    rows_to_flag as (

        select * from ranked_rows

    ),

{% endif %}

-- Machine activity, among the usable e-mail and web rows (per raw contact id): the first
-- delivery of each campaign, scanner clicks, flood minutes, hours at a sustained bot rate
usable_email_rows as (

    select
        rows_to_flag.raw_contact_id,
        rows_to_flag.campaign_id,
        rows_to_flag.raw_event_type,
        rows_to_flag.occurred_at,
        email_event_types.event_type
    from rows_to_flag
    inner join event_type_map as email_event_types
        on
            rows_to_flag.raw_event_type = email_event_types.raw_value
            and email_event_types.source_table = 'email_events'
    where
        rows_to_flag.source_table = 'email_events'
        and rows_to_flag.quality_issue is null

),

first_deliveries as (

    select
        raw_contact_id,
        campaign_id,
        min(occurred_at) as delivered_at
    from usable_email_rows
    where event_type = 'email_delivered'
    group by raw_contact_id, campaign_id

),

scanner_clicks as (

    select distinct
        clicks.raw_contact_id,
        clicks.campaign_id,
        clicks.raw_event_type,
        clicks.occurred_at
    from usable_email_rows as clicks
    inner join first_deliveries
        on
            clicks.raw_contact_id = first_deliveries.raw_contact_id
            and clicks.campaign_id = first_deliveries.campaign_id
    cross join bot_settings
    where
        clicks.event_type = 'email_click'
        and {{ dbt.datediff('first_deliveries.delivered_at', 'clicks.occurred_at', 'second') }}
        between 0 and bot_settings.bot_click_max_seconds

),

usable_web_rows as (

    select
        raw_contact_id,
        occurred_at
    from rows_to_flag
    where source_table = 'web_events' and quality_issue is null

),

flood_minutes as (

    select
        usable_web_rows.raw_contact_id,
        {{ dbt.date_trunc('minute', 'usable_web_rows.occurred_at') }} as occurred_minute
    from usable_web_rows
    cross join bot_settings
    group by
        usable_web_rows.raw_contact_id,
        {{ dbt.date_trunc('minute', 'usable_web_rows.occurred_at') }},
        bot_settings.bot_page_views_per_minute
    having count(*) > bot_settings.bot_page_views_per_minute

),

sustained_rate_hours as (

    -- a bot that stays under the per-minute limit, but for hours (30 a minute = 1,800 an hour)
    select
        usable_web_rows.raw_contact_id,
        {{ dbt.date_trunc('hour', 'usable_web_rows.occurred_at') }} as occurred_hour
    from usable_web_rows
    cross join bot_settings
    group by
        usable_web_rows.raw_contact_id,
        {{ dbt.date_trunc('hour', 'usable_web_rows.occurred_at') }},
        bot_settings.bot_page_views_per_hour
    having count(*) > bot_settings.bot_page_views_per_hour

),

final as (

    select
        rows_to_flag.row_key,
        rows_to_flag.source_table || ':' || coalesce(rows_to_flag.event_id, '') as event_key,
        rows_to_flag.source_table,
        rows_to_flag.event_id,
        rows_to_flag.raw_contact_id,
        rows_to_flag.raw_event_type,
        rows_to_flag.event_detail,
        rows_to_flag.session_id,
        rows_to_flag.campaign_id,
        rows_to_flag.product_line,
        rows_to_flag.occurred_at,
        rows_to_flag.row_issue,
        rows_to_flag.quality_issue,
        case
            when rows_to_flag.quality_issue is not null then null
            when scanner_clicks.raw_contact_id is not null
                then 'email_click_seconds_after_delivery'
            when flood_minutes.raw_contact_id is not null then 'page_view_flood'
            when sustained_rate_hours.raw_contact_id is not null then 'page_view_sustained_rate'
        end as bot_reason,
        ({{ settings_fingerprint }}) as settings_fingerprint,
        {{ timestamp_literal(run_started_at) }} as built_at
    from rows_to_flag
    left join scanner_clicks
        on
            rows_to_flag.source_table = 'email_events'
            and rows_to_flag.raw_contact_id = scanner_clicks.raw_contact_id
            and rows_to_flag.campaign_id = scanner_clicks.campaign_id
            and rows_to_flag.raw_event_type = scanner_clicks.raw_event_type
            and rows_to_flag.occurred_at = scanner_clicks.occurred_at
    left join flood_minutes
        on
            rows_to_flag.source_table = 'web_events'
            and rows_to_flag.raw_contact_id = flood_minutes.raw_contact_id
            and {{ dbt.date_trunc('minute', 'rows_to_flag.occurred_at') }}
            = flood_minutes.occurred_minute
    left join sustained_rate_hours
        on
            rows_to_flag.source_table = 'web_events'
            and rows_to_flag.raw_contact_id = sustained_rate_hours.raw_contact_id
            and {{ dbt.date_trunc('hour', 'rows_to_flag.occurred_at') }}
            = sustained_rate_hours.occurred_hour

)

select * from final
