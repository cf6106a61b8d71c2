{{ config(materialized='view') }}
-- The engagement part of the score spine at every backtest snapshot: one row per
-- backtested contact, snapshot, scoring model and engagement rule that matched, with the
-- points before decay, after decay and after the rule's cap - the same macro as the
-- scoring date's int_score_components. The fit rules read the CRM's current values, the
-- same at every snapshot: they are int_score_components' fit rows. A view: the backtest
-- scores, the rules audit and `leadscore calibrate` each read it once.

with

matches as (

    select
        contact_id,
        snapshot_number as cut_number,
        signal,
        match_type,
        match_value,
        half_life_days,
        product_line,
        event_count,
        decay_factor_sum,
        last_event_at
    from {{ ref('int_backtest_rule_matches') }}

),

backtested as (

    select
        contact_id,
        snapshot_number as cut_number
    from {{ ref('int_backtest_contacts') }}

),

components as (

    select * from {{ engagement_components('matches', 'backtested') }} as capped

),

final as (

    select
        contact_id,
        cut_number as snapshot_number,
        scoring_model,
        rule_id,
        category,
        reason_text,
        points_per_match,
        max_points,
        is_count_band,
        event_count,
        decayed_event_count,
        points_before_decay,
        points_after_decay,
        points_after_cap,
        last_event_at
    from components

)

select * from final
