{#-
    Built relations land in the schema named after their layer (`staging`,
    `intermediate`, `marts`, `scoring_config`), not dbt's default `<target>_<custom>`.
    Models without a custom schema land in the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
