-- Where each contact stands in the funnel, per scoring model, as of the scoring date: the
-- current stage, the highest stage ever reached (never moves backwards), when it became
-- each stage and whether sales recycled it. Read from lifecycle_stage_history (where the
-- stage rules live). became_<stage>_at is the first time the contact was at that stage or
-- a later one, so a contact sales takes straight to SQL also gets its lead, MQL and SAL
-- dates then, and the dates are always in funnel order.

-- Stage names and ranks come from the seed lifecycle_stages; `ladder` below only lists the
-- stages this mart has a became_<stage>_at column for (its documented columns).

{%- set ladder = ['lead', 'mql', 'sal', 'sql', 'customer'] %}

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

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

ladder_ranks as (

    -- one row: the rank of every stage that has a became_<stage>_at column
    select
        {%- for stage in ladder %}
            max(case when stage = '{{ stage }}' then stage_rank end) as {{ stage }}_rank
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from lifecycle_stages

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
        history.contact_id,
        history.scoring_model,
        max(history.stage_rank) as highest_stage_rank,
        {% for stage in ladder %}
            min(
                case
                    when history.stage_rank >= ladder_ranks.{{ stage }}_rank
                        then history.entered_at
                end
            ) as became_{{ stage }}_at,
        {% endfor %}
        count(*) as stages_entered
    from history
    cross join ladder_ranks
    group by history.contact_id, history.scoring_model

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
        highest_stages.stage as highest_stage,
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
    left join lifecycle_stages as highest_stages
        on per_contact.highest_stage_rank = highest_stages.stage_rank
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
