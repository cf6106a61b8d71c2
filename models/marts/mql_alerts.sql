-- One row per time a contact became an MQL (entered stage `mql` from prospect or lead,
-- or entered the CRM as one), per scoring model: when, what moved it, the exact lead
-- score then, the touchpoints that got it there, the high-intent signals seen before it,
-- and speed-to-lead: the first sales activity after it, minutes to that first touch, and
-- the response SLA (scoring_settings.mql_response_sla_minutes) met, breached or open.
-- Contacts disqualified now (by the scoring engine or by sales) never appear: the alert
-- list is sales' worklist, and their history keeps the MQL entry. Each part is an
-- intermediate model (int_mql_alerts__*, one row per alert): this mart joins them.

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

score_at_mql as (

    select * from {{ ref('int_mql_alerts__score_at_mql') }}

),

touchpoints as (

    select * from {{ ref('int_mql_alerts__touchpoints') }}

),

intent_signals as (

    select * from {{ ref('int_mql_alerts__intent_signals') }}

),

speed_to_lead as (

    select * from {{ ref('int_mql_alerts__speed_to_lead') }}

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
        intent_signals.high_intent_signals,
        coalesce(intent_signals.high_intent_signal_count, 0) as high_intent_signal_count,
        speed_to_lead.first_touch_at,
        speed_to_lead.first_touch_type,
        speed_to_lead.sla_minutes,
        speed_to_lead.sla_due_at,
        speed_to_lead.minutes_to_first_touch,
        speed_to_lead.touched_within_hour,
        speed_to_lead.sla_status,
        speed_to_lead.is_sla_breached,
        {{ build_columns() }}
    from entries
    inner join score_at_mql
        on entries.alert_id = score_at_mql.alert_id
    inner join speed_to_lead
        on entries.alert_id = speed_to_lead.alert_id
    left join contacts
        on entries.contact_id = contacts.contact_id
    left join touchpoints
        on entries.alert_id = touchpoints.alert_id
    left join intent_signals
        on entries.alert_id = intent_signals.alert_id

)

select * from final
