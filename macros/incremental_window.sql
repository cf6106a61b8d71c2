{#- Where an incremental run of an event model starts re-reading its sources: the UTC day of
    the latest event the model already holds (at or before this run's start, so that a
    future-dated row does not move it), minus the var `event_lookback_days` whole days, as a
    timestamp literal. none means "read everything": on a first or `--full-refresh` build,
    when the model is empty, and when the settings its stored rows were computed with
    (`fingerprint`, a SQL expression of the current settings, compared with the model's
    `settings_fingerprint` column) have changed since. Called inside the model, at run time. -#}
{% macro incremental_window_start(fingerprint) -%}
    {%- if this is none or not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lookback = var('event_lookback_days') | int -%}
    {%- if lookback < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var event_lookback_days must be a whole number of days, at least 1 (got "
            ~ var('event_lookback_days') ~ ")") }}
    {%- endif -%}
    {%- set probe -%}
        select
            cast(max(case when occurred_at <= {{ run_started_timestamp() }} then occurred_at end)
                as {{ dbt.type_timestamp() }}) as latest_event_at,
            sum(case when settings_fingerprint = ({{ fingerprint }}) then 0 else 1 end)
                as rows_with_other_settings
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(probe).rows[0] -%}
    {%- if row[0] is none or (row[1] or 0) > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = modules.datetime.datetime(row[0].year, row[0].month, row[0].day)
        - modules.datetime.timedelta(days=lookback) -%}
    {{ return("cast('" ~ start.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}
