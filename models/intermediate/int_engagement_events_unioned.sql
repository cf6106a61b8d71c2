-- One long table of every engagement event from every marketing source (web, e-mail,
-- forms, event attendance) and of the CRM's sales activities (calls, e-mails, meetings):
-- one row per raw event row, nothing dropped. Each row gets its canonical event type
-- (seed event_type_map), the contact it is scored for (after merges), a bot flag, and an
-- exclusion reason when it cannot be used.

with

web_events as (

    select * from {{ ref('stg_marketing__web_events') }}

),

email_events as (

    select * from {{ ref('stg_marketing__email_events') }}

),

form_submissions as (

    select * from {{ ref('stg_marketing__form_submissions') }}

),

event_attendance as (

    select * from {{ ref('stg_marketing__event_attendance') }}

),

sales_activities as (

    select * from {{ ref('stg_crm__sales_activities') }}

),

contact_id_map as (

    select * from {{ ref('int_contact_id_map') }}

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

unioned as (

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
        quality_issue
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
        quality_issue
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
        quality_issue
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
        quality_issue
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
        quality_issue
    from sales_activities

),

resolved as (

    select
        unioned.source_table,
        unioned.event_id,
        unioned.raw_contact_id,
        contact_id_map.resolved_contact_id as contact_id,
        unioned.raw_event_type,
        event_type_map.event_type,
        unioned.event_detail,
        unioned.session_id,
        unioned.campaign_id,
        unioned.product_line,
        unioned.occurred_at,
        case
            when unioned.quality_issue is not null then unioned.quality_issue
            when event_type_map.event_type is null then 'unknown_event_type'
            when contact_id_map.contact_id is null then 'unknown_contact'
            when contact_id_map.resolved_contact_id is null then 'contact_excluded'
        end as exclusion_reason
    from unioned
    left join event_type_map
        on
            unioned.source_table = event_type_map.source_table
            and unioned.raw_event_type = event_type_map.raw_value
    left join contact_id_map
        on unioned.raw_contact_id = contact_id_map.contact_id

),

-- Machine activity, found on the staged e-mail and web events directly (per CRM contact
-- record) so that the large union above is read once and probed only against these small
-- sets: the first delivery of each campaign, scanner clicks, flood minutes, hours at a
-- sustained bot rate. (They read the staging tables again instead of the import CTEs so no
-- CTE is referenced twice: DuckDB would materialize it, and at 100M rows that spills to
-- disk.)
email_event_types as (

    select
        raw_value,
        event_type
    from event_type_map
    where source_table = 'email_events'

),

first_deliveries as (

    select
        email_events.contact_id,
        email_events.campaign_id,
        min(email_events.occurred_at) as delivered_at
    from {{ ref('stg_marketing__email_events') }} as email_events
    inner join email_event_types
        on email_events.event_type_raw = email_event_types.raw_value
    where
        not email_events.is_excluded
        and email_event_types.event_type = 'email_delivered'
    group by email_events.contact_id, email_events.campaign_id

),

scanner_clicks as (

    select distinct
        clicks.contact_id,
        clicks.campaign_id,
        clicks.occurred_at
    from {{ ref('stg_marketing__email_events') }} as clicks
    inner join email_event_types
        on clicks.event_type_raw = email_event_types.raw_value
    inner join first_deliveries
        on
            clicks.contact_id = first_deliveries.contact_id
            and clicks.campaign_id = first_deliveries.campaign_id
    cross join bot_settings
    where
        not clicks.is_excluded
        and email_event_types.event_type = 'email_click'
        and {{ dbt.datediff('first_deliveries.delivered_at', 'clicks.occurred_at', 'second') }}
        between 0 and bot_settings.bot_click_max_seconds

),

flood_minutes as (

    select
        web_events.contact_id,
        {{ dbt.date_trunc('minute', 'web_events.occurred_at') }} as occurred_minute
    from {{ ref('stg_marketing__web_events') }} as web_events
    cross join bot_settings
    where not web_events.is_excluded
    group by
        web_events.contact_id,
        {{ dbt.date_trunc('minute', 'web_events.occurred_at') }},
        bot_settings.bot_page_views_per_minute
    having count(*) > bot_settings.bot_page_views_per_minute

),

sustained_rate_hours as (

    -- a bot that stays under the per-minute limit, but for hours (30 a minute = 1,800 an hour)
    select
        web_events.contact_id,
        {{ dbt.date_trunc('hour', 'web_events.occurred_at') }} as occurred_hour
    from {{ ref('stg_marketing__web_events') }} as web_events
    cross join bot_settings
    where not web_events.is_excluded
    group by
        web_events.contact_id,
        {{ dbt.date_trunc('hour', 'web_events.occurred_at') }},
        bot_settings.bot_page_views_per_hour
    having count(*) > bot_settings.bot_page_views_per_hour

),

bot_flagged as (

    select
        resolved.*,
        case
            when scanner_clicks.contact_id is not null
                then 'email_click_seconds_after_delivery'
            when flood_minutes.contact_id is not null then 'page_view_flood'
            when sustained_rate_hours.contact_id is not null then 'page_view_sustained_rate'
        end as bot_reason
    from resolved
    left join scanner_clicks
        on
            resolved.event_type = 'email_click'
            and resolved.exclusion_reason is null
            and resolved.raw_contact_id = scanner_clicks.contact_id
            and resolved.campaign_id = scanner_clicks.campaign_id
            and resolved.occurred_at = scanner_clicks.occurred_at
    left join flood_minutes
        on
            resolved.event_type = 'page_view'
            and resolved.exclusion_reason is null
            and resolved.raw_contact_id = flood_minutes.contact_id
            and {{ dbt.date_trunc('minute', 'resolved.occurred_at') }}
            = flood_minutes.occurred_minute
    left join sustained_rate_hours
        on
            resolved.event_type = 'page_view'
            and resolved.exclusion_reason is null
            and resolved.raw_contact_id = sustained_rate_hours.contact_id
            and {{ dbt.date_trunc('hour', 'resolved.occurred_at') }}
            = sustained_rate_hours.occurred_hour

),

final as (

    select
        source_table || ':' || coalesce(event_id, '') as event_key,
        source_table,
        event_id,
        raw_contact_id,
        contact_id,
        raw_event_type,
        event_type,
        event_detail,
        session_id,
        campaign_id,
        product_line,
        occurred_at,
        exclusion_reason,
        exclusion_reason is not null as is_excluded,
        bot_reason,
        bot_reason is not null as is_bot_activity
    from bot_flagged

)

select * from final
