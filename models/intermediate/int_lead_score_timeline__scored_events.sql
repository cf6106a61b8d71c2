-- The events the score timeline steps through: one row per event of a candidate
-- contact-model (int_lead_score_timeline__candidates) up to the scoring date and rule it
-- earns points from, in the order the rule saw them (oldest first: age_days is days
-- before the scoring date, so larger = earlier), with the rule's running sums up to and
-- including it. Ephemeral: read by __rule_steps and __band_steps inside
-- __changing_states, never stored (it is one row per scored event).

{{ config(materialized='ephemeral') }}

with

events as (

    select
        contact_id,
        event_type,
        event_detail,
        product_line,
        {{ age_in_days('occurred_at') }} as age_days
    from {{ ref('int_engagement_events_usable') }}
    where occurred_at <= {{ as_of_timestamp() }}

),

rules as (

    select * from {{ ref('int_lead_score_timeline__rules') }}

),

candidates as (

    select * from {{ ref('int_lead_score_timeline__candidates') }}

),

scored_events as (

    -- one row per candidate event and model rule it earns points from
    select
        candidates.candidate_key,
        rules.rule_number,
        rules.points,
        rules.max_points,
        rules.half_life_days,
        rules.class_slot,
        rules.is_count_band,
        rules.count_min,
        rules.count_max,
        rules.band_points,
        events.age_days,
        {{ decay_factor('events.age_days', 'rules.half_life_days') }} as decay_at_event
    from events
    inner join rules
        on
            events.event_type = rules.signal
            and {{ value_matches(
                'events.event_detail', 'rules.match_type', 'rules.match_value') }}
    inner join candidates
        on
            events.contact_id = candidates.contact_id
            and rules.scoring_model = candidates.scoring_model
    where {{ in_product_line('candidates.product_line', 'events.product_line') }}

),

final as (

    -- W: the running sum of points * decay at the event; one sort per rule's events
    select
        *,
        sum(points * decay_at_event) over rule_window as running_weight,
        sum(decay_at_event) over rule_window as running_count_weight,
        row_number() over rule_order as event_number,
        lead(age_days) over rule_order as next_age_days,
        lag(decay_at_event) over rule_order as previous_decay_at_event
    from scored_events
    -- the same order twice: the running sums need the frame, and lead, lag and
    -- row_number take none (Spark rejects a frame on them)
    window rule_window as (
        partition by candidate_key, rule_number
        order by age_days desc
        rows between unbounded preceding and current row
    ),
    rule_order as (
        partition by candidate_key, rule_number
        order by age_days desc
    )

)

select * from final
