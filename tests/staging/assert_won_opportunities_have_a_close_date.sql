-- Warns (does not fail) with every opportunity the CRM marks won but gives no close date
-- (quality issue missing_closed_at). It is kept, but the lifecycle cannot date the win: the
-- deal stays an open opportunity (SQL, not customer) until the CRM sets closed_at.
{{ config(severity='warn') }}

with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

final as (

    select
        opportunity_id,
        account_id,
        contact_id,
        stage,
        amount,
        created_at
    from opportunities
    where
        is_won
        and closed_at is null
        and not is_excluded

)

select * from final
