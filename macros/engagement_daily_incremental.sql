{#- What int_engagement_daily's rows were computed with: a hash of the signal patterns, of
    the event-type map and of the bot settings (bot_settings_fingerprint). When it differs
    from the stored one, the model is rebuilt. -#}
{% macro engagement_daily_fingerprint() -%}
    select {{ dbt.hash("patterns.listed || ';' || event_types.listed || ';' || bots.fingerprint") }}
    from (
        select {{ dbt.listagg(row_text('signal, match_type, match_value, half_life_days'),
            "'|'", "order by " ~ row_text('signal, match_type, match_value, half_life_days'))
        }} as listed
        from {{ ref('int_engagement_signal_patterns') }}
    ) as patterns
    cross join (
        select {{ dbt.listagg(row_text('source_table, raw_value, event_type'),
            "'|'", "order by " ~ row_text('source_table, raw_value, event_type')) }} as listed
        from {{ ref('int_event_type_map') }}
    ) as event_types
    cross join ({{ bot_settings_fingerprint() }}) as bots
{%- endmacro %}

{#- The newest union_built_at int_engagement_daily holds (a Python datetime), or none when
    it must be rebuilt from everything (incremental_watermark). -#}
{% macro engagement_daily_watermark() -%}
    {{ return(incremental_watermark('union_built_at', engagement_daily_fingerprint())) }}
{%- endmacro %}

{#- The (raw contact, UTC day) pairs int_engagement_daily re-aggregates: those of which the
    event union wrote a row after `since` (a Python datetime: the start of the union's run
    that the newest stored aggregate saw, to the microsecond; each run's start is its own),
    and the days of a raw contact's e-mails of a campaign the union wrote a row of (a moved
    first delivery can change whether an older click of it is a link scanner's). -#}
{% macro engagement_days_to_rebuild(since) -%}
    select
        raw_contact_id,
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as activity_date
    from {{ ref('int_engagement_events_unioned') }}
    where built_at > {{ timestamp_literal(since) }} and occurred_at is not null

    union

    select
        events.raw_contact_id,
        cast({{ dbt.date_trunc('day', 'events.occurred_at') }} as date) as activity_date
    from {{ ref('int_engagement_events_unioned') }} as events
    inner join ({{ bot_groups_to_recheck(since, 'email_events') }}) as campaigns
        on
            events.raw_contact_id = campaigns.raw_contact_id
            and events.campaign_id = campaigns.campaign_id
    where events.source_table = 'email_events' and events.occurred_at is not null
{%- endmacro %}

{#- Which stored rows of int_engagement_daily (under `alias`) a run since `since`
    replaces: those of the (raw contact, day) pairs it re-aggregates. For the pre-hook
    (remove_replaced_rows) and, on Spark, the rows it keeps (rows_kept_in_rewritten_days). -#}
{% macro engagement_days_replaced(since, alias) -%}
    exists (
        select 1
        from ({{ engagement_days_to_rebuild(since) }}) as days_to_rebuild
        where
            days_to_rebuild.raw_contact_id = {{ alias }}.raw_contact_id
            and days_to_rebuild.activity_date = {{ alias }}.activity_date
    )
{%- endmacro %}
