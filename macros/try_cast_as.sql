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

{#- PostgreSQL has no cast that returns null on failure (and no pg_input_is_valid before
    16), so the value is guarded by a pattern: it is cast only when it reads the way
    DuckDB's try_cast reads it, else null, and the results match DuckDB's:
      integer   `12`, ` 12 `, `+3`, `1.5` (rounded, as DuckDB does: 2); at most 18 digits;
      numeric   the same with decimals (`1234.50`), at most 20 digits before the point, as
                `numeric` without trailing zeros (trim_scale: `5000.00` is `5000`, as
                DuckDB's fixed-scale decimal compares in unit tests);
      boolean   true/false, t/f, yes/no, y/n, 1/0 in any case (DuckDB's set; PostgreSQL's own
                cast also takes on/off and blanks around the word, DuckDB does not);
      timestamp an ISO date with an optional time (`T` or a space, seconds and up to six
                decimals optional) and an optional offset (`Z`, `UTC`, `+02`, `+02:00`),
                a real calendar day (no 30 February) and time; a value with an offset
                becomes its UTC instant, one without is read as UTC.
    Differences from DuckDB on values the landing never produces, in the safe direction
    (null and flagged): scientific notation (`1e3`), `0x10`, hour 24, one-digit hours. -#}
{% macro postgres__try_cast_as(expression, kind) -%}
    {%- set text = 'cast(' ~ expression ~ ' as text)' -%}
    {%- if kind == 'integer' -%}
        case
            when {{ text }} ~ '^ *[+-]?([0-9]{1,18}([.][0-9]*)?|[.][0-9]+) *$'
                then cast(round(cast({{ text }} as numeric)) as {{ try_cast_type(kind) }})
        end
    {%- elif kind == 'numeric' -%}
        case
            when {{ text }} ~ '^ *[+-]?([0-9]{1,20}([.][0-9]*)?|[.][0-9]+) *$'
                then trim_scale(cast({{ text }} as numeric))
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ text }}) in ('true', 't', 'yes', 'y', '1') then true
            when lower({{ text }}) in ('false', 'f', 'no', 'n', '0') then false
        end
    {%- elif kind == 'timestamp' -%}
        {%- set date_part = "regexp_match(" ~ text ~ ", '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})')" -%}
        case
            when not {{ text }} ~ (
                '^[0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])'
                || '([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?)?'
                || '( ?(Z|UTC|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))?$'
            ) then null
            when cast(({{ date_part }})[3] as integer) > extract(day from
                make_date(
                    cast(({{ date_part }})[1] as integer),
                    cast(({{ date_part }})[2] as integer), 1
                ) + interval '1 month' - interval '1 day'
            ) then null
            when {{ text }} ~ '(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$'
                then cast({{ text }} as timestamp with time zone) at time zone 'UTC'
            else cast({{ text }} as {{ try_cast_type(kind) }})
        end
    {%- else -%}
        {{ try_cast_type(kind) }}
    {%- endif -%}
{%- endmacro %}

{#- Spark (ANSI mode, the default of Spark 4) has try_cast. A text with an offset becomes its
    UTC instant and one without is read in the session time zone, UTC (as on DuckDB). An
    integer text with decimals is rounded as DuckDB rounds it (`1.5` is 2), where Spark's own
    cast would give null. -#}
{% macro spark__try_cast_as(expression, kind) -%}
    {%- if kind == 'integer' -%}
        try_cast(round(try_cast({{ expression }} as decimal(38, 9))) as {{ try_cast_type(kind) }})
    {%- else -%}
        try_cast({{ expression }} as {{ try_cast_type(kind) }})
    {%- endif -%}
{%- endmacro %}
