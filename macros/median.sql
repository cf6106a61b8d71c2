{#- The median of an expression, as an aggregate (use it like sum or avg). Engines spell
    it differently: DuckDB has median(), PostgreSQL the ordered-set aggregate
    percentile_cont, Spark percentile_approx (exact enough at 10,000 distinct values and
    fewer, its default accuracy). Nulls are ignored, as by every aggregate. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro postgres__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile_approx({{ expression }}, 0.5)
{%- endmacro %}
