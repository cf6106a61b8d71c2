-- The engagement of every contact at the scoring date (as_of), per signal pattern and
-- product line: how many matching events up to as_of and the sum of their decay factors
-- (0.5 ^ (age in days / half-life)). Read from the per-day aggregate int_engagement_daily
-- by the macro decayed_engagement, the same code the backtest uses at every snapshot
-- (int_backtest_rule_matches). Per-model points are applied later, in int_score_components.

with

matches as (

    select * from {{ decayed_engagement(as_of_timestamp()) }} as decayed

),

final as (

    select
        contact_id,
        signal,
        match_type,
        match_value,
        half_life_days,
        product_line,
        event_count,
        decay_factor_sum,
        last_event_at
    from matches

)

select * from final
