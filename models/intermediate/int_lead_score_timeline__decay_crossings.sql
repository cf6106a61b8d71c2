-- Where decay alone took a candidate's score below a threshold between two moments of
-- __changing_states: one row per candidate_key and the age (days before the scoring
-- date) at which the score went below the MQL or the lead threshold, on the first whole
-- microsecond past the crossing, with the score and band there. Upward crossings need
-- no search (the score rises only at a moment of its own); a downward one inside an
-- interval is found by bisection.
--
-- Why 48 bisection steps: each halves the interval [lower_age, upper_age] (the score at
-- or above the threshold at lower_age, below it at upper_age), so 48 of them shrink an
-- interval of up to 2^48 microseconds (8.9 years, longer than any contact's history) to
-- under one microsecond: upper_age is then within a microsecond of the crossing, which
-- the step to the microsecond grid (crossings, below) needs. A year-long interval ends
-- about 0.1 microsecond wide. Many more steps would gain nothing: an age of a year or
-- two, in days, held in a double is exact to about 1e-13 days (0.01 microsecond) only. The steps are generated
-- by macro decay_bisection: a chain of 48 CTEs, or one loop on Spark.

{%- set half_life_slots = range(1, 5) %}
{%- set bisection_steps = 48 %}
{%- set bisection_columns = [
    'candidate_key', 'state_constant', 'state_penalty', 'fit_score', 'engagement_min_points',
    'engagement_max_points', 'total_min_points', 'total_max_points', 'lead_threshold',
    'mql_threshold', 'crossed_threshold',
] %}
{%- for slot in half_life_slots %}
    {%- do bisection_columns.extend(['state_weight_' ~ slot, 'half_life_' ~ slot]) %}
{%- endfor %}

with

changing_states as (

    select * from {{ ref('int_lead_score_timeline__changing_states') }}

),

intervals as (

    -- an interval in which decay took the score below a threshold: search the age at
    -- which it went below (lower = still at or above, upper = below)
    {% for threshold in ['mql_threshold', 'lead_threshold'] %}
        select
            *,
            {{ threshold }} as crossed_threshold,
            age_days as lower_age,
            next_age_days as upper_age
        from changing_states
        where
            lead_score >= {{ threshold }}
            and lead_score_before_next < {{ threshold }}
        {{ "union all" if not loop.last }}
    {% endfor %}

),

{{ decay_bisection('intervals', bisection_columns, bisection_steps) }},

crossings as (

    -- the first whole microsecond after the crossing: the bisection's upper end (below
    -- the threshold) moved later to the microsecond grid. Float division can land that
    -- grid point a hair before the crossing (seen at 50k contacts: 9.995000000000003
    -- rounds to 10.00), so the score is evaluated there and, when it is still at or
    -- above the threshold, the next microsecond is taken (the score only decays here);
    -- candidate_key is one of the bisection columns (named once: PostgreSQL rejects a
    -- reference to a column a CTE has twice)
    select
        case
            when grid_score < crossed_threshold then grid_age_days
            else (grid_microseconds - 1) / 86400000000
        end as age_days,
        {% for column in bisection_columns %}
            {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from (
        select
            *,
            {{ timeline_score('grid_age_days') }} as grid_score
        from (
            select
                *,
                grid_microseconds / 86400000000 as grid_age_days
            from (
                select
                    *,
                    floor(upper_age * 86400000000) as grid_microseconds
                from decay_bisected
            ) as on_grid
        ) as grid_ages
    ) as grid_scored

),

final as (

    select
        candidate_key,
        crossed_threshold,
        age_days,
        {{ timeline_score('age_days') }} as lead_score,
        {{ score_band(timeline_score('age_days')) }} as band_rank
    from crossings

)

select * from final
