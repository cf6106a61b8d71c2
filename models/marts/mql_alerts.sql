-- One row per time a contact became an MQL (entered stage `mql` from prospect or lead,
-- or entered the CRM as one), per scoring model: when, what moved it, the exact lead
-- score then, the touchpoints that got it there, the high-intent signals seen before it,
-- and speed-to-lead: the first sales activity after it, minutes to that first touch, and
-- the response SLA (scoring_settings.mql_response_sla_minutes) met, breached or open.
-- Contacts disqualified now (by the scoring engine or by sales) never appear: the alert
-- list is sales' worklist, and their history keeps the MQL entry.

{%- set band_count = "case when coalesce(rules.half_life_days, 0) > 0"
    ~ " then rule_totals.decayed_event_count else rule_totals.event_count end" %}

with

history as (

    select * from {{ ref('lifecycle_stage_history') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

sales_activities as (

    select * from {{ ref('int_sales_activities_resolved') }}

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

entries as (

    select
        history.stage_history_id as alert_id,
        history.contact_id,
        history.scoring_model,
        history.entered_at as became_mql_at,
        history.exited_at as mql_exited_at,
        history.previous_stage,
        history.trigger_detail as mql_trigger,
        model_config.product_line,
        model_config.mql_response_sla_minutes,
        model_config.alert_touchpoints_count,
        model_config.intent_lookback_days
    from history
    inner join lifecycle
        on
            history.contact_id = lifecycle.contact_id
            and history.scoring_model = lifecycle.scoring_model
    inner join model_config
        on history.scoring_model = model_config.scoring_model
    where
        history.stage = 'mql'
        and (history.previous_stage is null or history.previous_stage in ('prospect', 'lead'))
        and lifecycle.lifecycle_stage != 'disqualified'

),

alerted_events as (

    -- the usable events of alerted contacts up to the scoring date (a small slice)
    select events.*
    from {{ ref('int_engagement_events_usable') }} as events
    where
        events.occurred_at <= {{ as_of_timestamp() }}
        and events.contact_id in (select entries.contact_id from entries)

),

scored_touches as (

    -- every scored event up to the MQL moment, with its rule's points and its decay then
    -- (to the microsecond: decay can take a count band's count into the band at any
    -- moment, and the MQL moment is then that moment)
    select
        *,
        points * decay_at_mql as points_at_mql
    from (
        select
            entries.alert_id,
            rules.rule_id,
            rules.reason_text,
            rules.points,
            rules.max_points,
            rules.is_count_band,
            alerted_events.occurred_at,
            {{ decay_factor(
                dbt.datediff('alerted_events.occurred_at', 'entries.became_mql_at', 'microsecond')
                ~ ' / 86400000000e0', 'rules.half_life_days') }} as decay_at_mql
        from entries
        inner join alerted_events
            on
                entries.contact_id = alerted_events.contact_id
                and entries.became_mql_at >= alerted_events.occurred_at
        inner join rules
            on
                entries.scoring_model = rules.scoring_model
                and rules.category = 'engagement'
                and rules.points != 0
                and alerted_events.event_type = rules.signal
                and {{ value_matches(
                    'alerted_events.event_detail', 'rules.match_type', 'rules.match_value') }}
        where {{ in_product_line('entries.product_line', 'alerted_events.product_line') }}
    ) as touches

),

rule_totals as (

    -- per alert and rule: its events' points then, their decayed count and their count;
    -- a count band that includes 0 also counts for a contact without any matching event
    select
        alert_id,
        rule_id,
        sum(points_at_mql) as rule_points,
        sum(decay_at_mql) as decayed_event_count,
        sum(event_count) as event_count
    from (
        select
            alert_id,
            rule_id,
            points_at_mql,
            decay_at_mql,
            1 as event_count
        from scored_touches
        union all
        select
            entries.alert_id,
            rules.rule_id,
            0 as points_at_mql,
            0 as decay_at_mql,
            0 as event_count
        from entries
        inner join rules
            on entries.scoring_model = rules.scoring_model
        where
            rules.category = 'engagement'
            and rules.points != 0
            and rules.is_count_band
            and coalesce(rules.count_min, 0) <= 0
    ) as touches
    group by alert_id, rule_id

),

rule_points_at_mql as (

    -- each rule's points then, as int_score_components gives them: per event, capped; a
    -- count band its points once while the (decayed) count is within it
    select
        rule_totals.alert_id,
        case
            when not rules.is_count_band
                then {{ clamp(
                    'rule_totals.rule_points', '-rules.max_points', 'rules.max_points') }}
            when
                (rules.count_min is null or {{ band_count }} >= rules.count_min)
                and (rules.count_max is null or {{ band_count }} <= rules.count_max)
                then {{ clamp(
                    'rules.points', '-abs(rules.max_points)', 'abs(rules.max_points)') }}
            else 0
        end as points_after_cap
    from rule_totals
    inner join entries
        on rule_totals.alert_id = entries.alert_id
    inner join rules
        on
            entries.scoring_model = rules.scoring_model
            and rule_totals.rule_id = rules.rule_id

),

engagement_at_mql as (

    select
        alert_id,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from rule_points_at_mql
    group by alert_id

),

fit_points as (

    select
        contact_id,
        scoring_model,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from components
    where category = 'fit'
    group by contact_id, scoring_model

),

score_at_mql as (

    -- the same arithmetic as the scored-contact mart (macros in score_fields.sql), at the
    -- MQL moment
    select
        alert_id,
        fit_score,
        engagement_score,
        {{ clamp('fit_score + engagement_score', 'total_min_points', 'total_max_points') }}
            as lead_score
    from (
        select
            entries.alert_id,
            {{ category_score(
                'fit_points.positive_points', 'fit_points.penalty_points',
                'model_config.fit_min_points', 'model_config.fit_max_points') }} as fit_score,
            {{ category_score(
                'engagement_at_mql.positive_points', 'engagement_at_mql.penalty_points',
                'model_config.engagement_min_points', 'model_config.engagement_max_points') }}
                as engagement_score,
            model_config.total_min_points,
            model_config.total_max_points
        from entries
        inner join model_config
            on entries.scoring_model = model_config.scoring_model
        left join fit_points
            on
                entries.contact_id = fit_points.contact_id
                and entries.scoring_model = fit_points.scoring_model
        left join engagement_at_mql
            on entries.alert_id = engagement_at_mql.alert_id
    ) as bounded

),

touchpoints_ranked as (

    select
        scored_touches.alert_id,
        scored_touches.occurred_at,
        scored_touches.reason_text || ' ('
        || case when scored_touches.points > 0 then '+' else '' end
        || {{ double_text('scored_touches.points') }} || ') at '
        || cast(scored_touches.occurred_at as {{ dbt.type_string() }}) as touchpoint_label,
        row_number() over (
            partition by scored_touches.alert_id
            order by scored_touches.occurred_at desc, scored_touches.rule_id asc
        ) as touchpoint_rank,
        entries.alert_touchpoints_count
    from scored_touches
    inner join entries
        on scored_touches.alert_id = entries.alert_id
    -- a count band gives points for a number of actions, not for each one
    where not scored_touches.is_count_band

),

touchpoints as (

    select
        alert_id,
        {{ dbt.listagg('touchpoint_label', "'; '", 'order by touchpoint_rank') }} as touchpoints,
        count(*) as touchpoint_count
    from touchpoints_ranked
    where touchpoint_rank <= alert_touchpoints_count
    group by alert_id

),

signal_events as (

    -- events that belong to an intent signal, within the look-back before the MQL moment
    select distinct
        entries.alert_id,
        intent_signals.signal_id,
        intent_signals.label,
        intent_signals.min_events,
        intent_signals.within_minutes,
        alerted_events.occurred_at
    from entries
    inner join alerted_events
        on
            entries.contact_id = alerted_events.contact_id
            and entries.became_mql_at >= alerted_events.occurred_at
            and {{ dbt.dateadd(
                'day', '-cast(entries.intent_lookback_days as ' ~ dbt.type_int() ~ ')',
                'entries.became_mql_at') }} <= alerted_events.occurred_at
    inner join intent_signals
        on
            alerted_events.event_type = intent_signals.event_type
            and coalesce(alerted_events.event_detail, '') like intent_signals.match_value

),

signals_seen as (

    -- a signal is seen when min_events of its events fall within within_minutes of each
    -- other (counted back from each event), or anywhere in the look-back without a window
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
    group by later.alert_id, later.signal_id, later.label, later.occurred_at, later.min_events
    having count(*) >= later.min_events

),

signals_per_alert as (

    select
        alert_id,
        {{ dbt.listagg('label', "'; '", 'order by label') }} as high_intent_signals,
        count(*) as high_intent_signal_count
    from signals_seen
    group by alert_id

),

first_touches as (

    select
        alert_id,
        activity_type as first_touch_type,
        occurred_at as first_touch_at
    from (
        select
            entries.alert_id,
            sales_activities.activity_type,
            sales_activities.occurred_at,
            row_number() over (
                partition by entries.alert_id
                order by sales_activities.occurred_at, sales_activities.activity_id
            ) as touch_rank
        from entries
        inner join sales_activities
            on
                entries.contact_id = sales_activities.contact_id
                and entries.became_mql_at <= sales_activities.occurred_at
        where sales_activities.occurred_at <= {{ as_of_timestamp() }}
    ) as ranked_touches
    where touch_rank = 1

),

final as (

    select
        entries.alert_id,
        entries.contact_id,
        entries.scoring_model,
        contacts.account_id,
        entries.became_mql_at,
        entries.mql_exited_at,
        entries.previous_stage,
        entries.mql_trigger,
        cast(score_at_mql.lead_score as decimal(7, 2)) as lead_score_at_mql,
        cast(score_at_mql.fit_score as decimal(7, 2)) as fit_score_at_mql,
        cast(score_at_mql.engagement_score as decimal(7, 2)) as engagement_score_at_mql,
        touchpoints.touchpoints,
        coalesce(touchpoints.touchpoint_count, 0) as touchpoint_count,
        signals_per_alert.high_intent_signals,
        coalesce(signals_per_alert.high_intent_signal_count, 0) as high_intent_signal_count,
        first_touches.first_touch_at,
        first_touches.first_touch_type,
        {{ sla_fields(
            'entries.became_mql_at', 'first_touches.first_touch_at',
            'entries.mql_response_sla_minutes') }},
        {{ build_columns() }}
    from entries
    inner join score_at_mql
        on entries.alert_id = score_at_mql.alert_id
    left join contacts
        on entries.contact_id = contacts.contact_id
    left join touchpoints
        on entries.alert_id = touchpoints.alert_id
    left join signals_per_alert
        on entries.alert_id = signals_per_alert.alert_id
    left join first_touches
        on entries.alert_id = first_touches.alert_id

)

select * from final
