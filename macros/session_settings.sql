{#- A pre-hook of every model: session settings an engine needs to build the project.
    PostgreSQL:
    - no nested-loop joins where another join can be used (enable_nestloop = off): the
      planner estimates the usable events (the union left-joined to the bot flags, kept
      where none matched, through three views) at 1 row, and then joins them to the
      contact map, the event-type map and the signal patterns by nested loops: 400M rows
      compared for 200,000 events. At 2,000 demo contacts int_engagement_rule_matches took
      71 s so, 1.1 s with hash joins (measured on PostgreSQL 15). A join that only a
      nested loop can do (an inequality) still gets one;
    - no JIT compilation, a precaution for the very large expressions of the score
      timeline and the backtest (the bisection of decay crossings). The slow builds first
      blamed on PostgreSQL 15's JIT (on by default) turned out to be planned on missing
      statistics, which analyze_built_table below fixes; what JIT itself costs there was
      not measured.
    Nothing elsewhere (an empty hook is not run). -#}
{% macro session_settings() -%}
    {{ return(adapter.dispatch('session_settings', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__session_settings() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__session_settings() -%}
    {{ return('set jit = off; set enable_nestloop = off') }}
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
