-- The lead score of a contact who is not disqualified is fit + engagement, kept within the
-- model's total bounds; a disqualified contact's lead score is 0.

with

scored as (

    select * from {{ ref('scored_contacts') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

expected as (

    select
        scored.contact_id,
        scored.scoring_model,
        scored.lead_score,
        case
            when scored.is_disqualified then 0
            else {{ clamp('scored.fit_score + scored.engagement_score',
                'model_config.total_min_points', 'model_config.total_max_points') }}
        end as expected_lead_score
    from scored
    inner join model_config
        on scored.scoring_model = model_config.scoring_model

)

select *
from expected
where abs(lead_score - expected_lead_score) > 0.005
