-- The foundation of every score: the usable engagement events aggregated per contact,
-- signal pattern, product line and UTC day. weight_sum carries decay exactly: for a
-- half-life h it is the sum over the day's events of 2^((t - day start) / h), so the
-- decayed total at any later scoring date S is 0.5^((S - day start) / h) * weight_sum,
-- the same as summing 0.5^((S - t) / h) over the events (for h = 0, no decay, it is the
-- event count). Scoring at as_of, the backtest at every snapshot and the calibration read
-- this table (and, for the scoring date's own day, the few raw events up to that moment),
-- never the event table again. docs/architecture.md: "One pass over the events".

with

events as (

    select
        *,
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as activity_date
    from {{ ref('int_engagement_pattern_events') }}

),

final as (

    select
        contact_id,
        signal,
        match_type,
        match_value,
        half_life_days,
        product_line,
        activity_date,
        count(*) as event_count,
        sum(
            case
                when half_life_days > 0
                    then power(
                        2.0,
                        {{ dbt.datediff(
                            'cast(activity_date as ' ~ dbt.type_timestamp() ~ ')',
                            'occurred_at', 'second') }} / 86400.0 / half_life_days
                    )
                else 1.0
            end
        ) as weight_sum,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from events
    group by
        contact_id, signal, match_type, match_value, half_life_days, product_line, activity_date

)

select * from final
