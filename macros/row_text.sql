{#- One text value that stands for a row: the listed columns cast to text, nulls as '',
    joined by ','. Used to hash configuration seeds into scoring_config_version.
    `columns` is a comma-separated string of column names. -#}
{% macro row_text(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns.split(',') -%}
        {%- do parts.append("coalesce(cast(" ~ (column | trim) ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ parts | join(" || ',' || ") }}
{%- endmacro %}
