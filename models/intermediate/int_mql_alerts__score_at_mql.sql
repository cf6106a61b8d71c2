{{ config(materialized='view') }}
-- The lead score of each alert at its MQL moment, with the same arithmetic as the
-- scored-contact mart (macros in score_fields.sql): each engagement rule's points then as
-- int_score_components gives them (per event, decayed to the MQL moment and capped; a
-- count band its points once while the count, decayed with a half-life, is within it; a
-- band from 0 also for a contact without a matching event), the category caps and bounds,
-- fit from the current CRM attributes. A view: the mart reads it once. Grain: one row per
-- alert_id.

{%- set band_count = "case when coalesce(rules.half_life_days, 0) > 0"
    ~ " then rule_totals.decayed_event_count else rule_totals.event_count end" %}

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

scored_touches as (

    select * from {{ ref('int_mql_alerts__scored_touches') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

rule_totals as (

    -- per alert and rule: its events' points then, their decayed count and their count;
    -- a count band that includes 0 also counts for a contact without any matching event
    select
        alert_id,
        rule_id,
        sum(points_at_mql) as rule_points,
        sum(decay_at_mql) as decayed_event_count,
        sum(event_count) as event_count
    from (
        select
            alert_id,
            rule_id,
            points_at_mql,
            decay_at_mql,
            1 as event_count
        from scored_touches
        union all
        select
            entries.alert_id,
            rules.rule_id,
            0 as points_at_mql,
            0 as decay_at_mql,
            0 as event_count
        from entries
        inner join rules
            on entries.scoring_model = rules.scoring_model
        where
            rules.category = 'engagement'
            and rules.points != 0
            and rules.is_count_band
            and coalesce(rules.count_min, 0) <= 0
    ) as touches
    group by alert_id, rule_id

),

rule_points_at_mql as (

    -- each rule's points then, as int_score_components gives them: per event, capped; a
    -- count band its points once while the (decayed) count is within it
    select
        rule_totals.alert_id,
        case
            when not rules.is_count_band
                then {{ clamp(
                    'rule_totals.rule_points', '-rules.max_points', 'rules.max_points') }}
            when
                (rules.count_min is null or {{ band_count }} >= rules.count_min)
                and (rules.count_max is null or {{ band_count }} <= rules.count_max)
                then {{ clamp(
                    'rules.points', '-abs(rules.max_points)', 'abs(rules.max_points)') }}
            else 0
        end as points_after_cap
    from rule_totals
    inner join entries
        on rule_totals.alert_id = entries.alert_id
    inner join rules
        on
            entries.scoring_model = rules.scoring_model
            and rule_totals.rule_id = rules.rule_id

),

engagement_at_mql as (

    select
        alert_id,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from rule_points_at_mql
    group by alert_id

),

fit_points as (

    select
        contact_id,
        scoring_model,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from components
    where category = 'fit'
    group by contact_id, scoring_model

),

category_scores as (

    select
        entries.alert_id,
        {{ category_score(
            'fit_points.positive_points', 'fit_points.penalty_points',
            'model_config.fit_min_points', 'model_config.fit_max_points') }} as fit_score,
        {{ category_score(
            'engagement_at_mql.positive_points', 'engagement_at_mql.penalty_points',
            'model_config.engagement_min_points', 'model_config.engagement_max_points') }}
            as engagement_score,
        model_config.total_min_points,
        model_config.total_max_points
    from entries
    inner join model_config
        on entries.scoring_model = model_config.scoring_model
    left join fit_points
        on
            entries.contact_id = fit_points.contact_id
            and entries.scoring_model = fit_points.scoring_model
    left join engagement_at_mql
        on entries.alert_id = engagement_at_mql.alert_id

),

final as (

    select
        alert_id,
        fit_score,
        engagement_score,
        {{ clamp('fit_score + engagement_score', 'total_min_points', 'total_max_points') }}
            as lead_score
    from category_scores

)

select * from final
