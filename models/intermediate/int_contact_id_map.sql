-- Every contact id the CRM knows, mapped to the contact that is scored for it: itself,
-- the survivor it was merged into (same e-mail; also for a record excluded for another
-- reason, e.g. a future created_at, when a clean record shares its e-mail), or nobody when
-- there is no usable record to merge into (then its events are quarantined as
-- `contact_excluded`). The survivor rule lives in stg_crm__contacts.surviving_contact_id.

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

final as (

    select
        contact_id,
        surviving_contact_id as resolved_contact_id,
        quality_issue as contact_quality_issue
    from contacts
    where
        contact_id is not null
        and coalesce(quality_issue, '') != 'duplicate_row'

)

select * from final
