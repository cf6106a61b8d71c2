{#- The backtest's settings (vars, documented in dbt_project.yml), checked: a user mistake
    gives one clear error at compile time. -#}
{% macro backtest_settings() -%}
    {%- set snapshots = var('backtest_snapshots', 12) | int -%}
    {%- set interval = var('backtest_interval_days', 30) | int -%}
    {%- set window = var('outcome_window_days', 90) | int -%}
    {%- set outcome = var('backtest_outcome', 'won') | string | trim | lower -%}
    {%- set max_contacts = var('backtest_max_contacts', 250000) | int -%}
    {%- if snapshots < 1 or snapshots > 60 -%}
        {{ exceptions.raise_compiler_error("var backtest_snapshots must be 1..60, got " ~ snapshots) }}
    {%- endif -%}
    {%- if interval < 1 -%}
        {{ exceptions.raise_compiler_error("var backtest_interval_days must be at least 1, got " ~ interval) }}
    {%- endif -%}
    {%- if window < 1 -%}
        {{ exceptions.raise_compiler_error("var outcome_window_days must be at least 1, got " ~ window) }}
    {%- endif -%}
    {%- if outcome not in ('won', 'opportunity_created') -%}
        {{ exceptions.raise_compiler_error(
            "var backtest_outcome must be won or opportunity_created, got " ~ outcome) }}
    {%- endif -%}
    {%- if max_contacts < 1 -%}
        {{ exceptions.raise_compiler_error("var backtest_max_contacts must be at least 1, got " ~ max_contacts) }}
    {%- endif -%}
    {{ return({'snapshots': snapshots, 'interval_days': interval, 'window_days': window,
               'outcome': outcome, 'max_contacts': max_contacts}) }}
{%- endmacro %}

{#- The first backtest snapshot (the earliest): as_of - (snapshots - 1) * interval days. -#}
{% macro first_backtest_snapshot() -%}
    {%- set settings = backtest_settings() -%}
    {{ dbt.dateadd('day', -(settings.snapshots - 1) * settings.interval_days, as_of_timestamp()) }}
{%- endmacro %}
