-- At the scoring date the score timeline's band (its last change, or prospect without
-- any) is the band of the scored-contact mart's lead score, for every contact that is
-- not disqualified: two independent computations of the same score.

with

scored as (

    select * from {{ ref('scored_contacts') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

last_changes as (

    select
        contact_id,
        scoring_model,
        band_rank
    from (
        select
            *,
            row_number() over (
                partition by contact_id, scoring_model
                order by
                    coalesce(changed_at, cast('1900-01-01' as {{ dbt.type_timestamp() }})) desc,
                    change_order desc
            ) as change_rank
        from {{ ref('int_lead_score_timeline') }}
    ) as ranked
    where change_rank = 1

)

select
    scored.contact_id,
    scored.scoring_model,
    scored.lead_score,
    last_changes.band_rank
from scored
inner join model_config
    on scored.scoring_model = model_config.scoring_model
left join last_changes
    on
        scored.contact_id = last_changes.contact_id
        and scored.scoring_model = last_changes.scoring_model
where
    not scored.is_disqualified
    and coalesce(last_changes.band_rank, 0) != case
        when scored.lead_score >= model_config.mql_threshold then 2
        when scored.lead_score >= model_config.lead_threshold then 1
        else 0
    end
