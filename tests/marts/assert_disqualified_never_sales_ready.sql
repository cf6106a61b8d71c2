-- A disqualified contact never reaches the MQL threshold nor is flagged sales-ready,
-- and carries a reason; a contact that is not disqualified carries none.

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
    scored.lead_score,
    scored.is_sales_ready,
    scored.disqualification_reason
from scored
inner join model_config
    on scored.scoring_model = model_config.scoring_model
where
    (
        scored.is_disqualified
        and (
            scored.is_sales_ready
            or scored.lead_score >= model_config.mql_threshold
            or scored.disqualification_reason is null
        )
    )
    or (not scored.is_disqualified and scored.disqualification_reason is not null)
