-- Everything that can move a contact between lifecycle stages, as one long table per
-- contact and scoring model, up to the scoring date: the union of one model per kind of
-- signal, each documented in its own header: the start or disqualification
-- (int_lifecycle_signals__starts), score band changes (__score_bands), hand-raises and the
-- end of their MQL hold (__hand_raises), sales' lead status changes (__sales_statuses) and
-- opportunities opened, lost and won (__opportunities). Only the signals of a contact that
-- starts are kept, and an undated one (a score band held from the start) is dated at the
-- start. The stage rules that read it live in one place: lifecycle_stage_history.

with

starts as (

    select * from {{ ref('int_lifecycle_signals__starts') }}

),

dated_signals as (

    {% for signal_model in lifecycle_dated_signal_models() %}
        select * from {{ ref(signal_model) }}
        {{ "union all" if not loop.last }}
    {% endfor %}

),

final as (

    select
        dated_signals.contact_id,
        dated_signals.scoring_model,
        coalesce(dated_signals.signal_at, starts.signal_at) as signal_at,
        dated_signals.signal_order,
        dated_signals.signal_type,
        dated_signals.band_rank,
        dated_signals.sales_effect,
        dated_signals.hand_raise_until,
        dated_signals.opportunity_delta,
        dated_signals.won_delta,
        dated_signals.lead_score,
        dated_signals.trigger_detail
    from dated_signals
    inner join starts
        on
            dated_signals.contact_id = starts.contact_id
            and dated_signals.scoring_model = starts.scoring_model
    union all
    select
        starts.contact_id,
        starts.scoring_model,
        starts.signal_at,
        starts.signal_order,
        starts.signal_type,
        starts.band_rank,
        starts.sales_effect,
        starts.hand_raise_until,
        starts.opportunity_delta,
        starts.won_delta,
        starts.lead_score,
        starts.trigger_detail
    from starts

)

select * from final
