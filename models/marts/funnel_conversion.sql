-- How MQLs convert down the funnel: one row per scoring model and cohort month (the month a
-- contact first became an MQL), up to the scoring date. For each cohort: how many MQLs it
-- has, how many of them went on to SAL, SQL and customer, the conversion rates, the median
-- days between stages, and a flag when sales turns too few MQLs into SQLs (marketing
-- qualifies too soon: fewer than min_mql_to_sql_rate, 1 in 20 by default).
-- became_<stage>_at of contact_lifecycle is the first time the contact was at that stage or
-- a later one, so the dates are in funnel order and every SQL of a cohort is one of its
-- MQLs. Recent cohorts have had less time to convert: read their rates as a floor.

{%- set transitions = [('mql', 'sal'), ('sal', 'sql'), ('sql', 'customer')] %}

with

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

mqls as (

    select
        contact_id,
        scoring_model,
        cast({{ dbt.date_trunc('month', 'became_mql_at') }} as date) as mql_cohort_month,
        {% for from_stage, to_stage in transitions %}
            {{ dbt.datediff(
                'became_' ~ from_stage ~ '_at', 'became_' ~ to_stage ~ '_at', 'second'
            ) }} / 86400e0 as days_{{ from_stage }}_to_{{ to_stage }},
        {% endfor %}
        became_sal_at,
        became_sql_at,
        became_customer_at
    from lifecycle
    where became_mql_at is not null

),

cohorts as (

    select
        scoring_model,
        mql_cohort_month,
        {% for from_stage, to_stage in transitions %}
            {{ median('days_' ~ from_stage ~ '_to_' ~ to_stage) }}
                as median_days_{{ from_stage }}_to_{{ to_stage }},
        {% endfor %}
        count(*) as mqls,
        count(became_sal_at) as reached_sal,
        count(became_sql_at) as reached_sql,
        count(became_customer_at) as reached_customer
    from mqls
    group by scoring_model, mql_cohort_month

),

rates as (

    select
        cohorts.scoring_model,
        cohorts.mql_cohort_month,
        cohorts.mqls,
        cohorts.reached_sal,
        cohorts.reached_sql,
        cohorts.reached_customer,
        cast(cohorts.reached_sal as {{ dbt.type_float() }})
        / nullif(cohorts.mqls, 0) as mql_to_sal_rate,
        cast(cohorts.reached_sql as {{ dbt.type_float() }})
        / nullif(cohorts.mqls, 0) as mql_to_sql_rate,
        cast(cohorts.reached_customer as {{ dbt.type_float() }})
        / nullif(cohorts.reached_sql, 0) as sql_to_customer_rate,
        cohorts.median_days_mql_to_sal,
        cohorts.median_days_sal_to_sql,
        cohorts.median_days_sql_to_customer,
        model_config.min_mql_to_sql_rate
    from cohorts
    inner join model_config
        on cohorts.scoring_model = model_config.scoring_model

),

final as (

    select
        scoring_model,
        mql_cohort_month,
        mqls,
        reached_sal,
        reached_sql,
        reached_customer,
        cast(mql_to_sal_rate as decimal(5, 4)) as mql_to_sal_rate,
        cast(mql_to_sql_rate as decimal(5, 4)) as mql_to_sql_rate,
        cast(sql_to_customer_rate as decimal(5, 4)) as sql_to_customer_rate,
        cast(median_days_mql_to_sal as decimal(9, 2)) as median_days_mql_to_sal,
        cast(median_days_sal_to_sql as decimal(9, 2)) as median_days_sal_to_sql,
        cast(median_days_sql_to_customer as decimal(9, 2)) as median_days_sql_to_customer,
        mql_to_sql_rate < min_mql_to_sql_rate as is_qualifying_too_soon,
        {{ build_columns() }}
    from rates

)

select * from final
