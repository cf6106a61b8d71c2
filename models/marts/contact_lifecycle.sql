-- Where each contact stands in the funnel, per scoring model, as of the scoring date: the
-- current stage, the highest stage ever reached (never moves backwards), when it became
-- each stage and whether sales recycled it. Read from lifecycle_stage_history (where the
-- stage rules live). became_<stage>_at is the first time the contact was at that stage or
-- a later one, so a contact sales takes straight to SQL also gets its lead, MQL and SAL
-- dates then, and the dates are always in funnel order.

{%- set ladder = ['lead', 'mql', 'sal', 'sql', 'customer'] %}
{%- set stage_names = ['disqualified', 'prospect', 'lead', 'mql', 'sal', 'sql', 'customer'] %}

with

history as (

    select * from {{ ref('lifecycle_stage_history') }}

),

disqualified as (

    select * from {{ ref('int_contacts_disqualified') }}

),

signals as (

    select * from {{ ref('int_lifecycle_signals') }}

),

recycled as (

    select distinct
        contact_id,
        scoring_model
    from signals
    where signal_type = 'sales_status' and sales_effect = 'recycled'

),

per_contact as (

    select
        contact_id,
        scoring_model,
        max(stage_rank) as highest_stage_rank,
        {% for stage in ladder %}
            min(case when stage_rank >= {{ loop.index + 1 }} then entered_at end)
                as became_{{ stage }}_at,
        {% endfor %}
        count(*) as stages_entered
    from history
    group by contact_id, scoring_model

),

current_stage as (

    select
        contact_id,
        scoring_model,
        stage as lifecycle_stage,
        stage_rank,
        entered_at as stage_entered_at,
        trigger_detail as stage_trigger
    from history
    where is_current

),

final as (

    select
        current_stage.contact_id,
        current_stage.scoring_model,
        current_stage.lifecycle_stage,
        case
            when per_contact.highest_stage_rank = 0 then 'disqualified'
            {% for stage in stage_names[1:] %}
                when per_contact.highest_stage_rank = {{ loop.index }} then '{{ stage }}'
            {% endfor %}
        end as highest_stage,
        current_stage.stage_entered_at,
        current_stage.stage_trigger,
        {% for stage in ladder %}
            per_contact.became_{{ stage }}_at,
        {% endfor %}
        case
            when current_stage.lifecycle_stage = 'disqualified' then current_stage.stage_entered_at
        end as disqualified_at,
        case
            when current_stage.lifecycle_stage != 'disqualified' then null
            when disqualified.contact_id is not null then disqualified.disqualification_reason
            else 'rejected_by_sales'
        end as disqualification_reason,
        recycled.contact_id is not null as is_recycled,
        per_contact.stages_entered,
        {{ build_columns() }}
    from current_stage
    inner join per_contact
        on
            current_stage.contact_id = per_contact.contact_id
            and current_stage.scoring_model = per_contact.scoring_model
    left join disqualified
        on
            current_stage.contact_id = disqualified.contact_id
            and current_stage.scoring_model = disqualified.scoring_model
    left join recycled
        on
            current_stage.contact_id = recycled.contact_id
            and current_stage.scoring_model = recycled.scoring_model

)

select * from final
