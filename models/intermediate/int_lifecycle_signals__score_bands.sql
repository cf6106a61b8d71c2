{{ config(materialized='view') }}
-- The lifecycle signals of the score: every change of score band (prospect, lead, mql) of
-- int_lead_score_timeline, per contact and scoring model, with the score then and the
-- change in words. A view: a projection of the timeline table, read by
-- int_lifecycle_signals__starts and int_lifecycle_signals. signal_at is empty for a band
-- held from the start (change_kind `start`): int_lifecycle_signals dates it at the start.
-- Grain: one row per contact_id, scoring_model, signal_at and signal_order (the
-- timeline's changed_at and change_order).

with

score_timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

final as (

    select
        contact_id,
        scoring_model,
        changed_at as signal_at,
        change_order as signal_order,
        'score' as signal_type,
        band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        lead_score,
        case
            when change_kind = 'decay'
                then 'score decayed to ' || cast(lead_score as {{ dbt.type_string() }})
            when change_kind = 'start'
                then 'fit score alone is ' || cast(lead_score as {{ dbt.type_string() }})
            else
                'score ' || cast(lead_score as {{ dbt.type_string() }})
                || ' after ' || coalesce(rule_id, 'an event')
        end
        || ' (' || score_band || ' band)' as trigger_detail
    from score_timeline

)

select * from final
