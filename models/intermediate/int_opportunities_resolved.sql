-- The usable CRM opportunities, each credited to the contact that is scored for it (the
-- survivor when duplicates were merged; see int_contact_id_map). Opportunities excluded
-- in staging are left out; opportunities on an account only (no contact) have no
-- contact_id here. With int_lead_status_changes_resolved and int_sales_activities_resolved,
-- the one place CRM rows are re-mapped to the surviving contact.

with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contact_id_map as (

    select * from {{ ref('int_contact_id_map') }}

),

final as (

    select
        opportunities.opportunity_id,
        contact_id_map.resolved_contact_id as contact_id,
        opportunities.account_id,
        opportunities.product_line,
        opportunities.stage,
        opportunities.amount,
        opportunities.created_at,
        opportunities.closed_at,
        opportunities.is_won
    from opportunities
    left join contact_id_map
        on opportunities.contact_id = contact_id_map.contact_id
    where not opportunities.is_excluded

)

select * from final
