{#- One text value that stands for a row: the listed columns cast to text, nulls as '',
    joined by ','. Used to hash configuration seeds into scoring_config_version.
    `columns` is a comma-separated string of column names; `relation_alias` optionally
    qualifies them. -#}
{% macro row_text(columns, relation_alias=none) -%}
    {%- set parts = [] -%}
    {%- for column in columns.split(',') -%}
        {%- set name = (relation_alias ~ '.' if relation_alias else '') ~ (column | trim) -%}
        {%- do parts.append("coalesce(cast(" ~ name ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ parts | join(" || ',' || ") }}
{%- endmacro %}
