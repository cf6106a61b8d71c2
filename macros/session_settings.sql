{#- A pre-hook of every model: session settings an engine needs to build the project.
    PostgreSQL: no JIT compilation. The score timeline and the backtest evaluate very large
    expressions (the bisection of decay crossings), and PostgreSQL 15's JIT (on by default)
    spent more than 12 minutes compiling them at 1,000 demo contacts; without it the model
    builds in seconds. Nothing elsewhere (an empty hook is not run). -#}
{% macro session_settings() -%}
    {{ return(adapter.dispatch('session_settings', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__session_settings() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__session_settings() -%}
    {{ return('set jit = off') }}
{%- endmacro %}

{#- A post-hook of every model: fresh planner statistics of the table just built.
    PostgreSQL: autovacuum analyzes a new table only some time after it is written, and a
    model read right after its parent was rebuilt was planned on no statistics (the score
    timeline ran for more than 9 minutes at 1,000 demo contacts instead of seconds). Nothing
    elsewhere (DuckDB keeps its statistics as it writes). -#}
{% macro analyze_built_table() -%}
    {{ return(adapter.dispatch('analyze_built_table', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__analyze_built_table() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__analyze_built_table() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        {{ return('analyze ' ~ this) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
