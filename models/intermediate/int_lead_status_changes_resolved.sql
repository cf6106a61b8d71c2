-- The usable lead status changes by sales (not excluded in staging), each credited to the
-- contact that is scored for it (the survivor when duplicates were merged; see
-- int_contact_id_map). A change for a contact that is not scored has no contact_id here.
-- With int_opportunities_resolved and int_sales_activities_resolved, the one place CRM
-- rows are re-mapped to the surviving contact.

with

status_changes as (

    select * from {{ ref('stg_crm__lead_status_changes') }}

),

contact_id_map as (

    select * from {{ ref('int_contact_id_map') }}

),

final as (

    select
        status_changes.status_change_id,
        contact_id_map.resolved_contact_id as contact_id,
        status_changes.status,
        status_changes.changed_at
    from status_changes
    left join contact_id_map
        on status_changes.contact_id = contact_id_map.contact_id
    where not status_changes.is_excluded

)

select * from final
