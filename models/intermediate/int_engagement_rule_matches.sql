-- Engagement events matched to the rule patterns of the seed scoring_rules, aggregated per
-- contact, pattern and product line, with the decay already applied at the scoring date.
-- This is the one pass over the (large) event table; per-model points are applied later
-- on the small aggregate. Only usable, human events up to the scoring date count.

with

events as (

    select
        contact_id,
        event_type,
        event_detail,
        product_line,
        occurred_at
    from {{ ref('int_engagement_events_unioned') }}
    where
        not is_excluded
        and not is_bot_activity
        and occurred_at <= {{ as_of_timestamp() }}

),

rule_patterns as (

    select distinct
        signal,
        match_value,
        coalesce(half_life_days, 0) as half_life_days
    from {{ ref('int_scoring_rules_effective') }}
    where category = 'engagement'

),

matched as (

    select
        events.contact_id,
        rule_patterns.signal,
        rule_patterns.match_value,
        rule_patterns.half_life_days,
        events.product_line,
        events.occurred_at,
        {{ decay_factor(age_in_days('events.occurred_at'), 'rule_patterns.half_life_days') }}
            as decay_factor
    from events
    inner join rule_patterns
        on
            events.event_type = rule_patterns.signal
            and coalesce(events.event_detail, '') like rule_patterns.match_value

),

final as (

    select
        contact_id,
        signal,
        match_value,
        half_life_days,
        product_line,
        count(*) as event_count,
        sum(decay_factor) as decay_factor_sum,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from matched
    group by contact_id, signal, match_value, half_life_days, product_line

)

select * from final
