{#- A raw code value (event type, form type, status) in canonical spelling: lower case,
    trimmed, runs of whitespace or hyphens turned into `_` (`No Show` → `no_show`,
    `demo-request` → `demo_request`); empty → null. Seeds such as event_type_map use this
    spelling. -#}
{% macro normalize_code(expression) -%}
    nullif(
        {{ regex_replace_all('lower(trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')))', '[ \\t\\r\\n-]+', '_') }},
        ''
    )
{%- endmacro %}
