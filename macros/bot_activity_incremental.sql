{#- What int_engagement_bot_activity's rows were computed with: a hash of the bot settings
    and of the e-mail rows of event_type_map (which raw values are deliveries and clicks).
    When it differs from the stored one, the model is recomputed from everything. -#}
{% macro bot_settings_fingerprint() -%}
    select {{ dbt.hash(
        "cast(bot_settings.bot_click_max_seconds as " ~ dbt.type_string() ~ ") || ','"
        ~ " || cast(bot_settings.bot_page_views_per_minute as " ~ dbt.type_string() ~ ") || ','"
        ~ " || cast(bot_settings.bot_page_views_per_hour as " ~ dbt.type_string() ~ ") || ','"
        ~ " || coalesce(email_types.mapping, '')") }} as fingerprint
    from {{ ref('int_scoring_model_config') }} as bot_settings
    cross join (
        select {{ dbt.listagg(
            "raw_value || '=' || event_type", "';'", "order by raw_value") }} as mapping
        from {{ ref('int_event_type_map') }}
        where source_table = 'email_events'
    ) as email_types
    where bot_settings.scoring_model = 'default'
{%- endmacro %}

{#- The start of int_engagement_bot_activity's last run (a Python datetime), or none when
    it is recomputed from everything (incremental_watermark). -#}
{% macro bot_activity_watermark() -%}
    {{ return(incremental_watermark('built_at', bot_settings_fingerprint())) }}
{%- endmacro %}

{#- The groups a bot rule judges together of which the event union wrote a row after
    `since`: for web_events a raw contact's clock hour (raw_contact_id, occurred_hour), for
    email_events a raw contact's campaign (raw_contact_id, campaign_id). -#}
{% macro bot_groups_to_recheck(since, source_table) -%}
    select distinct
        raw_contact_id,
        {% if source_table == 'web_events' -%}
            {{ dbt.date_trunc('hour', 'occurred_at') }} as occurred_hour
        {%- else -%}
            campaign_id
        {%- endif %}
    from {{ ref('int_engagement_events_unioned') }}
    where
        source_table = '{{ source_table }}'
        and built_at > {{ timestamp_literal(since) }}
        and occurred_at is not null
{%- endmacro %}

{#- Which stored flags of int_engagement_bot_activity (under `alias`) a run since `since`
    replaces: those of the groups it recomputes (bot_groups_to_recheck). For the pre-hook
    (remove_replaced_rows) and, on Spark, the rows it keeps (rows_kept_in_rewritten_days). -#}
{% macro bot_groups_replaced(since, alias) -%}
    (
        {{ alias }}.source_table = 'web_events'
        and exists (
            select 1
            from ({{ bot_groups_to_recheck(since, 'web_events') }}) as hours
            where
                hours.raw_contact_id = {{ alias }}.raw_contact_id
                and hours.occurred_hour = {{ dbt.date_trunc('hour', alias ~ '.occurred_at') }}
        )
    )
    or (
        {{ alias }}.source_table = 'email_events'
        and exists (
            select 1
            from ({{ bot_groups_to_recheck(since, 'email_events') }}) as campaigns
            where
                campaigns.raw_contact_id = {{ alias }}.raw_contact_id
                and campaigns.campaign_id = {{ alias }}.campaign_id
        )
    )
{%- endmacro %}
