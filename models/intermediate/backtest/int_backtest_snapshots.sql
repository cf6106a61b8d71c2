-- The backtest's snapshot dates: backtest_snapshots of them, backtest_interval_days apart,
-- the last at the scoring date (as_of), each with the end of its outcome window
-- (outcome_window_days later). A snapshot whose window ends after as_of is not complete:
-- what happened in it is not all known yet, so the evaluation leaves it out.

{%- set settings = backtest_settings() %}

with

snapshots as (

    {% for k in range(settings.snapshots) %}
        select
            {{ k }} as snapshot_number,
            {{ dbt.dateadd('day', k * settings.interval_days, first_backtest_snapshot()) }}
                as snapshot_at
        {{ "union all" if not loop.last }}
    {% endfor %}

),

final as (

    select
        snapshot_number,
        snapshot_at,
        {{ dbt.dateadd('day', settings.window_days, 'snapshot_at') }} as outcome_window_ends_at,
        {{ dbt.dateadd('day', settings.window_days, 'snapshot_at') }} <= {{ as_of_timestamp() }}
            as is_outcome_complete
    from snapshots

)

select * from final
