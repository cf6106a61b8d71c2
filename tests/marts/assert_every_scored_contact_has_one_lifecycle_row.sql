-- contact_lifecycle holds exactly the live (contact, scoring model) pairs of scored_contacts:
-- a contact scored but missing here never reaches the funnel or the CRM sync, and a row here
-- that is not scored is stale. A shadow model is never on the lifecycle. With the model's
-- unique_combination_of_columns test, every pair is there exactly once.

with

scored as (

    select
        contact_id,
        scoring_model
    from {{ ref('scored_contacts') }}
    where not is_shadow

),

lifecycle as (

    select
        contact_id,
        scoring_model
    from {{ ref('contact_lifecycle') }}

)

select
    coalesce(scored.contact_id, lifecycle.contact_id) as contact_id,
    coalesce(scored.scoring_model, lifecycle.scoring_model) as scoring_model,
    case
        when lifecycle.contact_id is null then 'scored_but_not_on_the_lifecycle'
        else 'on_the_lifecycle_but_not_scored'
    end as problem
from scored
full outer join lifecycle
    on
        scored.contact_id = lifecycle.contact_id
        and scored.scoring_model = lifecycle.scoring_model
where scored.contact_id is null or lifecycle.contact_id is null
