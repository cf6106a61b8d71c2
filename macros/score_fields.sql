{#- The arithmetic that turns a contact's capped rule points into its scores, in one place
    for the scored-contact mart and the backtest (and the same bounds and rounding the score
    timeline uses):

      bounded_scores(fit_points, engagement_points, config)
        fit_score        = fit points within the fit bounds (score_caps), to the cent
        engagement_score = engagement points within the engagement bounds, to the cent

      graded_scores(is_disqualified, config)   (reads fit_score and engagement_score)
        lead_score       = fit_score + engagement_score within the total bounds, or 0 for a
                           disqualified contact (who keeps the two parts for audit)
        fit_grade        = A, B, C or D from the fit grade thresholds (scoring_settings)
        engagement_tier  = 1, 2 or 3 from the engagement tier thresholds
        is_sales_ready   = not disqualified and lead_score at or above the MQL threshold

    `config` is the alias of a row of int_scoring_model_config. -#}
{% macro bounded_scores(fit_points, engagement_points, config='model_config') -%}
    round({{ clamp('coalesce(' ~ fit_points ~ ', 0)',
        config ~ '.fit_min_points', config ~ '.fit_max_points') }}, 2) as fit_score,
    round({{ clamp('coalesce(' ~ engagement_points ~ ', 0)',
        config ~ '.engagement_min_points', config ~ '.engagement_max_points') }}, 2)
        as engagement_score
{%- endmacro %}

{% macro graded_scores(is_disqualified, config='model_config') -%}
    case
        when {{ is_disqualified }} then 0
        else {{ clamp('fit_score + engagement_score',
            config ~ '.total_min_points', config ~ '.total_max_points') }}
    end as lead_score,
    case
        when fit_score >= {{ config }}.fit_grade_a_min then 'A'
        when fit_score >= {{ config }}.fit_grade_b_min then 'B'
        when fit_score >= {{ config }}.fit_grade_c_min then 'C'
        else 'D'
    end as fit_grade,
    case
        when engagement_score >= {{ config }}.engagement_tier_1_min then 1
        when engagement_score >= {{ config }}.engagement_tier_2_min then 2
        else 3
    end as engagement_tier,
    not ({{ is_disqualified }})
    and {{ clamp('fit_score + engagement_score',
        config ~ '.total_min_points', config ~ '.total_max_points') }}
    >= {{ config }}.mql_threshold as is_sales_ready
{%- endmacro %}
