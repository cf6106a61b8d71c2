-- One row per surviving contact (after merging contacts that share a normalized e-mail),
-- with everything known about who they are: title classification, e-mail type and the
-- attributes of their account. CRM attributes carry only their current value, so these
-- are as of the last load, not as of the scoring date.

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

titles as (

    select * from {{ ref('int_job_titles_classified') }}

),

personal_domains as (

    select distinct {{ normalize_key('domain') }} as email_domain
    from {{ ref('personal_email_domains') }}

),

size_bands as (

    select * from {{ ref('company_size_bands') }}

),

surviving_contacts as (

    select *
    from contacts
    where not is_excluded

),

merged_counts as (

    select
        surviving_contact_id as contact_id,
        count(*) as merged_record_count
    from contacts
    where quality_issue = 'duplicate_email'
    group by surviving_contact_id

),

usable_accounts as (

    select *
    from accounts
    where not is_excluded

),

final as (

    select
        surviving_contacts.contact_id,
        surviving_contacts.account_id,
        surviving_contacts.email,
        surviving_contacts.email_domain,
        case
            when personal_domains.email_domain is not null then 'personal'
            else 'corporate'
        end as email_type,
        surviving_contacts.first_name,
        surviving_contacts.last_name,
        surviving_contacts.job_title,
        surviving_contacts.job_title_key,
        coalesce(titles.seniority, 'unknown') as seniority,
        coalesce(titles.department, 'unknown') as department,
        coalesce(surviving_contacts.country_code, usable_accounts.country_code)
            as country_code,
        surviving_contacts.lead_source,
        surviving_contacts.has_email_opt_out,
        surviving_contacts.created_at,
        surviving_contacts.updated_at,
        coalesce(merged_counts.merged_record_count, 0) as merged_record_count,
        usable_accounts.account_id is not null as has_known_account,
        usable_accounts.account_name,
        usable_accounts.account_domain,
        usable_accounts.industry_key,
        usable_accounts.employee_count,
        coalesce(size_bands.company_size_band, 'unknown') as company_size_band,
        coalesce(usable_accounts.is_target_account, false) as is_target_account
    from surviving_contacts
    left join merged_counts
        on surviving_contacts.contact_id = merged_counts.contact_id
    left join titles
        on surviving_contacts.job_title_key = titles.job_title_key
    left join personal_domains
        on surviving_contacts.email_domain = personal_domains.email_domain
    left join usable_accounts
        on surviving_contacts.account_id = usable_accounts.account_id
    left join size_bands
        on
            usable_accounts.employee_count >= size_bands.min_employees
            and usable_accounts.employee_count <= size_bands.max_employees

)

select * from final
