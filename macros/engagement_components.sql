{#- The engagement part of the score spine: one row per contact, cut point, scoring model
    and engagement rule that matched, with the points before decay, after decay and after
    the rule's cap, and the decayed event count (the events weighted by their decay). A
    rule's points are its points per matching event times the events'
    count (before decay) or the sum of their decay factors (after decay), capped at
    +/- max_points; a product-line model ignores events tagged with another product line.
    The one definition, used at the scoring date (int_score_components) and at every
    backtest snapshot (int_score_backtest_components). `rule_matches`: a relation with
    contact_id, cut_number, signal, match_type, match_value, half_life_days, product_line,
    event_count, decay_factor_sum, last_event_at. -#}
{% macro engagement_components(rule_matches) -%}
    (
        select
            matches.contact_id,
            matches.cut_number,
            rules.scoring_model,
            rules.rule_id,
            rules.category,
            rules.reason_text,
            rules.points as points_per_match,
            rules.max_points,
            sum(matches.event_count) as event_count,
            sum(matches.decay_factor_sum) as decayed_event_count,
            rules.points * sum(matches.event_count) as points_before_decay,
            rules.points * sum(matches.decay_factor_sum) as points_after_decay,
            {{ clamp('rules.points * sum(matches.decay_factor_sum)',
                '-abs(rules.max_points)', 'abs(rules.max_points)') }} as points_after_cap,
            max(matches.last_event_at) as last_event_at
        from {{ ref('int_scoring_rules_effective') }} as rules
        inner join {{ ref('int_scoring_model_config') }} as model_config
            on rules.scoring_model = model_config.scoring_model
        inner join {{ rule_matches }} as matches
            on
                rules.signal = matches.signal
                and rules.match_type = matches.match_type
                and rules.match_value = matches.match_value
                and coalesce(rules.half_life_days, 0) = matches.half_life_days
        where
            rules.category = 'engagement'
            and (
                model_config.product_line is null
                or matches.product_line is null
                or matches.product_line = model_config.product_line
            )
        group by
            matches.contact_id,
            matches.cut_number,
            rules.scoring_model,
            rules.rule_id,
            rules.category,
            rules.reason_text,
            rules.points,
            rules.max_points
    )
{%- endmacro %}
