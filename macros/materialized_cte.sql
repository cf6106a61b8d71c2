{#- `materialized ` before the body of a CTE where the engine would otherwise inline it into
    its readers (render as `name as {{ materialized_cte() }}(`). PostgreSQL inlines a CTE
    read once, and flattens subqueries, so a chain of CTEs each of whose columns reads the
    previous one's several times (the bisection of int_lead_score_timeline__decay_crossings) grows into an
    expression exponential in the chain's length: the server ran out of memory planning
    it. DuckDB plans such a chain as it is written: nothing there. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    {{ return('materialized ') }}
{%- endmacro %}
