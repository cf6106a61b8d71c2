{#- Fractional days from a timestamp to the scoring date (as_of), to the second. -#}
{% macro age_in_days(timestamp_expression) -%}
    ({{ dbt.datediff(timestamp_expression, as_of_timestamp(), 'second') }} / 86400e0)
{%- endmacro %}
