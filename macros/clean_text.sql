{#- Raw text as text: cast, trimmed, and an empty string read as null (ids, names). -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
