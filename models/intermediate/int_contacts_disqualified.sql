-- One row per contact and scoring model that at least one enabled disqualification rule
-- (seed disqualification_rules, per model) applies to,
-- as of the scoring date. The reason reported is the
-- enabled rule with the lowest priority number; all reasons found are listed too.
-- Disqualified contacts keep their computed scores (for audit) but never route to sales.
-- The rules live in the macro contact_disqualification, which the backtest applies at
-- every snapshot too.

with

contacts_to_judge as (

    select
        contact_id,
        0 as cut_number
    from {{ ref('int_contacts_deduplicated') }}

),

matches_at_as_of as (

    select
        *,
        0 as cut_number
    from {{ ref('int_engagement_rule_matches') }}

),

disqualified as (

    select * from {{ contact_disqualification('contacts_to_judge', 'matches_at_as_of') }} as judged

),

final as (

    select
        contact_id,
        scoring_model,
        disqualification_reason,
        all_disqualification_reasons
    from disqualified

)

select * from final
