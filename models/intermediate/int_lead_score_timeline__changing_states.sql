-- The moments at which a candidate's score band changes, or after which decay takes the
-- score below a threshold before the next moment: one row per candidate_key and age_days
-- (days before the scoring date) of such a moment, with the running state of the score
-- right after it, the score just before it, right after it and just before the next
-- moment, and the rule that moved it. The state is what int_lead_score_timeline's
-- macro timeline_score reads: the score at any age until the next moment is
--   engagement = max(min, min(state_constant + sum_h state_weight_h / decay(age, h), cap)
--                + state_penalty)
-- (penalties never decay, a seed test: between moments the score only decays), and the
-- lead score is fit_score + engagement within the total bounds.
--
-- Run after scored_contacts, not beside it: the two heaviest models of a 1M-contact build
-- share one DuckDB memory budget, and side by side the timeline spilled and took 494 s
-- instead of 229 s alone. (dbt's documented way to order models without reading one:)
-- depends_on: {{ ref('scored_contacts') }}

{%- set half_life_slots = range(1, 5) %}

with

rule_steps as (

    select * from {{ ref('int_lead_score_timeline__rule_steps') }}

),

band_steps as (

    select * from {{ ref('int_lead_score_timeline__band_steps') }}

),

rules as (

    select * from {{ ref('int_lead_score_timeline__rules') }}

),

candidates as (

    select * from {{ ref('int_lead_score_timeline__candidates') }}

),

slot_half_lives as (

    -- the half-life of each class slot (empty for an unused slot), and how many are in
    -- use (at most 4: a test on the seed): one row
    select
        {% for slot in half_life_slots %}
            max(case when class_slot = {{ slot }} then half_life_days end)
                as half_life_{{ slot }},
        {% endfor %}
        count(distinct class_slot) as half_life_class_count
    from rules

),

stream as (

    -- the changes of the positive constant, the penalties (constants: they never decay)
    -- and the exponential weights, per moment. trigger_key packs the rule that caused a
    -- change with how much it moved the score, so that max() and min() over the changes
    -- at one moment pick the rule that moved the score up most (max) or down most (min):
    --   trigger_key = (round(trigger_points x 100) + 1,000,000) x 10,000 + rule_number
    -- i.e. the change in cents, made positive by the offset (|points| < 10,000), in the
    -- high digits, rule_number (< 10,000) in the low four, the larger rule_number winning
    -- a tie; decoded with mod(trigger_key, 10000) below. Empty for a cap that decay
    -- gives way (no rule moved the score there)
    select
        candidate_key,
        age_days,
        is_event,
        delta_constant,
        delta_penalty,
        class_slot,
        delta_weight,
        case
            when trigger_points is not null
                then
                    (
                        cast({{ round_to('trigger_points * 100') }} as {{ dbt.type_bigint() }})
                        + 1000000
                    ) * 10000
                    + rule_number
        end as trigger_key
    from (
        select
            candidate_key,
            age_days,
            is_event,
            delta_constant,
            delta_penalty,
            class_slot,
            delta_weight,
            trigger_points,
            rule_number
        from rule_steps
        union all
        select
            candidate_key,
            age_days,
            is_event,
            delta_constant,
            delta_penalty,
            class_slot,
            delta_weight,
            trigger_points,
            rule_number
        from band_steps
    ) as steps

),

stream_by_age as (

    select
        candidate_key,
        age_days,
        max(is_event) as is_event,
        sum(delta_constant) as delta_constant,
        sum(delta_penalty) as delta_penalty,
        {% for slot in half_life_slots %}
            sum(case when class_slot = {{ slot }} then delta_weight else 0 end)
                as delta_weight_{{ slot }},
        {% endfor %}
        max(trigger_key) as top_trigger_key,
        min(trigger_key) as bottom_trigger_key
    from stream
    group by candidate_key, age_days

),

states as (

    -- the running state after each change, and the age of the next change (one sort of
    -- narrow rows; the contact's settings are joined after it)
    select
        stream_by_age.*,
        sum(stream_by_age.delta_constant) over running_window as running_constant,
        sum(stream_by_age.delta_penalty) over running_window as running_penalty,
        {% for slot in half_life_slots %}
            sum(stream_by_age.delta_weight_{{ slot }}) over running_window
                as state_weight_{{ slot }},
        {% endfor %}
        coalesce(lead(stream_by_age.age_days) over running_order, 0) as next_age_days
    from stream_by_age
    window running_window as (
        partition by stream_by_age.candidate_key
        order by stream_by_age.age_days desc
        rows between unbounded preceding and current row
    ),
    running_order as (
        partition by stream_by_age.candidate_key
        order by stream_by_age.age_days desc
    )

),

configured_states as (

    select
        states.*,
        {% for slot in half_life_slots %}
            slot_half_lives.half_life_{{ slot }},
        {% endfor %}
        candidates.start_constant + states.running_constant as state_constant,
        candidates.start_penalty + states.running_penalty as state_penalty,
        candidates.fit_score,
        candidates.engagement_min_points,
        candidates.engagement_max_points,
        candidates.total_min_points,
        candidates.total_max_points,
        candidates.lead_threshold,
        candidates.mql_threshold
    from states
    inner join candidates
        on states.candidate_key = candidates.candidate_key
    cross join slot_half_lives

),

banded as (

    -- the score just before the change (previous state, at this age), right after it,
    -- and, when it is at least a lead, just before the next change (decayed to that age)
    select
        *,
        {{ score_band('lead_score') }} as band_rank,
        {{ score_band('lead_score_before') }} as band_rank_before,
        case
            when lead_score >= lead_threshold
                then {{ timeline_score('next_age_days') }}
            else lead_score
        end as lead_score_before_next
    from (
        select
            *,
            {{ timeline_score('age_days', previous=true, growth_prefix='growth_') }}
                as lead_score_before,
            {{ timeline_score('age_days', growth_prefix='growth_') }} as lead_score
        from (
            select
                {% for slot in half_life_slots %}
                    case
                        when configured_states.half_life_{{ slot }} is null then 0
                        else 1 / {{ decay_factor(
                            'configured_states.age_days', 'configured_states.half_life_' ~ slot) }}
                    end as growth_{{ slot }},
                {% endfor %}
                configured_states.*
            from configured_states
        ) as with_growth
    ) as scored_states

),

final as (

    -- the few rows where the band changes at the row or decays to a lower one before the
    -- next: filtered in one pass, so the big banded set is never materialized
    select
        candidate_key,
        age_days,
        next_age_days,
        is_event,
        state_constant,
        state_penalty,
        {% for slot in half_life_slots %}
            state_weight_{{ slot }},
            half_life_{{ slot }},
        {% endfor %}
        fit_score,
        engagement_min_points,
        engagement_max_points,
        total_min_points,
        total_max_points,
        lead_threshold,
        mql_threshold,
        lead_score_before,
        lead_score,
        lead_score_before_next,
        band_rank_before,
        band_rank,
        -- the rule that moved the band: rising, the one that moved the score up most;
        -- falling, down most (a count band that decay took into or out of its range
        -- too). Empty when the band does not change at this moment
        case
            when band_rank > band_rank_before then mod(top_trigger_key, 10000)
            when band_rank < band_rank_before then mod(bottom_trigger_key, 10000)
        end as trigger_rule_number
    from banded
    where
        band_rank != band_rank_before
        or (lead_score >= mql_threshold and lead_score_before_next < mql_threshold)
        or (lead_score >= lead_threshold and lead_score_before_next < lead_threshold)

)

select * from final
