{#- The arithmetic that turns a contact's capped rule points into its scores, in one place
    for the scored-contact mart and the backtest (and the same bounds and rounding the score
    timeline and the MQL alerts use):

      category_points(positive, penalty, min, max)   a category's score before rounding:
        the category caps (score_caps max_points) bound the POSITIVE points only; the
        penalties (negative points) apply after them, so a penalty is never swallowed by a
        cap: max(min, min(positive, max) + penalties)
      category_score(...)                            the same, to the cent

      bounded_scores(fit_positive, fit_penalty, engagement_positive, engagement_penalty,
                     config)
        fit_score        = category_score of the fit rules' points (fit bounds)
        engagement_score = category_score of the engagement rules' points (engagement bounds)

      graded_scores(is_disqualified, config)   (reads fit_score and engagement_score)
        lead_score       = fit_score + engagement_score within the total bounds, or 0 for a
                           disqualified contact (who keeps the two parts for audit)
        fit_grade        = A, B, C or D from the fit grade thresholds (scoring_settings)
        engagement_tier  = 1, 2 or 3 from the engagement tier thresholds
        is_sales_ready   = not disqualified and lead_score at or above the MQL threshold

    A rule's points are positive or a penalty by the sign of its capped points. `config` is
    the alias of a row of int_scoring_model_config. -#}
{% macro category_points(positive_points, penalty_points, min_points, max_points) -%}
    {{ clamp(
        clamp('coalesce(' ~ positive_points ~ ', 0)', 'null', max_points)
        ~ ' + coalesce(' ~ penalty_points ~ ', 0)',
        min_points, 'null') }}
{%- endmacro %}

{% macro category_score(positive_points, penalty_points, min_points, max_points) -%}
    {{ round_to(category_points(positive_points, penalty_points, min_points, max_points), 2) }}
{%- endmacro %}

{#- sum of the positive / the negative values of an expression (a rule's capped points) -#}
{% macro positive_sum(expression, condition='true') -%}
    sum(case when ({{ condition }}) and {{ expression }} > 0 then {{ expression }} else 0 end)
{%- endmacro %}

{% macro penalty_sum(expression, condition='true') -%}
    sum(case when ({{ condition }}) and {{ expression }} < 0 then {{ expression }} else 0 end)
{%- endmacro %}

{% macro bounded_scores(fit_positive, fit_penalty, engagement_positive, engagement_penalty,
    config='model_config') -%}
    {{ category_score(fit_positive, fit_penalty,
        config ~ '.fit_min_points', config ~ '.fit_max_points') }} as fit_score,
    {{ category_score(engagement_positive, engagement_penalty,
        config ~ '.engagement_min_points', config ~ '.engagement_max_points') }}
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
