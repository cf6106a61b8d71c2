{#- A double-precision (8-byte) float type. dbt.type_float() renders `float`, which is 8
    bytes on PostgreSQL but 4 bytes (7 digits) on DuckDB; shares and scores need 8. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
