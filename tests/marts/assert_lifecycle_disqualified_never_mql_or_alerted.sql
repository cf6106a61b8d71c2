-- A contact the scoring engine disqualified is disqualified for its whole history: never
-- a lead, MQL or further, never alerted. No contact that is disqualified now (by the
-- engine or by sales) has an MQL alert.

with

scored as (

    select * from {{ ref('scored_contacts') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

alerts as (

    select * from {{ ref('mql_alerts') }}

),

engine_disqualified_on_the_ladder as (

    select
        lifecycle.contact_id,
        lifecycle.scoring_model,
        'engine-disqualified contact reached ' || lifecycle.highest_stage as problem
    from lifecycle
    inner join scored
        on
            lifecycle.contact_id = scored.contact_id
            and lifecycle.scoring_model = scored.scoring_model
    where
        scored.is_disqualified
        and (
            lifecycle.lifecycle_stage != 'disqualified'
            or lifecycle.highest_stage != 'disqualified'
            or lifecycle.became_lead_at is not null
        )

),

disqualified_alerted as (

    select
        alerts.contact_id,
        alerts.scoring_model,
        'disqualified contact alerted' as problem
    from alerts
    inner join lifecycle
        on
            alerts.contact_id = lifecycle.contact_id
            and alerts.scoring_model = lifecycle.scoring_model
    where lifecycle.lifecycle_stage = 'disqualified'

)

select * from engine_disqualified_on_the_ladder
union all
select * from disqualified_alerted
