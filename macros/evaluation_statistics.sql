{#- Statistics of the evaluation marts, in one place each:

      wilson_interval(conversions, contacts)
        the 95% Wilson score interval of a conversion rate, as two columns ci_low, ci_high
        (z = 1.96); empty when there are no contacts. Unlike the normal approximation it
        stays within 0..1 and is honest for small groups and rates near 0.

      log_odds_ratio(a, b, c, d)
        with a / b = conversions / non-conversions of the contacts a rule fired for, and
        c / d = those of the others: ln((a d) / (b c)) with half a count added to every
        cell (Haldane), and its standard error sqrt(1/a + 1/b + 1/c + 1/d) (same cells),
        as columns log_odds_ratio, log_odds_ratio_se. -#}
{% macro wilson_interval(conversions, contacts, z=1.96) -%}
    {%- set n = 'cast(' ~ contacts ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set p = '(' ~ conversions ~ ' / ' ~ n ~ ')' -%}
    {%- set z2 = z * z -%}
    case when {{ contacts }} > 0 then
        ({{ p }} + {{ z2 }} / (2 * {{ n }})
            - {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4 * {{ n }} * {{ n }})))
        / (1 + {{ z2 }} / {{ n }})
    end as ci_low,
    case when {{ contacts }} > 0 then
        ({{ p }} + {{ z2 }} / (2 * {{ n }})
            + {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4 * {{ n }} * {{ n }})))
        / (1 + {{ z2 }} / {{ n }})
    end as ci_high
{%- endmacro %}

{% macro log_odds_ratio(a, b, c, d) -%}
    ln(
        (({{ a }}) + 0.5e0) * (({{ d }}) + 0.5e0) / ((({{ b }}) + 0.5e0) * (({{ c }}) + 0.5e0))
    ) as log_odds_ratio,
    sqrt(
        1e0 / (({{ a }}) + 0.5e0) + 1e0 / (({{ b }}) + 0.5e0)
        + 1e0 / (({{ c }}) + 0.5e0) + 1e0 / (({{ d }}) + 0.5e0)
    ) as log_odds_ratio_se
{%- endmacro %}
