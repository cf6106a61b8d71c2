-- Every contact that is an SQL now has an open opportunity, every customer (and every
-- contact with a customer date) a won one, and every contact with an SQL date some
-- opportunity: of the model's product line for a product-line model.

with

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

model_config as (

    select
        scoring_model,
        product_line
    from {{ ref('int_scoring_model_config') }}

),

opportunities as (

    select
        id_map.resolved_contact_id as contact_id,
        model_config.scoring_model,
        max(case
            when
                opportunities.closed_at is null
                or opportunities.closed_at > {{ as_of_timestamp() }}
                then 1
            else 0
        end) as has_open,
        max(case
            when opportunities.is_won and opportunities.closed_at <= {{ as_of_timestamp() }}
                then 1
            else 0
        end) as has_won
    from {{ ref('stg_crm__opportunities') }} as opportunities
    inner join {{ ref('int_contact_id_map') }} as id_map
        on opportunities.contact_id = id_map.contact_id
    cross join model_config
    where
        not opportunities.is_excluded
        and opportunities.created_at <= {{ as_of_timestamp() }}
        and (
            model_config.product_line is null
            or opportunities.product_line = model_config.product_line
        )
    group by id_map.resolved_contact_id, model_config.scoring_model

)

select
    lifecycle.contact_id,
    lifecycle.scoring_model,
    lifecycle.lifecycle_stage,
    lifecycle.became_sql_at,
    lifecycle.became_customer_at
from lifecycle
left join opportunities
    on
        lifecycle.contact_id = opportunities.contact_id
        and lifecycle.scoring_model = opportunities.scoring_model
where
    (lifecycle.lifecycle_stage = 'sql' and coalesce(opportunities.has_open, 0) = 0)
    or (
        (lifecycle.lifecycle_stage = 'customer' or lifecycle.became_customer_at is not null)
        and coalesce(opportunities.has_won, 0) = 0
    )
    or (lifecycle.became_sql_at is not null and opportunities.contact_id is null)
