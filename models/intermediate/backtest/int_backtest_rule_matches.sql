-- The engagement of every backtested contact at every snapshot, per signal pattern and
-- product line: the same macro as the scoring date's (int_engagement_rule_matches), run
-- at every snapshot at once. Only events up to each snapshot count.

{%- set settings = backtest_settings() %}

with

sampled_contacts as (

    select distinct contact_id
    from {{ ref('int_backtest_contacts') }}

),

matches as (

    select *
    from {{ decayed_engagement(
        first_backtest_snapshot(), settings.snapshots, settings.interval_days,
        contacts='sampled_contacts') }} as decayed

),

final as (

    select
        contact_id,
        cut_number as snapshot_number,
        cut_at as snapshot_at,
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
