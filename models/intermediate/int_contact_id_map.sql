-- Every contact id the CRM knows, mapped to the contact that is scored for it: itself,
-- the survivor it was merged into (same e-mail), or nobody when the contact record is
-- unusable (then its events are quarantined as `contact_excluded`).

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

final as (

    select
        contact_id,
        case
            when not is_excluded or quality_issue = 'duplicate_email'
                then surviving_contact_id
        end as resolved_contact_id,
        quality_issue as contact_quality_issue
    from contacts
    where
        contact_id is not null
        and coalesce(quality_issue, '') != 'duplicate_row'

)

select * from final
