{{ config(
    materialized='incremental',
    incremental_strategy=engagement_incremental_strategy('append'),
    partition_by=engagement_partition_by('occurred_date'),
    on_schema_change='fail',
    pre_hook="{{ remove_replaced_rows(
        bot_groups_replaced, bot_activity_watermark(), 'occurred_date') }}",
) }}
-- depends_on: {{ ref('int_engagement_events_unioned') }}
-- Machine activity among the engagement events: one row per event row (row_key of
-- int_engagement_events_unioned) that is a bot's, with why. Found per raw contact id among
-- the rows without a quality issue: an e-mail click seconds after the campaign's first
-- delivery (a link scanner), more page views in a clock minute or a clock hour than the
-- bot settings allow. Such events are kept, but score nothing
-- (int_engagement_events_resolved).
--
-- Incremental: a run recomputes the groups a bot rule judges together - a raw contact's
-- clock hour of page views, a raw contact's e-mails of one campaign - of which the union
-- wrote a row since this model last ran (macro bot_groups_to_recheck); the pre-hook
-- removes their old flags (macros remove_replaced_rows, bot_groups_replaced; on Spark
-- whole days are rewritten, the other flags of a day kept). A change of the bot settings
-- or of the e-mail rows of event_type_map (settings_fingerprint) recomputes everything.

{%- set since = bot_activity_watermark() %}

with

email_event_types as (

    select
        raw_value,
        event_type
    from {{ ref('int_event_type_map') }}
    where source_table = 'email_events'

),

bot_settings as (

    select
        bot_click_max_seconds,
        bot_page_views_per_minute,
        bot_page_views_per_hour
    from {{ ref('int_scoring_model_config') }}
    where scoring_model = 'default'

),

{% if since is not none %}

    web_hours_to_recheck as (

        {{ bot_groups_to_recheck(since, 'web_events') }}

    ),

    email_campaigns_to_recheck as (

        {{ bot_groups_to_recheck(since, 'email_events') }}

    ),

    web_rows as (

        select
            events.row_key,
            events.source_table,
            events.raw_contact_id,
            events.campaign_id,
            events.occurred_at
        from {{ ref('int_engagement_events_unioned') }} as events
        inner join web_hours_to_recheck
            on
                events.raw_contact_id = web_hours_to_recheck.raw_contact_id
                and {{ dbt.date_trunc('hour', 'events.occurred_at') }}
                = web_hours_to_recheck.occurred_hour
        where events.source_table = 'web_events' and events.quality_issue is null

    ),

    email_rows as (

        select
            events.row_key,
            events.source_table,
            events.raw_contact_id,
            events.campaign_id,
            events.occurred_at,
            email_event_types.event_type
        from {{ ref('int_engagement_events_unioned') }} as events
        inner join email_campaigns_to_recheck
            on
                events.raw_contact_id = email_campaigns_to_recheck.raw_contact_id
                and events.campaign_id = email_campaigns_to_recheck.campaign_id
        inner join email_event_types
            on events.raw_event_type = email_event_types.raw_value
        where events.source_table = 'email_events' and events.quality_issue is null

    ),

{% else %}

    web_rows as (

        select
            row_key,
            source_table,
            raw_contact_id,
            campaign_id,
            occurred_at
        from {{ ref('int_engagement_events_unioned') }}
        where source_table = 'web_events' and quality_issue is null

    ),

    email_rows as (

        select
            events.row_key,
            events.source_table,
            events.raw_contact_id,
            events.campaign_id,
            events.occurred_at,
            email_event_types.event_type
        from {{ ref('int_engagement_events_unioned') }} as events
        inner join email_event_types
            on events.raw_event_type = email_event_types.raw_value
        where events.source_table = 'email_events' and events.quality_issue is null

    ),

{% endif %}

first_deliveries as (

    select
        raw_contact_id,
        campaign_id,
        min(occurred_at) as delivered_at
    from email_rows
    where event_type = 'email_delivered'
    group by raw_contact_id, campaign_id

),

scanner_clicks as (

    select
        clicks.row_key,
        clicks.source_table,
        clicks.raw_contact_id,
        clicks.campaign_id,
        clicks.occurred_at,
        'email_click_seconds_after_delivery' as bot_reason
    from email_rows as clicks
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

flood_minutes as (

    select
        web_rows.raw_contact_id,
        {{ dbt.date_trunc('minute', 'web_rows.occurred_at') }} as occurred_minute
    from web_rows
    cross join bot_settings
    group by
        web_rows.raw_contact_id,
        {{ dbt.date_trunc('minute', 'web_rows.occurred_at') }},
        bot_settings.bot_page_views_per_minute
    having count(*) > bot_settings.bot_page_views_per_minute

),

sustained_rate_hours as (

    -- a bot that stays under the per-minute limit, but for hours (30 a minute = 1,800 an hour)
    select
        web_rows.raw_contact_id,
        {{ dbt.date_trunc('hour', 'web_rows.occurred_at') }} as occurred_hour
    from web_rows
    cross join bot_settings
    group by
        web_rows.raw_contact_id,
        {{ dbt.date_trunc('hour', 'web_rows.occurred_at') }},
        bot_settings.bot_page_views_per_hour
    having count(*) > bot_settings.bot_page_views_per_hour

),

page_view_bots as (

    select
        web_rows.row_key,
        web_rows.source_table,
        web_rows.raw_contact_id,
        web_rows.campaign_id,
        web_rows.occurred_at,
        case
            when flood_minutes.raw_contact_id is not null then 'page_view_flood'
            else 'page_view_sustained_rate'
        end as bot_reason
    from web_rows
    left join flood_minutes
        on
            web_rows.raw_contact_id = flood_minutes.raw_contact_id
            and {{ dbt.date_trunc('minute', 'web_rows.occurred_at') }}
            = flood_minutes.occurred_minute
    left join sustained_rate_hours
        on
            web_rows.raw_contact_id = sustained_rate_hours.raw_contact_id
            and {{ dbt.date_trunc('hour', 'web_rows.occurred_at') }}
            = sustained_rate_hours.occurred_hour
    where
        flood_minutes.raw_contact_id is not null
        or sustained_rate_hours.raw_contact_id is not null

),

bots as (

    select * from scanner_clicks
    union all
    select * from page_view_bots

),

flagged as (

    select
        row_key,
        source_table,
        raw_contact_id,
        campaign_id,
        occurred_at,
        bot_reason,
        {{ timestamp_literal(run_started_at) }} as built_at,
        ({{ bot_settings_fingerprint() }}) as settings_fingerprint,
        -- last: Spark's partition column (engagement_partition_by)
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as occurred_date
    from bots

),

final as (

    -- (on Spark, with the stored rows of the days it rewrites that it keeps)
    {{ rows_written('flagged', bot_groups_replaced, since, 'occurred_date') }}

)

select * from final
