-- Stage dates follow the funnel where present: lead <= mql <= sal <= sql <= customer,
-- and a later stage's date implies every earlier one's.

with

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

)

select
    contact_id,
    scoring_model,
    became_lead_at,
    became_mql_at,
    became_sal_at,
    became_sql_at,
    became_customer_at
from lifecycle
where
    (became_mql_at is not null and (became_lead_at is null or became_lead_at > became_mql_at))
    or (became_sal_at is not null and (became_mql_at is null or became_mql_at > became_sal_at))
    or (became_sql_at is not null and (became_sal_at is null or became_sal_at > became_sql_at))
    or (
        became_customer_at is not null
        and (became_sql_at is null or became_sql_at > became_customer_at)
    )
