-- The lifecycle ladder of every contact, per scoring model, up to the scoring date: one
-- row per stage entered, with when it was entered and left and what moved it. The stage
-- rules of the ladder live here and only here; each signal time of int_lifecycle_signals is
-- evaluated in this order (the first that holds wins):
--   1. customer      an opportunity was won (for a product-line model: of its line)
--   2. sql           an opportunity is open
--   3. disqualified  sales rejected the lead (latest lead status), reason rejected_by_sales
--   4. sal           sales accepted or is working the lead (latest lead status)
--   5. mql           the score is in the MQL band (crossed since any recycling), or a
--                    hand-raise less than hand_raiser_mql_hold_days old (since recycling)
--   6. lead          the score is in the lead band, or sales recycled the lead
--   7. prospect      otherwise
-- Consecutive evaluations with the same stage are one row, so rows are contiguous: each
-- row is left exactly when the next one is entered. The scoring engine's disqualification
-- is not applied here: lifecycle_stage_history puts it above the ladder (a disqualified
-- contact is disqualified from its start), and the backtest applies it as it was at each
-- snapshot (an event after a snapshot, such as a job application, must not disqualify the
-- contact at that snapshot), so the ladder is computed for every contact.

-- Stage names and ranks come from the seed lifecycle_stages (the one list of stages).

with

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

signals as (

    select * from {{ ref('int_lifecycle_signals') }}

),

signal_times as (

    -- all signals of one contact, model and instant act together
    select
        contact_id,
        scoring_model,
        signal_at,
        max(case when signal_type in ('start', 'disqualified') then 1 else 0 end) as is_start,
        max(case when signal_type = 'score' then band_rank end) as band_rank,
        max(case when signal_type = 'score' then lead_score end) as lead_score,
        max(case when signal_type = 'score' then signal_at end) as band_changed_at,
        max(case when signal_type = 'hand_raise' then signal_at end) as hand_raised_at,
        max(hand_raise_until) as hand_raise_until,
        {# the latest status of one instant: a rejection outranks acceptance and recycling #}
        min(case sales_effect
            when 'disqualified' then 1
            when 'sal' then 2
            when 'recycled' then 3
        end) as sales_effect_rank,
        max(case when sales_effect = 'recycled' then signal_at end) as recycled_at,
        sum(opportunity_delta) as opportunity_delta,
        sum(won_delta) as won_delta,
        {{ dbt.listagg('trigger_detail', "'; '", 'order by signal_order, trigger_detail') }}
            as trigger_detail,
        {{ dbt.listagg('signal_type', "', '", 'order by signal_order, signal_type') }}
            as trigger_type
    from signals
    group by contact_id, scoring_model, signal_at

),

running as (

    select
        *,
        count(band_rank) over running_window as band_group,
        count(sales_effect_rank) over running_window as sales_group,
        max(band_changed_at) over running_window as last_band_changed_at,
        max(hand_raised_at) over running_window as last_hand_raised_at,
        max(hand_raise_until) over running_window as last_hand_raise_until,
        max(recycled_at) over running_window as last_recycled_at,
        sum(opportunity_delta) over running_window as open_opportunities,
        sum(won_delta) over running_window as won_opportunities
    from signal_times
    window running_window as (
        partition by contact_id, scoring_model
        order by signal_at
        rows between unbounded preceding and current row
    )

),

states as (

    select
        *,
        coalesce(max(band_rank) over band_window, 0) as current_band_rank,
        max(sales_effect_rank) over sales_window as current_sales_effect_rank
    from running
    window
        band_window as (partition by contact_id, scoring_model, band_group),
        sales_window as (partition by contact_id, scoring_model, sales_group)

),

staged as (

    select
        *,
        case
            when won_opportunities > 0 then 'customer'
            when open_opportunities > 0 then 'sql'
            when current_sales_effect_rank = 1 then 'disqualified'
            when current_sales_effect_rank = 2 then 'sal'
            when
                (
                    current_band_rank >= 2
                    and (last_recycled_at is null or last_band_changed_at > last_recycled_at)
                )
                or (
                    last_hand_raise_until > signal_at
                    and (last_recycled_at is null or last_hand_raised_at > last_recycled_at)
                )
                then 'mql'
            when current_band_rank >= 1 or current_sales_effect_rank = 3 then 'lead'
            else 'prospect'
        end as stage
    from states

),

changes as (

    select
        *,
        lag(stage) over contact_window as previous_stage
    from staged
    window contact_window as (partition by contact_id, scoring_model order by signal_at)

),

entered as (

    select
        contact_id,
        scoring_model,
        stage,
        previous_stage,
        signal_at as entered_at,
        lead(signal_at) over contact_window as exited_at,
        lead_score,
        trigger_type,
        trigger_detail
    from changes
    where previous_stage is null or stage != previous_stage
    window contact_window as (partition by contact_id, scoring_model order by signal_at)

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'contact_id', "'|'", 'scoring_model', "'|'",
            'cast(entered_at as ' ~ dbt.type_string() ~ ')'])) }} as stage_history_id,
        entered.contact_id,
        entered.scoring_model,
        entered.stage,
        lifecycle_stages.stage_rank,
        entered.previous_stage,
        entered.entered_at,
        entered.exited_at,
        entered.exited_at is null as is_current,
        entered.trigger_type,
        entered.trigger_detail,
        entered.lead_score as lead_score_at_entry
    from entered
    left join lifecycle_stages
        on entered.stage = lifecycle_stages.stage

)

select * from final
