{#- The median of an expression, as an aggregate (use it like sum or avg). Engines spell
    it differently: DuckDB has median(), PostgreSQL the ordered-set aggregate
    percentile_cont, Spark the exact percentile() (not percentile_approx, which returns
    one of the values: the median of 1 and 3 was 1 there, not 2). All three interpolate
    between the two middle values. Nulls are ignored, as by every aggregate. -#}
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
    percentile({{ expression }}, 0.5)
{%- endmacro %}
