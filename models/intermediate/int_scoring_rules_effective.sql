-- One row per scoring model and rule that applies to it. Rules written for `default`
-- apply to every model unless the model has its own row with the same rule_id, which
-- replaces it; a model's own extra rules are added on top.

with

models as (

    select {{ normalize_key('scoring_model') }} as scoring_model
    from {{ ref('scoring_models') }}

),

rules as (

    select
        {{ normalize_key('scoring_model') }} as scoring_model,
        rule_id,
        {{ normalize_key('category') }} as category,
        {{ normalize_key('signal') }} as signal,
        {{ normalized_match_columns('match_type', 'match_value') }},
        points,
        max_points,
        half_life_days,
        reason_text
    from {{ ref('scoring_rules') }}

),

own_rules as (

    select rules.*
    from rules
    inner join models
        on rules.scoring_model = models.scoring_model

),

inherited_rules as (

    select
        models.scoring_model,
        rules.rule_id,
        rules.category,
        rules.signal,
        rules.match_type,
        rules.match_value,
        rules.points,
        rules.max_points,
        rules.half_life_days,
        rules.reason_text
    from models
    cross join rules
    where
        rules.scoring_model = 'default'
        and models.scoring_model != 'default'
        and not exists (
            select 1
            from own_rules
            where
                own_rules.scoring_model = models.scoring_model
                and own_rules.rule_id = rules.rule_id
        )

),

final as (

    select
        scoring_model,
        rule_id,
        category,
        signal,
        match_type,
        match_value,
        points,
        max_points,
        half_life_days,
        reason_text,
        false as is_inherited
    from own_rules

    union all

    select
        scoring_model,
        rule_id,
        category,
        signal,
        match_type,
        match_value,
        points,
        max_points,
        half_life_days,
        reason_text,
        true as is_inherited
    from inherited_rules

)

select * from final
