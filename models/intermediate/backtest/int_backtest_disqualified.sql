-- Which backtested contacts the disqualification rules applied to at each snapshot, and
-- why: the same rules as at the scoring date (macro contact_disqualification), with the
-- events up to each snapshot (a job application after a snapshot does not disqualify the
-- contact at it). Rules on who the contact is read the CRM's current values.

with

judged as (

    select
        contact_id,
        snapshot_number as cut_number
    from {{ ref('int_backtest_contacts') }}

),

matches as (

    select
        contact_id,
        snapshot_number as cut_number,
        signal,
        match_type,
        match_value,
        half_life_days,
        event_count
    from {{ ref('int_backtest_rule_matches') }}

),

disqualified as (

    select * from {{ contact_disqualification('judged', 'matches') }} as reasons

),

final as (

    select
        contact_id,
        cut_number as snapshot_number,
        scoring_model,
        disqualification_reason,
        all_disqualification_reasons
    from disqualified

)

select * from final
