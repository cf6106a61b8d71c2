-- Fit and engagement scores stay within the caps of seed score_caps, per model.

with

scored as (

    select * from {{ ref('scored_contacts') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

)

select
    scored.contact_id,
    scored.scoring_model,
    scored.fit_score,
    scored.engagement_score
from scored
inner join model_config
    on scored.scoring_model = model_config.scoring_model
where
    scored.fit_score < model_config.fit_min_points
    or scored.fit_score > model_config.fit_max_points
    or scored.engagement_score < model_config.engagement_min_points
    or scored.engagement_score > model_config.engagement_max_points
