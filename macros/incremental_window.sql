{#- The high-water mark of an incremental model: the largest value of `watermark` (a SQL
    timestamp expression over the model's columns) among the rows it holds, as a Python
    datetime, or none for "rebuild from everything": on a first or `--full-refresh` build,
    when the model is empty, and when the settings its rows were computed with changed
    (`fingerprint`, optional: a SQL expression of the current settings, compared with the
    model's `settings_fingerprint` column). Called by the model (and its hooks) at run
    time. -#}
{% macro incremental_watermark(watermark, fingerprint=none) -%}
    {%- if this is none or not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set probe -%}
        select
            cast(max({{ watermark }}) as {{ dbt.type_timestamp() }}) as watermark,
            {% if fingerprint is none -%}
                0 as rows_with_other_settings
            {%- else -%}
                sum(case when settings_fingerprint = ({{ fingerprint }}) then 0 else 1 end)
                    as rows_with_other_settings
            {%- endif %}
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(probe).rows[0] -%}
    {%- if row[0] is none or (row[1] or 0) > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(row[0]) }}
{%- endmacro %}

{#- A Python datetime as a SQL timestamp literal (to the microsecond, UTC). -#}
{% macro timestamp_literal(value) -%}
    cast('{{ value.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Where an incremental run of the event union starts re-reading the raw events, as a SQL
    timestamp literal: the UTC day of the latest event it holds (at or before this run's
    start, so that a future-dated row does not move it) minus the var
    `event_lookback_days` whole days; none = read everything (incremental_watermark). -#}
{% macro incremental_window_start() -%}
    {%- set lookback = var('event_lookback_days') | int -%}
    {%- if lookback < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var event_lookback_days must be a whole number of days, at least 1 (got "
            ~ var('event_lookback_days') ~ ")") }}
    {%- endif -%}
    {%- set latest = incremental_watermark(
        'case when occurred_at <= ' ~ run_started_timestamp() ~ ' then occurred_at end') -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = modules.datetime.datetime(latest.year, latest.month, latest.day)
        - modules.datetime.timedelta(days=lookback) -%}
    {{ return(timestamp_literal(start)) }}
{%- endmacro %}

{#- The rows of a staging model of events an incremental run of the event union re-reads:
    every row from window_start on, and every row without a time (its quality issue may
    change with its copies). With id_column (the small sources, whose staging model keeps
    the latest copy of an id), also every older copy of an id that has a row in the window,
    so the copies are judged together. window_start none (first or full build): all rows. -#}
{% macro rows_in_window(relation, window_start, id_column=none) -%}
    select * from {{ relation }}
    {% if window_start is not none -%}
        where
            occurred_at >= {{ window_start }}
            or occurred_at is null
            {%- if id_column is not none %}
            or {{ id_column }} in (
                select recent.{{ id_column }} from {{ relation }} as recent
                where recent.occurred_at >= {{ window_start }} or recent.occurred_at is null
            )
            {%- endif %}
    {%- endif %}
{%- endmacro %}
