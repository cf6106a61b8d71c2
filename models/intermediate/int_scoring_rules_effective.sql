-- One row per scoring model and rule that applies to it. Rules written for `default`
-- apply to every model unless the model has its own row with the same rule_id, which
-- replaces it; a model's own extra rules are added on top. A rule with count_min or
-- count_max is a count band (is_count_band: its points once, when the contact's count of
-- matching events is within the band); without both it gives points per matching event.

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
        count_min,
        count_max,
        count_min is not null or count_max is not null as is_count_band,
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
        rules.count_min,
        rules.count_max,
        rules.is_count_band,
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
        count_min,
        count_max,
        is_count_band,
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
        count_min,
        count_max,
        is_count_band,
        reason_text,
        true as is_inherited
    from inherited_rules

)

select * from final
