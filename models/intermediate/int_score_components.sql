-- The spine of the score: one row per contact, scoring model and rule that matched, with
-- the points it contributed before decay, after decay, and after the rule's cap. Totals,
-- caps per category, reasons and audits are all aggregations of this table, so each rule
-- is applied in exactly one place.
--   fit rules:        points once when the attribute matches (no decay);
--   engagement rules: points per matching event, each decayed by its age at the scoring
--                     date (half-life in days), summed, then capped at +/- max_points.
-- A product-line model ignores events tagged with another product line.

with

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

model_config as (

    select
        scoring_model,
        product_line
    from {{ ref('int_scoring_model_config') }}

),

fit_attributes as (

    select * from {{ ref('int_contact_fit_attributes') }}

),

rule_matches as (

    select * from {{ ref('int_engagement_rule_matches') }}

),

fit_components as (

    select
        fit_attributes.contact_id,
        rules.scoring_model,
        rules.rule_id,
        rules.category,
        rules.reason_text,
        rules.points,
        rules.max_points,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(rules.points as {{ dbt.type_float() }}) as points_before_decay,
        cast(rules.points as {{ dbt.type_float() }}) as points_after_decay,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from fit_attributes
    inner join rules
        on
            rules.category = 'fit'
            and fit_attributes.attribute = rules.signal
            and lower(fit_attributes.attribute_value) like rules.match_value

),

engagement_components as (

    select
        rule_matches.contact_id,
        rules.scoring_model,
        rules.rule_id,
        rules.category,
        rules.reason_text,
        rules.points,
        rules.max_points,
        sum(rule_matches.event_count) as event_count,
        rules.points * sum(rule_matches.event_count) as points_before_decay,
        rules.points * sum(rule_matches.decay_factor_sum) as points_after_decay,
        max(rule_matches.last_event_at) as last_event_at
    from rules
    inner join model_config
        on rules.scoring_model = model_config.scoring_model
    inner join rule_matches
        on
            rules.signal = rule_matches.signal
            and rules.match_value = rule_matches.match_value
            and coalesce(rules.half_life_days, 0) = rule_matches.half_life_days
    where
        rules.category = 'engagement'
        and (
            model_config.product_line is null
            or rule_matches.product_line is null
            or rule_matches.product_line = model_config.product_line
        )
    group by
        rule_matches.contact_id,
        rules.scoring_model,
        rules.rule_id,
        rules.category,
        rules.reason_text,
        rules.points,
        rules.max_points

),

components as (

    select * from fit_components
    union all
    select * from engagement_components

),

final as (

    select
        contact_id,
        scoring_model,
        rule_id,
        category,
        reason_text,
        points as points_per_match,
        max_points,
        event_count,
        points_before_decay,
        points_after_decay,
        {{ clamp('points_after_decay', '-abs(max_points)', 'abs(max_points)') }}
            as points_after_cap,
        last_event_at
    from components

)

select * from final
