{{ config(materialized='view') }}
-- The lifecycle signals of opportunities: each opportunity of a scored contact opened up to
-- the scoring date, and its close (won or lost) when that is at or before the scoring date,
-- per scoring model (for a product-line model: only opportunities of that product line).
-- A won opportunity without a close date has no close signal. A view: a join of small
-- tables. Grain: one row per contact_id, scoring_model, signal_at, signal_type and
-- trigger_detail (which names the opportunity).

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_resolved') }}

),

model_opportunities as (

    select
        opportunities.contact_id,
        model_config.scoring_model,
        opportunities.opportunity_id,
        opportunities.created_at,
        case
            when opportunities.closed_at <= {{ as_of_timestamp() }} then opportunities.closed_at
        end as closed_at,
        opportunities.is_won and opportunities.closed_at <= {{ as_of_timestamp() }} as is_won
    from opportunities
    inner join contacts
        on opportunities.contact_id = contacts.contact_id
    cross join model_config
    where
        opportunities.created_at <= {{ as_of_timestamp() }}
        and {{ in_product_line(
            'model_config.product_line', 'opportunities.product_line', unlabelled_counts=false) }}

),

final as (

    select
        contact_id,
        scoring_model,
        created_at as signal_at,
        4 as signal_order,
        'opportunity_opened' as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        1 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'opportunity ' || opportunity_id || ' opened' as trigger_detail
    from model_opportunities
    union all
    select
        contact_id,
        scoring_model,
        closed_at as signal_at,
        5 as signal_order,
        case when is_won then 'opportunity_won' else 'opportunity_lost' end as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        -1 as opportunity_delta,
        case when is_won then 1 else 0 end as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'opportunity ' || opportunity_id || case when is_won then ' won' else ' lost' end
            as trigger_detail
    from model_opportunities
    where closed_at is not null

)

select * from final
