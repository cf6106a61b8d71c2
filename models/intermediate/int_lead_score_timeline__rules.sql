-- The engagement rules the score timeline steps through: one row per scoring model and
-- rule (engagement rules with points only), with the cap, half-life and count band of
-- each, and the two numbers the timeline computes with instead of names: rule_number
-- (one per rule_id, the same in every model) and class_slot (which of at most 4
-- half-life classes a decaying per-event rule belongs to).

with

rules as (

    select
        scoring_model,
        rule_id,
        signal,
        match_type,
        match_value,
        points,
        max_points,
        coalesce(half_life_days, 0) as half_life_days,
        count_min,
        count_max,
        is_count_band,
        -- what a count band gives while the count is within it
        {{ clamp('points', '-abs(max_points)', 'abs(max_points)') }} as band_points,
        dense_rank() over (order by rule_id) as rule_number
    from {{ ref('int_scoring_rules_effective') }}
    where category = 'engagement' and points != 0

),

half_life_classes as (

    -- every decaying half-life of a per-event rule gets a slot (at most 4: a test on the
    -- seed); a count band is a constant between its changes, whatever its half-life
    select
        half_life_days,
        dense_rank() over (order by half_life_days) as class_slot
    from (
        select distinct half_life_days
        from rules
        where half_life_days > 0 and not is_count_band
    ) as distinct_half_lives

),

final as (

    select
        rules.*,
        half_life_classes.class_slot
    from rules
    left join half_life_classes
        on
            rules.half_life_days = half_life_classes.half_life_days
            and not rules.is_count_band

)

select * from final
