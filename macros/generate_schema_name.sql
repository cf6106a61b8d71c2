{#-
    Built relations land in the schema named after their layer (`staging`,
    `intermediate`, `marts`, `scoring_config`), not dbt's default `<target>_<custom>`.
    Models without a custom schema land in the target schema. On PostgreSQL the layer
    names get the prefix LEADSCORE_PG_SCHEMA_PREFIX (default none), so that several
    deployments can share one database.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ schema_prefix() ~ (custom_schema_name | trim) }}
    {%- endif -%}
{%- endmacro %}

{#- The prefix of every built schema: LEADSCORE_PG_SCHEMA_PREFIX on PostgreSQL,
    LEADSCORE_SPARK_SCHEMA_PREFIX on Spark, none on DuckDB. -#}
{% macro schema_prefix() -%}
    {%- if target.type == 'postgres' -%}
        {{ return(env_var('LEADSCORE_PG_SCHEMA_PREFIX', '') | trim) }}
    {%- elif target.type == 'spark' -%}
        {{ return(env_var('LEADSCORE_SPARK_SCHEMA_PREFIX', '') | trim) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
