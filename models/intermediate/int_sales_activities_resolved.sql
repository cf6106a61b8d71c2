-- The usable sales activities (calls, e-mails, meetings by sales; not excluded in
-- staging), each credited to the contact that is scored for it (the survivor when
-- duplicates were merged; see int_contact_id_map). An activity for a contact that is not
-- scored has no contact_id here. With int_opportunities_resolved and
-- int_lead_status_changes_resolved, the one place CRM rows are re-mapped to the surviving
-- contact; the MQL alerts read it for the first sales touch.

with

sales_activities as (

    select * from {{ ref('stg_crm__sales_activities') }}

),

contact_id_map as (

    select * from {{ ref('int_contact_id_map') }}

),

final as (

    select
        sales_activities.activity_id,
        contact_id_map.resolved_contact_id as contact_id,
        sales_activities.activity_type,
        sales_activities.occurred_at
    from sales_activities
    left join contact_id_map
        on sales_activities.contact_id = contact_id_map.contact_id
    where not sales_activities.is_excluded

)

select * from final
