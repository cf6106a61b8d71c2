{#- Bound a value to [lower, upper]; a null bound leaves that side open. -#}
{% macro clamp(expression, lower, upper) -%}
    case
        when {{ lower }} is not null and {{ expression }} < {{ lower }} then {{ lower }}
        when {{ upper }} is not null and {{ expression }} > {{ upper }} then {{ upper }}
        else {{ expression }}
    end
{%- endmacro %}
