-- An MQL alert recomputes the lead score at the MQL moment from the events; where the
-- score itself made the contact an MQL, it must equal the timeline's score then (two
-- independent computations of the same number), and reach the MQL threshold.

with

alerts as (

    select * from {{ ref('mql_alerts') }}

),

timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

model_config as (

    select
        scoring_model,
        mql_threshold
    from {{ ref('int_scoring_model_config') }}

)

select
    alerts.alert_id,
    alerts.lead_score_at_mql,
    timeline.lead_score as timeline_lead_score
from alerts
inner join timeline
    on
        alerts.contact_id = timeline.contact_id
        and alerts.scoring_model = timeline.scoring_model
        and alerts.became_mql_at = timeline.changed_at
        and timeline.score_band = 'mql'
inner join model_config
    on alerts.scoring_model = model_config.scoring_model
where
    abs(alerts.lead_score_at_mql - timeline.lead_score) > 0.011
    or alerts.lead_score_at_mql < model_config.mql_threshold
