{#- The engagement part of the score spine: one row per contact, cut point, scoring model
    and engagement rule that gives points, with the points before decay, after decay and
    after the rule's cap, the matching events and their decayed count (the events weighted
    by their decay). Two kinds of rule:

      per event   (count_min and count_max empty) its points for every matching event:
                  points x the events' count (before decay) or x the sum of their decay
                  factors (after decay), capped at +/- max_points;
      count band  (count_min or count_max set) its points once, when the contact's
                  matching events up to the cut - weighted by decay when the rule has a
                  half-life, a plain count when not - are at least count_min and at most
                  count_max (empty = unbounded). A band that includes 0 (count_min empty
                  or 0) fires for every contact of `contacts` without any matching event
                  (`never visited the website`), so each of them gets a zero-count row.

    A product-line model ignores events tagged with another product line. The one
    definition, used at the scoring date (int_score_components) and at every backtest
    snapshot (int_score_backtest_components). `rule_matches`: a relation with contact_id,
    cut_number, signal, match_type, match_value, half_life_days, product_line, event_count,
    decay_factor_sum, last_event_at. `contacts`: a relation with contact_id and cut_number,
    the contacts scored at each cut. -#}
{% macro engagement_components(rule_matches, contacts) -%}
    (
        with

        rules as (

            select
                rules.*,
                model_config.product_line as model_product_line
            from {{ ref('int_scoring_rules_effective') }} as rules
            inner join {{ ref('int_scoring_model_config') }} as model_config
                on rules.scoring_model = model_config.scoring_model
            where rules.category = 'engagement'

        ),

        counted as (

            -- the rule's matching events (per pattern row, other product lines left out) ...
            select
                matches.contact_id,
                matches.cut_number,
                rules.scoring_model,
                rules.rule_id,
                matches.event_count,
                matches.decay_factor_sum,
                matches.last_event_at
            from rules
            inner join {{ rule_matches }} as matches
                on
                    rules.signal = matches.signal
                    and rules.match_type = matches.match_type
                    and rules.match_value = matches.match_value
                    and coalesce(rules.half_life_days, 0) = matches.half_life_days
            where {{ in_product_line('rules.model_product_line', 'matches.product_line') }}
            union all
            -- ... and nothing, for every contact, under each band that includes 0
            select
                contacts.contact_id,
                contacts.cut_number,
                rules.scoring_model,
                rules.rule_id,
                0 as event_count,
                0.0 as decay_factor_sum,
                cast(null as {{ dbt.type_timestamp() }}) as last_event_at
            from {{ contacts }} as contacts
            cross join rules
            where rules.is_count_band and coalesce(rules.count_min, 0) <= 0

        ),

        totals as (

            select
                contact_id,
                cut_number,
                scoring_model,
                rule_id,
                sum(event_count) as event_count,
                sum(decay_factor_sum) as decayed_event_count,
                max(last_event_at) as last_event_at
            from counted
            group by contact_id, cut_number, scoring_model, rule_id

        ),

        rule_points as (

            select
                totals.contact_id,
                totals.cut_number,
                rules.scoring_model,
                rules.rule_id,
                rules.category,
                rules.reason_text,
                rules.points as points_per_match,
                rules.max_points,
                rules.is_count_band,
                totals.event_count,
                totals.decayed_event_count,
                case
                    when rules.is_count_band then rules.points
                    else rules.points * totals.event_count
                end as points_before_decay,
                case
                    when rules.is_count_band then rules.points
                    else rules.points * totals.decayed_event_count
                end as points_after_decay,
                case
                    when coalesce(rules.half_life_days, 0) > 0 then totals.decayed_event_count
                    else totals.event_count
                end as band_count,
                rules.count_min,
                rules.count_max,
                totals.last_event_at
            from totals
            inner join rules
                on
                    totals.scoring_model = rules.scoring_model
                    and totals.rule_id = rules.rule_id

        )

        select
            contact_id,
            cut_number,
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
            {{ clamp('points_after_decay', '-abs(max_points)', 'abs(max_points)') }}
                as points_after_cap,
            last_event_at
        from rule_points
        where
            not is_count_band
            or (
                (count_min is null or band_count >= count_min)
                and (count_max is null or band_count <= count_max)
            )
    )
{%- endmacro %}
