-- Every contact that points to a surviving contact points to a clean one that survives
-- itself (no chains, no excluded survivors), and every clean contact is its own survivor.
-- Returns the contacts that break the rule.

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

survivors as (

    select contact_id
    from contacts
    where
        not is_excluded
        and surviving_contact_id = contact_id

),

final as (

    select
        contacts.contact_id,
        contacts.surviving_contact_id,
        contacts.quality_issue
    from contacts
    left join survivors
        on contacts.surviving_contact_id = survivors.contact_id
    where
        (contacts.surviving_contact_id is not null and survivors.contact_id is null)
        or (
            not contacts.is_excluded
            and coalesce(contacts.surviving_contact_id != contacts.contact_id, true)
        )

)

select * from final
