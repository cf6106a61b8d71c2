-- Account scores stay within the bounds of their own scoring model: account fit within the
-- fit bounds, account engagement within [0, account_engagement_max_points], and the account
-- lead score is exactly their sum. Contact counts are consistent: engaged and disqualified
-- contacts are part of the total, and no more than the total are both.

with

account_scores as (

    select * from {{ ref('account_scores') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

)

select
    account_scores.account_id,
    account_scores.scoring_model,
    account_scores.account_fit_score,
    account_scores.account_engagement_score,
    account_scores.account_lead_score,
    account_scores.engaged_contacts,
    account_scores.disqualified_contacts,
    account_scores.total_contacts
from account_scores
inner join model_config
    on account_scores.scoring_model = model_config.scoring_model
where
    account_scores.account_fit_score < model_config.fit_min_points
    or account_scores.account_fit_score > model_config.fit_max_points
    or account_scores.account_engagement_score < 0
    or account_scores.account_engagement_score > model_config.account_engagement_max_points
    or account_scores.account_lead_score
    != account_scores.account_fit_score + account_scores.account_engagement_score
    or account_scores.total_contacts < 1
    or account_scores.engaged_contacts + account_scores.disqualified_contacts
    > account_scores.total_contacts
