-- What each count band changes in the score timeline, and when: one row per candidate
-- contact-model, count band and moment its points change - at one of its events
-- (step 0), or where decay takes a decayed count down into the band through count_max
-- (step 1) or out of it below count_min (step 2) before the band's next event, at the
-- first whole microsecond past the crossing. A band gives its points (band_points) while
-- the count of its matching events is within count_min..count_max; a decayed count is
-- S = W / decay(age), W the running sum of the decay at each event. Between these rows
-- a band is a constant, so only constants change here (positive points or penalties).
-- Ephemeral, read once by __changing_states.

{{ config(materialized='ephemeral') }}

with

scored_events as (

    select * from {{ ref('int_lead_score_timeline__scored_events') }}
    where is_count_band

),

band_counts as (

    -- a count band's count right after each of its events: the decayed count (a running
    -- sum over the decay at each event, read at this one) or, without half-life, plain
    select
        *,
        case
            when half_life_days > 0 then running_count_weight / decay_at_event
            else event_number
        end as count_after
    from scored_events

),

band_levels as (

    -- what the band gives right after each of its events, and where decay takes the count
    -- down into the band (through count_max) or out of it (below count_min) before the
    -- next event: rows of their own, at the first whole microsecond past the crossing
    select
        candidate_key,
        rule_number,
        points,
        band_points,
        count_min,
        count_max,
        age_days,
        event_number,
        0 as step,
        1 as is_event,
        case when {{ in_count_band('count_after') }} then band_points else 0 end as band_level
    from band_counts
    union all
    select
        candidate_key,
        rule_number,
        points,
        band_points,
        count_min,
        count_max,
        entry_age_days as age_days,
        event_number,
        1 as step,
        0 as is_event,
        band_points as band_level
    from (
        select
            *,
            {{ count_crossing_age('running_count_weight', 'count_max') }} as entry_age_days
        from band_counts
        where half_life_days > 0 and count_max > 0 and count_after > count_max
    ) as entering
    where entry_age_days >= coalesce(next_age_days, 0)
    union all
    select
        candidate_key,
        rule_number,
        points,
        band_points,
        count_min,
        count_max,
        exit_age_days as age_days,
        event_number,
        2 as step,
        0 as is_event,
        0 as band_level
    from (
        select
            *,
            {{ count_crossing_age('running_count_weight', 'count_min') }} as exit_age_days
        from band_counts
        where half_life_days > 0 and count_min > 0 and count_after >= count_min
    ) as leaving
    where exit_age_days >= coalesce(next_age_days, 0)

),

band_changes as (

    -- how much each of those moments changes what the band gives (from what every
    -- contact has before any event: the band's points when it includes 0)
    select
        *,
        band_level - coalesce(
            lag(band_level) over (
                partition by candidate_key, rule_number
                order by age_days desc, event_number asc, step asc
            ),
            case when {{ in_count_band('0') }} then band_points else 0 end
        ) as delta_level
    from band_levels

),

final as (

    -- the moments that change it; the change itself is what names the band as the
    -- trigger (trigger_points), whether an event or decay moved it
    select
        candidate_key,
        rule_number,
        event_number,
        step,
        age_days,
        is_event,
        case when points > 0 then delta_level else 0 end as delta_constant,
        case when points < 0 then delta_level else 0 end as delta_penalty,
        cast(null as {{ dbt.type_int() }}) as class_slot,
        0 as delta_weight,
        delta_level as trigger_points
    from band_changes
    where delta_level != 0

)

select * from final
