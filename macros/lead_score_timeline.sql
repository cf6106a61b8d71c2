{#- The lead score at an age (days before the scoring date) from the running state of
    int_lead_score_timeline, with the arithmetic of the scored-contact mart (macros
    category_points, score_fields.sql): the positive engagement, state_constant + the sum
    over half-life classes of state_weight / decay(age, half-life), is bounded by the
    engagement cap, then the penalties (state_penalty, constant: they never decay) apply,
    then the minimum; fit + engagement to the cent within the total bounds. `age` none =
    before any event (the count bands that include 0: start_constant and start_penalty);
    previous = the state
    before this row's change (state minus delta_*); growth_prefix = read
    1 / decay(age, half_life_<n>) from columns <prefix><n> computed once per row (0 for an
    unused slot) instead of computing it here. Reads the columns fit_score,
    state_constant, state_penalty, state_weight_<n>, half_life_<n>, delta_* and the
    bounds. -#}
{% macro timeline_score(age, previous=false, growth_prefix=none, slots=4) -%}
    {%- if age is none -%}
        {%- set positive = 'start_constant' -%}
        {%- set penalty = 'start_penalty' -%}
    {%- else -%}
        {%- set terms = [] -%}
        {%- for slot in range(1, slots + 1) -%}
            {%- set weight = 'coalesce(state_weight_' ~ slot ~ ', 0)' -%}
            {%- if previous -%}
                {%- set weight = '(' ~ weight ~ ' - delta_weight_' ~ slot ~ ')' -%}
            {%- endif -%}
            {%- if growth_prefix is none -%}
                {%- do terms.append(
                    'case when half_life_' ~ slot ~ ' is null then 0 else ' ~ weight
                    ~ ' / ' ~ decay_factor(age, 'half_life_' ~ slot) ~ ' end') -%}
            {%- else -%}
                {%- do terms.append(weight ~ ' * ' ~ growth_prefix ~ slot) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set constant = '(state_constant - delta_constant)' if previous else 'state_constant' -%}
        {%- set penalty = '(state_penalty - delta_penalty)' if previous else 'state_penalty' -%}
        {%- set positive = constant ~ ' + ' ~ (terms | join(' + ')) -%}
    {%- endif -%}
    {#- least/greatest keep one copy of the expression (the bounds are never null) -#}
    least(greatest(
        fit_score + {{ round_to(
            'greatest(least(' ~ positive ~ ', engagement_max_points) + ' ~ penalty
            ~ ', engagement_min_points)', 2) }},
        total_min_points), total_max_points)
{%- endmacro %}

{#- True when a count (of a count band's matching events) is within the band: at least
    count_min and at most count_max, an empty end unbounded. Reads count_min, count_max. -#}
{% macro in_count_band(count) -%}
    ((count_min is null or {{ count }} >= count_min)
    and (count_max is null or {{ count }} <= count_max))
{%- endmacro %}

{#- The age (days before the scoring date) at which a decayed count, `weight` / decay(age)
    after an event at `event_age` (weight = the sum of the decay at each event up to it),
    falls to `bound`: h x log2(bound / weight), moved to the first whole microsecond after
    it, and at least one microsecond after the event (a count exactly at the bound at the
    event, a single event under a band from 1, leaves it at once). The count there is below
    the bound; float rounding can land a hair short, then one more microsecond. Reads
    half_life_days. -#}
{% macro count_crossing_age(weight, bound, event_age='age_days') -%}
    {%- set grid = '(least(ceil(half_life_days * ln(' ~ bound ~ ' / ' ~ weight ~ ') / ln(2)'
        ~ ' * 86400000000), ' ~ round_to(event_age ~ ' * 86400000000') ~ ') - 1)' -%}
    (case
        when {{ weight }} * power(2, {{ grid }} / 86400000000e0 / half_life_days) < {{ bound }}
            then {{ grid }}
        else {{ grid }} - 1
    end) / 86400000000e0
{%- endmacro %}

{#- 2 = at or above the MQL threshold, 1 = at or above the lead threshold, 0 = below. -#}
{% macro score_band(score) -%}
    case
        when ({{ score }}) >= mql_threshold then 2
        when ({{ score }}) >= lead_threshold then 1
        else 0
    end
{%- endmacro %}

{#- The timestamp `age_days` (fractional days, to the microsecond) before the scoring date.
    Added as whole days, seconds and microseconds: date arithmetic takes 32-bit amounts. -#}
{% macro timestamp_before_as_of(age_days) -%}
    {%- set total_us = round_to('(' ~ age_days ~ ') * 86400000000') -%}
    {%- set whole_seconds = 'floor(' ~ total_us ~ ' / 1000000)' -%}
    {%- set whole_days = 'floor(' ~ total_us ~ ' / 86400000000)' -%}
    {{ dbt.dateadd('microsecond',
        '-cast(' ~ total_us ~ ' - ' ~ whole_seconds ~ ' * 1000000 as ' ~ dbt.type_int() ~ ')',
        dbt.dateadd('second',
            '-cast(' ~ whole_seconds ~ ' - ' ~ whole_days ~ ' * 86400 as ' ~ dbt.type_int() ~ ')',
            dbt.dateadd('day', '-cast(' ~ whole_days ~ ' as ' ~ dbt.type_int() ~ ')',
                as_of_timestamp()))) }}
{%- endmacro %}

{#- A rule's piece after `number` events with running weight `weight` (sum of points *
    decay at each event) and decay `decay` at the last one: piece_constant (the cap while
    the decayed total exceeds it, or the whole total of a rule that never decays),
    piece_weight (K of the exponential part) and uncap_age_days (the age at which a capped
    total decays back to the cap). Reads points, max_points, half_life_days. -#}
{% macro rule_piece(weight, decay, number, prefix='') -%}
    {%- set capped = 'half_life_days > 0 and abs(' ~ weight ~ ') > max_points * ' ~ decay -%}
    case
        when {{ capped }} then max_points * sign(points)
        when half_life_days > 0 then 0
        else {{ clamp('points * ' ~ number, '-max_points', 'max_points') }}
    end as {{ prefix }}piece_constant,
    case
        when {{ capped }} then 0
        when half_life_days > 0 then {{ weight }}
        else 0
    end as {{ prefix }}piece_weight,
    case
        when {{ capped }} then half_life_days * ln(max_points / abs({{ weight }})) / ln(2)
    end as {{ prefix }}uncap_age_days
{%- endmacro %}

{#- The decay-crossing search of int_lead_score_timeline__decay_crossings as CTEs ending in one named
    `decay_bisected`: `steps` halvings of [lower_age, upper_age] of each row of `source`
    (lower = score still at or above crossed_threshold, upper = below), keeping
    `columns`. Written as a chain of CTEs, one per halving (DuckDB plans it as written;
    PostgreSQL is told to materialize each, materialized_cte). Spark inlines every CTE
    and collapses the projections, so that chain grows exponentially there (its analyzer
    ran out of memory): Spark gets the same halvings as a loop inside one expression,
    aggregate() over a sequence. Same arithmetic, same result. -#}
{% macro decay_bisection(source, columns, steps) -%}
    {{ return(adapter.dispatch('decay_bisection', 'lead_scoring')(source, columns, steps)) }}
{%- endmacro %}

{% macro default__decay_bisection(source, columns, steps) -%}
    {%- for step in range(steps) %}
    {{ 'decay_bisected' if loop.last else 'bisection_' ~ step }} as {{ materialized_cte() }}(

        select
            {% for column in columns %}
                {{ column }},
            {% endfor %}
            case
                when mid_score >= crossed_threshold then mid_age else lower_age
            end as lower_age,
            case
                when mid_score >= crossed_threshold then upper_age else mid_age
            end as upper_age
        from (
            select
                *,
                {{ timeline_score('mid_age') }} as mid_score
            from (
                select
                    *,
                    (lower_age + upper_age) / 2 as mid_age
                from {{ source if loop.first else 'bisection_' ~ (step - 1) }}
            ) as midpoints
        ) as probed

    ){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro spark__decay_bisection(source, columns, steps) -%}
    {%- set mid = '(bounds.lower_age + bounds.upper_age) / 2' -%}
    decay_bisected as (

        select
            {% for column in columns %}
                {{ column }},
            {% endfor %}
            searched.bounds.lower_age as lower_age,
            searched.bounds.upper_age as upper_age
        from (
            select
                *,
                aggregate(
                    sequence(1, {{ steps }}),
                    named_struct(
                        'lower_age', cast(lower_age as double),
                        'upper_age', cast(upper_age as double)
                    ),
                    (bounds, step) -> case
                        when {{ timeline_score(mid) }} >= crossed_threshold
                            then named_struct('lower_age', {{ mid }}, 'upper_age', bounds.upper_age)
                        else named_struct('lower_age', bounds.lower_age, 'upper_age', {{ mid }})
                    end
                ) as bounds
            from {{ source }}
        ) as searched

    )
{%- endmacro %}
