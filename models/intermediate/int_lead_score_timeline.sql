-- When each contact's lead score crossed the lead and MQL thresholds, per scoring model,
-- up to the scoring date: one row per change of score band (prospect < lead < mql), with
-- the exact score at that moment. Contacts whose score can never reach the lead threshold
-- (decay-free upper bound below it) have no rows: they stay in their starting band.
-- Disqualified contacts have their score bands too (their lead score is 0, but the
-- backtest needs the ladder they walked before an event disqualified them; the lifecycle
-- puts the disqualification above it). Fit is constant over time (the CRM keeps only
-- current values).
--
-- Exact and linear in the number of events (docs/architecture.md, "How stage entry times
-- are computed"), in steps of their own, each an intermediate model:
--   __rules            the engagement rules, numbered, with their half-life class;
--   __candidates       the contact-models that can reach the lead threshold (the rest
--                      are skipped), with fit score, bounds and thresholds;
--   __scored_events    each scored event with its rule's running sums (ephemeral);
--   __rule_steps       what each event changes in its rule's capped piece C + K / decay,
--                      and where a cap gives way to decay (ephemeral);
--   __band_steps       where each count band's points change: at its events, or where
--                      decay takes its count into or out of the band (ephemeral);
--   __changing_states  the running score state at each moment where the band changes or
--                      decay takes it below a threshold before the next;
--   __decay_crossings  where decay took it below a threshold (bisection);
-- and here the three kinds of change: the start (the fit score alone reaches a band),
-- at a moment (an event, or a count band moved by decay), and by decay.
-- Ages are days before the scoring date (as_of), so larger age = earlier.

with

candidates as (

    select * from {{ ref('int_lead_score_timeline__candidates') }}

),

changing_states as (

    select * from {{ ref('int_lead_score_timeline__changing_states') }}

),

decay_crossings as (

    select * from {{ ref('int_lead_score_timeline__decay_crossings') }}

),

rule_names as (

    select distinct
        rule_id,
        rule_number
    from {{ ref('int_lead_score_timeline__rules') }}

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

moment_changes as (

    -- the band changes at a moment: an event, or a count band that decay took into or
    -- out of its range (change_kind decay)
    select
        candidate_key,
        age_days,
        case when is_event = 1 then 1 else 0 end as change_order,
        lead_score,
        band_rank,
        case when is_event = 1 then 'event' else 'decay' end as change_kind,
        trigger_rule_number as rule_number
    from changing_states
    where band_rank != band_rank_before

),

decay_changes as (

    -- decay took the score below a threshold between two moments: no rule did
    select
        candidate_key,
        age_days,
        0 as change_order,
        lead_score,
        band_rank,
        'decay' as change_kind,
        cast(null as {{ dbt.type_bigint() }}) as rule_number
    from decay_crossings

),

changes as (

    select * from start_changes
    union all
    select * from moment_changes
    union all
    select * from decay_changes

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
