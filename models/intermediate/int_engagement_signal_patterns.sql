-- Every pattern the scoring reads engagement events by: one row per signal (canonical
-- event type), match type and match value (what the event detail must match, macro
-- value_matches) and half-life. The
-- patterns of the engagement rules of every scoring model (seed scoring_rules), and the
-- four the disqualification rules count (spam reports, job applications, all page views
-- and careers pages, never decayed). int_engagement_daily aggregates the events per
-- contact, pattern and day once; everything that scores reads that aggregate.

with

rule_patterns as (

    select distinct
        signal,
        match_type,
        match_value,
        coalesce(half_life_days, 0) as half_life_days
    from {{ ref('int_scoring_rules_effective') }}
    where category = 'engagement'

),

disqualification_patterns as (

    {% for signal, match_type, match_value in disqualification_signal_patterns() %}
        select
            '{{ signal }}' as signal,
            '{{ match_type }}' as match_type,
            '{{ match_value }}' as match_value,
            0 as half_life_days
        {{ "union all" if not loop.last }}
    {% endfor %}

),

final as (

    select * from rule_patterns
    union
    select * from disqualification_patterns

)

select * from final
