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

    {{ rows_for_each_model(
        'models', 'rule_rows', 'reason_code', ['reason_code', 'priority', 'is_enabled']) }}

)

select * from final
