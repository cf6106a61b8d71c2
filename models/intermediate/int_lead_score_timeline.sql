-- When each contact's lead score crossed the lead and MQL thresholds, per scoring model,
-- up to the scoring date: one row per change of score band (prospect < lead < mql), with
-- the exact score at that moment. Contacts whose score can never reach the lead threshold
-- (decay-free upper bound below it) have no rows: they stay in their starting band.
-- Disqualified contacts have their score bands too (their lead score is 0, but the
-- backtest needs the ladder they walked before an event disqualified them; the lifecycle
-- puts the disqualification above it). Fit is constant over time (the CRM keeps only
-- current values).
--
-- How it stays exact and linear in the number of events (docs: contact_lifecycle):
--   * a rule's decayed total after its i-th event is S_i = W_i / decay(age_i), with
--     W_i = sum of points * decay(age_j) over its events j <= i (a running sum, no pairs);
--   * its capped contribution is a piece: the cap (constant) while S exceeds it, then
--     W_i / decay(age) (exponential). The switch happens at age h * log2(cap / W_i) and is
--     a breakpoint row of its own;
--   * every piece is C + K / decay(age, h): summing the changes of C and of K per
--     half-life class over time gives, at every event, engagement = C + sum K_h / decay;
--   * a count band gives a constant while its count is within the band: it changes at
--     its events and, for a decayed count, where decay takes the count down through
--     count_max (into the band) or below count_min (out of it), at h * log2(bound / W):
--     those moments are rows of their own, at the first microsecond past them; the bands
--     that include 0 are every contact's start;
--   * the arithmetic of scored_contacts: the engagement cap bounds the positive part,
--     C + sum K_h / decay; the penalties P (constants: they never decay, a seed test) are
--     kept apart and apply after it: engagement = max(min, min(C + sum, cap) + P);
--   * between rows the score only decays (penalties never decay: a seed test), so it
--     rises above a threshold only at a row - an event, or a band entered by decay
--     (exact) - and falls below one either at a row (exact) or by decay, found by
--     bisection to the microsecond.
-- Ages are days before the scoring date (as_of), so larger age = earlier.
--
-- Run after scored_contacts, not beside it: the two heaviest models of a 1M-contact build
-- share one DuckDB memory budget, and side by side the timeline spilled and took 494 s
-- instead of 229 s alone. (dbt's documented way to order models without reading one:)
-- depends_on: {{ ref('scored_contacts') }}

{%- set half_life_slots = range(1, 5) %}
{%- set bisection_steps = 48 %}
{%- set bisection_columns = [
    'candidate_key', 'state_constant', 'state_penalty', 'fit_score', 'engagement_min_points',
    'engagement_max_points', 'total_min_points', 'total_max_points', 'lead_threshold',
    'mql_threshold', 'crossed_threshold',
] %}
{%- for slot in half_life_slots %}
    {%- do bisection_columns.extend(['state_weight_' ~ slot, 'half_life_' ~ slot]) %}
{%- endfor %}

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

rule_matches as (

    select * from {{ ref('int_engagement_rule_matches') }}

),

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

rules_classified as (

    select
        rules.*,
        half_life_classes.class_slot
    from rules
    left join half_life_classes
        on
            rules.half_life_days = half_life_classes.half_life_days
            and not rules.is_count_band

),

band_starts as (

    -- the count bands that include 0: every contact has their points before its first
    -- matching event (split into positive points and penalties)
    select
        scoring_model,
        sum(case when band_points > 0 then band_points else 0 end) as start_constant,
        sum(case when band_points < 0 then band_points else 0 end) as start_penalty
    from rules
    where
        is_count_band
        and {{ in_count_band('0') }}
    group by scoring_model

),

band_bounds as (

    -- a count band with positive points from count_min > 0 can only have fired when the
    -- contact had at least count_min matching events (a decayed count never exceeds the
    -- plain count up to the scoring date)
    select
        contact_id,
        scoring_model,
        sum(band_points) as band_upper_bound
    from (
        select
            rule_matches.contact_id,
            rules.scoring_model,
            rules.rule_id,
            rules.count_min,
            rules.band_points,
            sum(rule_matches.event_count) as event_count
        from rule_matches
        inner join rules
            on
                rule_matches.signal = rules.signal
                and rule_matches.match_type = rules.match_type
                and rule_matches.match_value = rules.match_value
                and rule_matches.half_life_days = rules.half_life_days
        inner join model_config
            on rules.scoring_model = model_config.scoring_model
        where
            rules.is_count_band
            and rules.points > 0
            and rules.count_min > 0
            and {{ in_product_line('model_config.product_line', 'rule_matches.product_line') }}
        group by
            rule_matches.contact_id,
            rules.scoring_model,
            rules.rule_id,
            rules.count_min,
            rules.band_points
    ) as band_counts
    where event_count >= count_min
    group by contact_id, scoring_model

),

slot_half_lives as (

    select
        {% for slot in half_life_slots %}
            max(case when class_slot = {{ slot }} then half_life_days end)
                as half_life_{{ slot }},
        {% endfor %}
        count(*) as half_life_class_count
    from half_life_classes

),

component_bounds as (

    -- fit (constant) and a decay-free upper bound of the engagement per event a contact
    -- could ever have had: each positive rule at most its cap, or all its points undecayed
    select
        components.contact_id,
        components.scoring_model,
        {{ positive_sum('components.points_after_cap', "components.category = 'fit'") }}
            as fit_positive_points,
        {{ penalty_sum('components.points_after_cap', "components.category = 'fit'") }}
            as fit_penalty_points,
        sum(
            case
                when
                    components.category = 'engagement'
                    and components.points_per_match > 0
                    and not components.is_count_band
                    then
                        case
                            when components.points_before_decay < components.max_points
                                then components.points_before_decay
                            else components.max_points
                        end
                else 0
            end
        ) as engagement_upper_bound
    from components
    inner join contacts
        on components.contact_id = contacts.contact_id
    group by components.contact_id, components.scoring_model

),

contact_bounds as (

    -- every scorable contact and model: the bound adds the count bands it may have had
    select
        contacts.contact_id,
        model_config.scoring_model,
        coalesce(component_bounds.fit_positive_points, 0) as fit_positive_points,
        coalesce(component_bounds.fit_penalty_points, 0) as fit_penalty_points,
        coalesce(component_bounds.engagement_upper_bound, 0)
        + coalesce(band_bounds.band_upper_bound, 0)
        + coalesce(band_starts.start_constant, 0) as engagement_upper_bound
    from contacts
    cross join model_config
    left join component_bounds
        on
            contacts.contact_id = component_bounds.contact_id
            and model_config.scoring_model = component_bounds.scoring_model
    left join band_bounds
        on
            contacts.contact_id = band_bounds.contact_id
            and model_config.scoring_model = band_bounds.scoring_model
    left join band_starts
        on model_config.scoring_model = band_starts.scoring_model

),

candidates as (

    select
        contact_bounds.contact_id,
        model_config.scoring_model,
        model_config.product_line,
        {{ category_score(
            'contact_bounds.fit_positive_points', 'contact_bounds.fit_penalty_points',
            'model_config.fit_min_points', 'model_config.fit_max_points') }} as fit_score,
        model_config.engagement_min_points,
        model_config.engagement_max_points,
        model_config.total_min_points,
        model_config.total_max_points,
        model_config.lead_threshold,
        model_config.mql_threshold,
        coalesce(band_starts.start_constant, 0) as start_constant,
        coalesce(band_starts.start_penalty, 0) as start_penalty,
        -- a compact integer key: the timeline sorts millions of rows by it
        row_number() over (order by contact_bounds.contact_id, model_config.scoring_model)
            as candidate_key
    from contact_bounds
    inner join model_config
        on contact_bounds.scoring_model = model_config.scoring_model
    left join band_starts
        on contact_bounds.scoring_model = band_starts.scoring_model
    where
        {{ clamp(
            category_points(
                'contact_bounds.fit_positive_points', 'contact_bounds.fit_penalty_points',
                'model_config.fit_min_points', 'model_config.fit_max_points')
            ~ ' + ' ~ clamp('contact_bounds.engagement_upper_bound',
                'model_config.engagement_min_points', 'model_config.engagement_max_points'),
            'model_config.total_min_points', 'model_config.total_max_points') }}
        >= model_config.lead_threshold

),

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

scored_events as (

    -- one row per candidate event and model rule it earns points from
    select
        candidates.candidate_key,
        rules_classified.rule_number,
        rules_classified.points,
        rules_classified.max_points,
        rules_classified.half_life_days,
        rules_classified.class_slot,
        rules_classified.is_count_band,
        rules_classified.count_min,
        rules_classified.count_max,
        rules_classified.band_points,
        events.age_days,
        {{ decay_factor('events.age_days', 'rules_classified.half_life_days') }} as decay_at_event
    from events
    inner join rules_classified
        on
            events.event_type = rules_classified.signal
            and {{ value_matches(
                'events.event_detail', 'rules_classified.match_type', 'rules_classified.match_value') }}
    inner join candidates
        on
            events.contact_id = candidates.contact_id
            and rules_classified.scoring_model = candidates.scoring_model
    where {{ in_product_line('candidates.product_line', 'events.product_line') }}

),

rule_running as (

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
        from rule_running
        where not is_count_band
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

band_counts as (

    -- a count band's count right after each of its events: the decayed count (a running
    -- sum over the decay at each event, read at this one) or, without half-life, plain
    select
        *,
        case
            when half_life_days > 0 then running_count_weight / decay_at_event
            else event_number
        end as count_after
    from rule_running
    where is_count_band

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

stream as (

    -- the changes of the positive constant, the penalties (constants: they never decay)
    -- and the exponential weights, per moment
    select
        candidate_key,
        age_days,
        1 as is_event,
        case when points > 0 then delta_constant else 0 end as delta_constant,
        case when points < 0 then delta_constant else 0 end as delta_penalty,
        class_slot,
        delta_weight,
        (cast({{ round_to('points * 100') }} as {{ dbt.type_bigint() }}) + 1000000) * 10000
        + rule_number as trigger_key
    from rule_changes
    where delta_constant != 0 or delta_weight != 0
    union all
    select
        candidate_key,
        uncap_age_days as age_days,
        0 as is_event,
        -max_points * sign(points) as delta_constant,
        0 as delta_penalty,
        class_slot,
        running_weight as delta_weight,
        cast(null as {{ dbt.type_bigint() }}) as trigger_key
    from rule_pieces
    where
        uncap_age_days > coalesce(next_age_days, 0)
        and uncap_age_days > 0
    union all
    select
        candidate_key,
        age_days,
        is_event,
        case when points > 0 then delta_level else 0 end as delta_constant,
        case when points < 0 then delta_level else 0 end as delta_penalty,
        cast(null as {{ dbt.type_int() }}) as class_slot,
        0 as delta_weight,
        (cast({{ round_to('delta_level * 100') }} as {{ dbt.type_bigint() }}) + 1000000) * 10000
        + rule_number as trigger_key
    from band_changes
    where delta_level != 0

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

changing_rows as (

    -- the few rows where the band changes at the row or decays to a lower one before the
    -- next: filtered in one pass, so the big banded set is never materialized
    select *
    from banded
    where
        band_rank != band_rank_before
        or (lead_score >= mql_threshold and lead_score_before_next < mql_threshold)
        or (lead_score >= lead_threshold and lead_score_before_next < lead_threshold)

),

event_changes as (

    select
        candidate_key,
        age_days,
        case when is_event = 1 then 1 else 0 end as change_order,
        lead_score,
        band_rank,
        -- a count band can also change where decay takes its count into or out of it
        case when is_event = 1 then 'event' else 'decay' end as change_kind,
        case
            when band_rank > band_rank_before then mod(top_trigger_key, 10000)
            else mod(bottom_trigger_key, 10000)
        end as rule_number
    from changing_rows
    where band_rank != band_rank_before

),

decay_crossings as (

    -- an interval in which decay took the score below a threshold: search the age at
    -- which it went below (lower = still at or above, upper = below)
    {% for threshold in ['mql_threshold', 'lead_threshold'] %}
        select
            *,
            {{ threshold }} as crossed_threshold,
            age_days as lower_age,
            next_age_days as upper_age
        from changing_rows
        where
            lead_score >= {{ threshold }}
            and lead_score_before_next < {{ threshold }}
        {{ "union all" if not loop.last }}
    {% endfor %}

),

{{ decay_bisection('decay_crossings', bisection_columns, bisection_steps) }},

decay_changes as (

    -- the first whole microsecond after the crossing: the bisection's upper end (below
    -- the threshold) moved later to the microsecond grid. Float division can land that
    -- grid point a hair before the crossing (seen at 50k contacts: 9.995000000000003
    -- rounds to 10.00), so the score is evaluated there and, when it is still at or
    -- above the threshold, the next microsecond is taken (the score only decays here);
    -- candidate_key is one of the bisection columns (named once: PostgreSQL rejects a
    -- reference to a column a CTE has twice)
    select
        case
            when grid_score < crossed_threshold then grid_age_days
            else (grid_microseconds - 1) / 86400000000
        end as age_days,
        0 as change_order,
        'decay' as change_kind,
        {% for column in bisection_columns %}
            {{ column }},
        {% endfor %}
        cast(null as {{ dbt.type_bigint() }}) as rule_number
    from (
        select
            *,
            {{ timeline_score('grid_age_days') }} as grid_score
        from (
            select
                *,
                grid_microseconds / 86400000000 as grid_age_days
            from (
                select
                    *,
                    floor(upper_age * 86400000000) as grid_microseconds
                from decay_bisected
            ) as on_grid
        ) as grid_ages
    ) as grid_scored

),

decay_changes_scored as (

    select
        candidate_key,
        age_days,
        change_order,
        {{ timeline_score('age_days') }} as lead_score,
        {{ score_band(timeline_score('age_days')) }} as band_rank,
        change_kind,
        rule_number
    from decay_changes

),

start_changes as (

    -- the fit score alone reaches a band: the contact starts there (time unknown here)
    select
        candidate_key,
        cast(null as {{ dbt.type_float() }}) as age_days,
        -1 as change_order,
        {{ timeline_score(none) }} as lead_score,
        {{ score_band(timeline_score(none)) }} as band_rank,
        'start' as change_kind,
        cast(null as {{ dbt.type_bigint() }}) as rule_number
    from candidates
    where {{ score_band(timeline_score(none)) }} > 0

),

changes as (

    select * from start_changes
    union all
    select * from event_changes
    union all
    select * from decay_changes_scored

),

rule_names as (

    select distinct
        rule_id,
        rule_number
    from rules

),

final as (

    select
        candidates.contact_id,
        candidates.scoring_model,
        {{ timestamp_before_as_of('changes.age_days') }} as changed_at,
        changes.change_order,
        cast({{ round_to('changes.lead_score', 2) }} as decimal(7, 2)) as lead_score,
        changes.band_rank,
        case changes.band_rank
            when 2 then 'mql'
            when 1 then 'lead'
            else 'prospect'
        end as score_band,
        changes.change_kind,
        rule_names.rule_id
    from changes
    inner join candidates
        on changes.candidate_key = candidates.candidate_key
    left join rule_names
        on changes.rule_number = rule_names.rule_number

)

select * from final
