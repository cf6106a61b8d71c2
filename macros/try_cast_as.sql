{#- A raw value as `kind` (integer, numeric, boolean or timestamp), or null when it cannot
    be read as one: EL tools land text, and one bad value (`'1,200'` in an integer column)
    must null that value, not fail the model. A timestamp is read through a time-zone aware
    type, so a timestamptz column or a text with an offset (`2026-03-01 07:13:00+02:00`)
    becomes its UTC instant (05:13) as a timestamp without time zone; a value without an
    offset is read in the session time zone, UTC (profiles/profiles.yml). Pair it with
    is_invalid_as to flag the values it nulled. -#}
{% macro try_cast_as(expression, kind) -%}
    {{ return(adapter.dispatch('try_cast_as', 'lead_scoring')(expression, kind)) }}
{%- endmacro %}

{#- The target type of a kind of try_cast_as. -#}
{% macro try_cast_type(kind) -%}
    {%- if kind == 'integer' -%}
        {{ return(dbt.type_bigint()) }}
    {%- elif kind == 'numeric' -%}
        {{ return(dbt.type_numeric()) }}
    {%- elif kind == 'boolean' -%}
        {{ return(dbt.type_boolean()) }}
    {%- elif kind == 'timestamp' -%}
        {{ return(dbt.type_timestamp()) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "try_cast_as: unknown kind '" ~ kind ~ "' (integer, numeric, boolean or timestamp)") }}
{%- endmacro %}

{#- Engines with a cast that returns null on failure: dbt's safe_cast. -#}
{% macro default__try_cast_as(expression, kind) -%}
    {%- if kind == 'timestamp' -%}
        {{ dbt.safe_cast(dbt.safe_cast(expression, 'timestamp with time zone'), try_cast_type(kind)) }}
    {%- else -%}
        {{ dbt.safe_cast(expression, try_cast_type(kind)) }}
    {%- endif -%}
{%- endmacro %}

{#- DuckDB has try_cast, but dbt-duckdb's safe_cast is dbt's default (a plain cast, which
    fails the query on one bad value), so try_cast is written out here. -#}
{% macro duckdb__try_cast_as(expression, kind) -%}
    {%- if kind == 'timestamp' -%}
        try_cast(try_cast({{ expression }} as timestamptz) as {{ try_cast_type(kind) }})
    {%- else -%}
        try_cast({{ expression }} as {{ try_cast_type(kind) }})
    {%- endif -%}
{%- endmacro %}

{#- True when a raw value is there (not null, not blank) but try_cast_as cannot read it as
    `kind`; false otherwise. An empty or blank string is a null, not an invalid value. -#}
{% macro is_invalid_as(expression, kind) -%}
    case
        when {{ try_cast_as(expression, kind) }} is not null then false
        when {{ expression }} is null then false
        else trim(cast({{ expression }} as {{ dbt.type_string() }})) != ''
    end
{%- endmacro %}

{#- A raw time column of `relation` as a timestamp (try_cast_as), or the column itself when
    the raw table already has it as a timestamp without time zone: then reading it through
    the time-zone aware type is the identity (the session time zone is UTC) but costs a
    calendar conversion per value, and a filter on it can no longer use the column's
    min/max per row group. The two large event views use it, so that an incremental run's
    window filter on occurred_at is cheap. -#}
{% macro raw_timestamp(column, relation) -%}
    {%- if execute and relation is not none -%}
        {%- for raw_column in adapter.get_columns_in_relation(relation) -%}
            {%- if raw_column.name | lower == column | lower
                and raw_column.dtype | lower in ('timestamp', 'timestamp without time zone') -%}
                {{ return(column) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(try_cast_as(column, 'timestamp')) }}
{%- endmacro %}

{#- is_invalid_as for a raw_timestamp: false when the raw column is a timestamp already. -#}
{% macro raw_timestamp_is_invalid(column, relation) -%}
    {%- if raw_timestamp(column, relation) == column -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return(is_invalid_as(column, 'timestamp')) }}
{%- endmacro %}
