{#- The share of a rule's points an event still earns at the scoring date:
    0.5 ^ (age_in_days / half_life_days). A null or non-positive half-life means the
    points never decay (factor 1). This is the only place the decay formula lives. -#}
{% macro decay_factor(age_in_days, half_life_days) -%}
    case
        when {{ half_life_days }} is null or {{ half_life_days }} <= 0 then 1.0
        else power(0.5, ({{ age_in_days }}) / ({{ half_life_days }}))
    end
{%- endmacro %}
