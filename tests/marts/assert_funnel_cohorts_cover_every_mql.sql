-- Every contact that became an MQL is in exactly one cohort of its scoring model: the
-- cohorts' MQLs add up to the MQLs of contact_lifecycle, and likewise for SQLs.

with

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

funnel as (

    select * from {{ ref('funnel_conversion') }}

),

expected as (

    select
        scoring_model,
        count(became_mql_at) as mqls,
        count(became_sql_at) as sqls
    from lifecycle
    group by scoring_model

),

actual as (

    select
        scoring_model,
        sum(mqls) as mqls,
        sum(reached_sql) as sqls
    from funnel
    group by scoring_model

)

select
    expected.scoring_model,
    expected.mqls as expected_mqls,
    actual.mqls as actual_mqls,
    expected.sqls as expected_sqls,
    actual.sqls as actual_sqls
from expected
left join actual
    on expected.scoring_model = actual.scoring_model
where
    expected.mqls > 0
    and (
        actual.scoring_model is null
        or expected.mqls != actual.mqls
        or expected.sqls != actual.sqls
    )
