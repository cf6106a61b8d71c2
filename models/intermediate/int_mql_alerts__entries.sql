-- The MQL entries that raise an alert: each time a contact entered stage `mql` from
-- prospect or lead (or entered the CRM as one), per scoring model, with the model's alert
-- settings, unless the contact is disqualified now (by the scoring engine or by sales:
-- the alert list is sales' worklist; the history keeps the entry). A table: every other
-- piece of the alerts and the mart read it. Grain: one row per alert_id (the
-- stage_history_id of the entry).

with

history as (

    select * from {{ ref('lifecycle_stage_history') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

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

)

select * from entries
