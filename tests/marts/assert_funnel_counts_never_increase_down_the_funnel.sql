-- Down the funnel a cohort can only lose contacts: mqls >= reached_sal >= reached_sql >=
-- reached_customer (became_<stage>_at counts a stage reached directly or passed through).

select
    scoring_model,
    mql_cohort_month,
    mqls,
    reached_sal,
    reached_sql,
    reached_customer
from {{ ref('funnel_conversion') }}
where
    mqls < reached_sal
    or reached_sal < reached_sql
    or reached_sql < reached_customer
    or reached_customer < 0
