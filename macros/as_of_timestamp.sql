{#- The scoring date as a SQL timestamp literal. The var `as_of` (ISO date or timestamp,
    UTC) reproduces a past score; when it is null the start of the dbt invocation is used,
    rendered as a literal so every model of one run sees the same instant. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = as_of_text() -%}
    {%- if as_of is none -%}
        {{ run_started_timestamp() }}
    {%- else -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- The var `as_of` as the text of a timestamp (`T` and `Z` dropped), or none when it means
    "now" (unset, empty, none, null or now). The one reading of the var: as_of_timestamp
    and the publish log line use it. -#}
{% macro as_of_text() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim | lower) in ('', 'none', 'null', 'now') -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(as_of | string | trim | replace("T", " ") | replace("Z", "")) }}
{%- endmacro %}

{#- The start of this dbt invocation (UTC) as a timestamp literal: "now", fixed for the run. -#}
{% macro run_started_timestamp() -%}
    cast('{{ run_started_text() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The start of this dbt invocation (UTC) as text, to the second: what "now" means in this
    run. run_started_timestamp and the publish log line use it. -#}
{% macro run_started_text() -%}
    {{ return(run_started_at.strftime("%Y-%m-%d %H:%M:%S")) }}
{%- endmacro %}
