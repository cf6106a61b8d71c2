-- The account stage is never below the current stage of any of its contacts that are not
-- disqualified (ladder prospect < lead < mql < sal < sql < customer), and it is
-- `disqualified` exactly when every contact of the account is disqualified.

{%- set stage_ladder = ['disqualified', 'prospect', 'lead', 'mql', 'sal', 'sql', 'customer'] %}

with

account_scores as (

    select * from {{ ref('account_scores') }}

),

scored as (

    select * from {{ ref('scored_contacts') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

contact_stages as (

    select
        scored.account_id,
        scored.scoring_model,
        scored.contact_id,
        lifecycle.lifecycle_stage
    from scored
    inner join lifecycle
        on
            scored.contact_id = lifecycle.contact_id
            and scored.scoring_model = lifecycle.scoring_model
    where not scored.is_disqualified and lifecycle.lifecycle_stage != 'disqualified'

),

compared as (

    select
        account_scores.account_id,
        account_scores.scoring_model,
        account_scores.account_stage,
        account_scores.disqualified_contacts,
        account_scores.total_contacts,
        contact_stages.contact_id,
        contact_stages.lifecycle_stage as contact_stage,
        case account_scores.account_stage
            {% for stage in stage_ladder %}
                when '{{ stage }}' then {{ loop.index0 }}
            {% endfor %}
        end as account_stage_rank,
        case contact_stages.lifecycle_stage
            {% for stage in stage_ladder %}
                when '{{ stage }}' then {{ loop.index0 }}
            {% endfor %}
        end as contact_stage_rank
    from account_scores
    left join contact_stages
        on
            account_scores.account_id = contact_stages.account_id
            and account_scores.scoring_model = contact_stages.scoring_model

)

select *
from compared
where
    contact_stage_rank > account_stage_rank
    or (account_stage = 'disqualified') != (disqualified_contacts = total_contacts)
