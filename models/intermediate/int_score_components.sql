-- The spine of the score: one row per contact, scoring model and rule that matched, with
-- the points it contributed before decay, after decay, and after the rule's cap. Totals,
-- caps per category, reasons and audits are all aggregations of this table, so each rule
-- is applied in exactly one place.
--   fit rules:        points once when the attribute matches (no decay);
--   engagement rules: points per matching event, each decayed by its age at the scoring
--                     date (half-life in days), summed, then capped at +/- max_points;
--                     or, for a count band, its points once when the contact's count of
--                     matching events (decayed when the rule has a half-life) is within
--                     the band, no events at all included (macro engagement_components,
--                     shared with the backtest).
-- A product-line model ignores events tagged with another product line.

with

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

fit_attributes as (

    select * from {{ ref('int_contact_fit_attributes') }}

),

rule_matches as (

    select
        *,
        0 as cut_number
    from {{ ref('int_engagement_rule_matches') }}

),

contacts as (

    select
        contact_id,
        0 as cut_number
    from {{ ref('int_contacts_deduplicated') }}

),

fit_components as (

    select
        fit_attributes.contact_id,
        rules.scoring_model,
        rules.rule_id,
        rules.category,
        rules.reason_text,
        rules.points as points_per_match,
        rules.max_points,
        false as is_count_band,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ type_double() }}) as decayed_event_count,
        cast(rules.points as {{ dbt.type_float() }}) as points_before_decay,
        cast(rules.points as {{ dbt.type_float() }}) as points_after_decay,
        {{ clamp('cast(rules.points as ' ~ dbt.type_float() ~ ')',
            '-abs(rules.max_points)', 'abs(rules.max_points)') }} as points_after_cap,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from fit_attributes
    inner join rules
        on
            rules.category = 'fit'
            and fit_attributes.attribute = rules.signal
            and {{ value_matches(
                'fit_attributes.attribute_value', 'rules.match_type', 'rules.match_value') }}

),

engagement_components as (

    select
        contact_id,
        scoring_model,
        rule_id,
        category,
        reason_text,
        points_per_match,
        max_points,
        is_count_band,
        event_count,
        decayed_event_count,
        points_before_decay,
        points_after_decay,
        points_after_cap,
        last_event_at
    from {{ engagement_components('rule_matches', 'contacts') }} as capped

),

final as (

    select * from fit_components
    union all
    select * from engagement_components

)

select * from final
