-- The high-intent signals (seed intent_signals) seen before each alert: a signal is seen
-- when min_events of its usable events (up to the scoring date) fall within within_minutes
-- of each other (counted back from each event), or anywhere in the look-back without a
-- window, inside the look-back (setting intent_lookback_days) before the MQL moment. A
-- table: it reads the events and joins them to themselves. Grain: one row per alert_id
-- that has a signal; each signal is listed once.

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

intent_signals as (

    select
        {{ normalize_key('signal_id') }} as signal_id,
        {{ normalize_key('event_type') }} as event_type,
        lower(match_value) as match_value,
        min_events,
        within_minutes,
        label
    from {{ ref('intent_signals') }}

),

events as (

    -- the usable events up to the scoring date; the join to the entries keeps those of
    -- alerted contacts (no `in (select ... from entries)` besides: it says nothing more,
    -- and beside the self-join below it broke Spark 4 on a union of rows, i.e. the unit
    -- test's given rows: ClassCastException in UnionExec.children)
    select
        contact_id,
        event_type,
        event_detail,
        occurred_at
    from {{ ref('int_engagement_events_usable') }}
    where occurred_at <= {{ as_of_timestamp() }}

),

signal_events as (

    -- events that belong to an intent signal, within the look-back before the MQL moment
    select distinct
        entries.alert_id,
        intent_signals.signal_id,
        intent_signals.label,
        intent_signals.min_events,
        intent_signals.within_minutes,
        events.occurred_at
    from entries
    inner join events
        on
            entries.contact_id = events.contact_id
            and entries.became_mql_at >= events.occurred_at
            and {{ dbt.dateadd(
                'day', '-cast(entries.intent_lookback_days as ' ~ dbt.type_int() ~ ')',
                'entries.became_mql_at') }} <= events.occurred_at
    inner join intent_signals
        on
            events.event_type = intent_signals.event_type
            and coalesce(events.event_detail, '') like intent_signals.match_value

),

signals_seen as (

    -- a signal is seen when min_events of its events fall within within_minutes of each
    -- other (counted back from each event), or anywhere in the look-back without a window;
    -- once per alert, however many of its events complete it
    select distinct
        alert_id,
        signal_id,
        label
    from (
        select
            later.alert_id,
            later.signal_id,
            later.label
        from signal_events as later
        inner join signal_events as earlier
            on
                later.alert_id = earlier.alert_id
                and later.signal_id = earlier.signal_id
                and later.occurred_at >= earlier.occurred_at
                and (
                    later.within_minutes is null
                    or {{ dbt.datediff('earlier.occurred_at', 'later.occurred_at', 'second') }}
                    <= later.within_minutes * 60
                )
        group by
            later.alert_id, later.signal_id, later.label, later.occurred_at, later.min_events
        having count(*) >= later.min_events
    ) as completing_events

),

final as (

    select
        alert_id,
        {{ dbt.listagg('label', "'; '", 'order by label') }} as high_intent_signals,
        count(*) as high_intent_signal_count
    from signals_seen
    group by alert_id

)

select * from final
