-- Every scored contact has exactly one current lifecycle stage per live scoring model (a
-- shadow model is never on the published lifecycle).

with

scored as (

    select
        contact_id,
        scoring_model
    from {{ ref('scored_contacts') }}
    where not is_shadow

),

history as (

    select * from {{ ref('lifecycle_stage_history') }}

),

current_counts as (

    select
        scored.contact_id,
        scored.scoring_model,
        count(history.contact_id) as current_stages
    from scored
    left join history
        on
            scored.contact_id = history.contact_id
            and scored.scoring_model = history.scoring_model
            and history.is_current
    group by scored.contact_id, scored.scoring_model

)

select * from current_counts
where current_stages != 1
