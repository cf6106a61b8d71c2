{#- The decayed engagement of every contact at one or more cut points (scoring dates), per
    signal pattern and product line, read from the per-day aggregate int_engagement_daily:

      cut k (k = 0 .. cut_count - 1) is at first_cut + k * interval_days days;
      the whole days before a cut's own day come from the aggregate: a day's weight_sum
        times 0.5^((cut - day start) / half-life) is exactly the sum of the day's events'
        decay factors at the cut (int_engagement_daily explains why);
      the cut's own day, up to the cut itself, comes from the few raw events of that day
        (int_engagement_pattern_events), each decayed directly;
      both are kept per raw contact id, and int_contact_id_map maps them to the scored
        contact here (a merged record's events count for its survivor; an unknown or
        excluded contact's events for nobody).

    For many cuts the days are first summed per contact, pattern and "bucket" (the first cut
    after the day), decayed to that cut, and each bucket is then carried to every later cut
    by 0.5^((later cut - bucket cut) / half-life): linear in the number of days, not in days
    times cuts. `contacts` (optional) is a relation or subquery with a contact_id column that
    restricts the contacts read. Rows: contact_id, cut_number, cut_at, signal, match_type,
    match_value, half_life_days, product_line, event_count, decay_factor_sum, last_event_at
    (events up to the cut only). -#}
{% macro decayed_engagement(first_cut, cut_count=1, interval_days=0, contacts=none) -%}
    {%- set contact_filter -%}
        {%- if contacts is not none -%}
            and id_map.resolved_contact_id in (
                select sampled.contact_id from {{ contacts }} as sampled
            )
        {%- endif -%}
    {%- endset -%}
    {%- set day_start = 'cast(daily.activity_date as ' ~ dbt.type_timestamp() ~ ')' -%}
    (
        with

        cuts as (

            {% for k in range(cut_count) %}
                select
                    {{ k }} as cut_number,
                    {{ dbt.dateadd('day', k * interval_days, first_cut) }} as cut_at
                {{ "union all" if not loop.last }}
            {% endfor %}

        ),

        cut_days as (

            select
                cut_number,
                cut_at,
                cast({{ dbt.date_trunc('day', 'cut_at') }} as date) as cut_date
            from cuts

        ),

        daily as (

            -- per scored contact: the raw contact ids map to it (merges, exclusions) here
            select
                id_map.resolved_contact_id as contact_id,
                daily.signal,
                daily.match_type,
                daily.match_value,
                daily.half_life_days,
                daily.product_line,
                daily.activity_date,
                daily.event_count,
                daily.weight_sum,
                daily.last_event_at,
                {% if interval_days > 0 %}
                    case
                        when daily.activity_date < first_cut.cut_date then 0
                        else cast(floor(
                            {{ dbt.datediff('first_cut.cut_date', 'daily.activity_date', 'day') }}
                            / {{ interval_days }}
                        ) as {{ dbt.type_int() }}) + 1
                    end as bucket
                {% else %}
                    0 as bucket
                {% endif %}
            from {{ ref('int_engagement_daily') }} as daily
            inner join {{ ref('int_contact_id_map') }} as id_map
                on daily.raw_contact_id = id_map.contact_id
            cross join (select cut_date from cut_days where cut_number = 0) as first_cut
            where
                daily.activity_date < (select max(cut_date) from cut_days)
                and id_map.resolved_contact_id is not null
                {{ contact_filter }}

        ),

        buckets as (

            -- the days before each cut's day and after the previous cut's day, decayed to
            -- that cut
            select
                daily.contact_id,
                daily.signal,
                daily.match_type,
                daily.match_value,
                daily.half_life_days,
                daily.product_line,
                daily.bucket,
                sum(daily.event_count) as event_count,
                sum(daily.weight_sum * {{ decay_factor(
                    dbt.datediff(day_start, 'cut_days.cut_at', 'second') ~ ' / 86400e0',
                    'daily.half_life_days') }}) as decay_factor_sum,
                max(daily.last_event_at) as last_event_at
            from daily
            inner join cut_days
                on daily.bucket = cut_days.cut_number
            group by
                daily.contact_id,
                daily.signal,
                daily.match_type,
                daily.match_value,
                daily.half_life_days,
                daily.product_line,
                daily.bucket

        ),

        carried as (

            select
                buckets.contact_id,
                cut_days.cut_number,
                cut_days.cut_at,
                buckets.signal,
                buckets.match_type,
                buckets.match_value,
                buckets.half_life_days,
                buckets.product_line,
                buckets.event_count,
                buckets.decay_factor_sum * {{ decay_factor(
                    '(cut_days.cut_number - buckets.bucket) * ' ~ interval_days,
                    'buckets.half_life_days') }} as decay_factor_sum,
                buckets.last_event_at
            from buckets
            inner join cut_days
                on cut_days.cut_number >= buckets.bucket

        ),

        same_day as (

            -- the cut's own day, up to the cut
            select
                id_map.resolved_contact_id as contact_id,
                cut_days.cut_number,
                cut_days.cut_at,
                events.signal,
                events.match_type,
                events.match_value,
                events.half_life_days,
                events.product_line,
                1 as event_count,
                {{ decay_factor(
                    dbt.datediff('events.occurred_at', 'cut_days.cut_at', 'second') ~ ' / 86400e0',
                    'events.half_life_days') }} as decay_factor_sum,
                events.occurred_at as last_event_at
            from {{ ref('int_engagement_pattern_events') }} as events
            inner join {{ ref('int_contact_id_map') }} as id_map
                on events.raw_contact_id = id_map.contact_id
            inner join cut_days
                on
                    events.occurred_at >= cast(cut_days.cut_date as {{ dbt.type_timestamp() }})
                    and events.occurred_at <= cut_days.cut_at
            where id_map.resolved_contact_id is not null {{ contact_filter }}

        ),

        both_parts as (

            select * from carried
            union all
            select * from same_day

        )

        select
            contact_id,
            cut_number,
            cut_at,
            signal,
            match_type,
            match_value,
            half_life_days,
            product_line,
            sum(event_count) as event_count,
            sum(decay_factor_sum) as decay_factor_sum,
            max(last_event_at) as last_event_at
        from both_parts
        group by
            contact_id, cut_number, cut_at, signal, match_type, match_value, half_life_days,
            product_line
    )
{%- endmacro %}
