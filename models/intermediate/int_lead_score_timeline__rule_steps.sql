-- What each per-event rule (not a count band) changes in the score timeline, and when:
-- one row per candidate contact-model, rule and event that changes the rule's piece
-- (is_event 1), plus one row where a capped total decays back to the cap before the
-- rule's next event (is_event 0). A rule's capped contribution is a piece C + K / decay:
-- the cap (C = +/-cap, K = 0) while its decayed total S = W / decay(age) exceeds the
-- cap, then the decaying total (C = 0, K = W), or, for a rule that never decays, the
-- constant C = points x events (capped). The rows carry the changes of C (split into
-- positive points and penalties) and of K, summed over time by __changing_states.
-- Ephemeral, read once by __changing_states.

{{ config(materialized='ephemeral') }}

with

scored_events as (

    select * from {{ ref('int_lead_score_timeline__scored_events') }}
    where not is_count_band

),

rule_pieces as (

    -- the rule's contribution right after this event and right before it, each as a
    -- piece C + K / decay(age): capped (C = +/-cap) while the decayed total exceeds the
    -- cap, else exponential (K = W); a rule that never decays is a constant
    select
        *,
        {{ rule_piece('running_weight', 'decay_at_event', 'event_number') }}
    from (
        select
            *,
            running_weight - points * decay_at_event as previous_weight,
            event_number - 1 as previous_event_number
        from scored_events
    ) as with_previous

),

rule_changes as (

    -- what this event changes in the rule's piece (the piece before it is the previous
    -- event's, moved past that one's uncap age if it came first); events that change
    -- nothing (a rule still at its cap) cannot move the score and are left out
    select
        *,
        piece_constant - case
            when previous_event_number = 0 then 0
            when previous_uncap_age_days > age_days then 0
            else previous_piece_constant
        end as delta_constant,
        piece_weight - case
            when previous_event_number = 0 then 0
            when previous_uncap_age_days > age_days then previous_weight
            else previous_piece_weight
        end as delta_weight
    from (
        select
            *,
            {{ rule_piece(
                'previous_weight', 'previous_decay_at_event', 'previous_event_number',
                prefix='previous_') }}
        from rule_pieces
    ) as with_previous_piece

),

final as (

    -- at the event: the change of the piece; trigger_points (the rule's points per
    -- event) names the rule that moved the score (__changing_states)
    select
        candidate_key,
        rule_number,
        event_number,
        age_days,
        1 as is_event,
        case when points > 0 then delta_constant else 0 end as delta_constant,
        case when points < 0 then delta_constant else 0 end as delta_penalty,
        class_slot,
        delta_weight,
        points as trigger_points
    from rule_changes
    where delta_constant != 0 or delta_weight != 0
    union all
    -- where the capped total decays back to the cap (before the next event, and before
    -- the scoring date): the cap gives way to the decaying total W / decay(age). Decay,
    -- not an event: it names no rule (trigger_points empty)
    select
        candidate_key,
        rule_number,
        event_number,
        uncap_age_days as age_days,
        0 as is_event,
        -max_points * sign(points) as delta_constant,
        0 as delta_penalty,
        class_slot,
        running_weight as delta_weight,
        cast(null as {{ dbt.type_float() }}) as trigger_points
    from rule_pieces
    where
        uncap_age_days > coalesce(next_age_days, 0)
        and uncap_age_days > 0

)

select * from final
