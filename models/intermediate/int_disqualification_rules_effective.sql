-- Which disqualification reasons each scoring model uses, and their priority: a model's
-- own row of seed disqualification_rules for a reason, else the `default` row (so a shadow
-- model can try a reason switched off). Disabled reasons are kept, flagged.

with

models as (

    select scoring_model from {{ ref('int_scoring_model_config') }}

),

rule_rows as (

    select
        {{ normalize_key('scoring_model') }} as scoring_model,
        {{ normalize_key('reason_code') }} as reason_code,
        priority,
        coalesce(is_enabled, false) as is_enabled
    from {{ ref('disqualification_rules') }}

),

final as (

    select
        models.scoring_model,
        rule_rows.reason_code,
        rule_rows.priority,
        rule_rows.is_enabled,
        rule_rows.scoring_model != models.scoring_model as is_inherited
    from models
    inner join rule_rows
        on rule_rows.scoring_model in (models.scoring_model, 'default')
    where
        rule_rows.scoring_model = models.scoring_model
        or not exists (
            select 1
            from rule_rows as own_rows
            where
                own_rows.scoring_model = models.scoring_model
                and own_rows.reason_code = rule_rows.reason_code
        )

)

select * from final
