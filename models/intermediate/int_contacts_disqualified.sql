-- One row per contact that at least one enabled disqualification rule (seed
-- disqualification_rules) applies to, as of the scoring date. The reason reported is the
-- enabled rule with the lowest priority number; all reasons found are listed too.
-- Disqualified contacts keep their computed scores (for audit) but never route to sales.

with

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

events as (

    select
        contact_id,
        event_type,
        event_detail
    from {{ ref('int_engagement_events_unioned') }}
    where
        not is_excluded
        and not is_bot_activity
        and occurred_at <= {{ as_of_timestamp() }}
        and event_type in ('email_spam_report', 'form_job_application', 'page_view')

),

rules as (

    select
        {{ normalize_key('reason_code') }} as reason_code,
        priority
    from {{ ref('disqualification_rules') }}
    where is_enabled

),

settings as (

    select
        job_seeker_careers_views,
        job_seeker_careers_share
    from {{ ref('int_scoring_model_config') }}
    where scoring_model = 'default'

),

excluded_industries as (

    select distinct {{ normalize_key('industry') }} as industry_key
    from {{ ref('excluded_industries') }}

),

competitor_domains as (

    select distinct {{ normalize_key('domain') }} as domain
    from {{ ref('competitor_domains') }}

),

own_domains as (

    select distinct {{ normalize_key('domain') }} as domain
    from {{ ref('own_company_domains') }}

),

junk_names as (

    select distinct {{ normalize_key('name_value') }} as name_value
    from {{ ref('junk_name_values') }}

),

event_signals as (

    select
        contact_id,
        sum(case when event_type = 'email_spam_report' then 1 else 0 end)
            as spam_report_count,
        sum(case when event_type = 'form_job_application' then 1 else 0 end)
            as job_application_count,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_view_count,
        sum(
            case
                when event_type = 'page_view' and event_detail like '/careers%' then 1
                else 0
            end
        ) as careers_view_count
    from events
    group by contact_id

),

candidate_reasons as (

    select
        contacts.contact_id,
        'own_employee' as reason_code
    from contacts
    inner join own_domains on contacts.email_domain = own_domains.domain

    union all

    select
        contacts.contact_id,
        'competitor' as reason_code
    from contacts
    inner join competitor_domains
        on contacts.email_domain = competitor_domains.domain
    union all
    select
        contacts.contact_id,
        'competitor' as reason_code
    from contacts
    inner join competitor_domains
        on contacts.account_domain = competitor_domains.domain

    union all

    select
        contact_id,
        'spam' as reason_code
    from event_signals
    where spam_report_count > 0
    union all
    select
        contacts.contact_id,
        'spam' as reason_code
    from contacts
    inner join junk_names
        on {{ normalize_key('contacts.first_name') }} = junk_names.name_value
    union all
    select
        contacts.contact_id,
        'spam' as reason_code
    from contacts
    inner join junk_names
        on {{ normalize_key('contacts.last_name') }} = junk_names.name_value

    union all

    select
        contacts.contact_id,
        'excluded_industry' as reason_code
    from contacts
    inner join excluded_industries
        on contacts.industry_key = excluded_industries.industry_key

    union all

    select
        contact_id,
        'student' as reason_code
    from contacts
    where seniority = 'student'

    union all

    select
        contact_id,
        'job_seeker' as reason_code
    from contacts
    where seniority = 'job_seeker'
    union all
    select
        event_signals.contact_id,
        'job_seeker' as reason_code
    from event_signals
    cross join settings
    where
        event_signals.job_application_count > 0
        or (
            event_signals.careers_view_count >= settings.job_seeker_careers_views
            and event_signals.careers_view_count
            >= settings.job_seeker_careers_share * event_signals.page_view_count
        )

),

enabled_reasons as (

    select distinct
        candidate_reasons.contact_id,
        candidate_reasons.reason_code,
        rules.priority
    from candidate_reasons
    inner join rules
        on candidate_reasons.reason_code = rules.reason_code

),

ranked as (

    select
        contact_id,
        reason_code,
        priority,
        row_number() over (
            partition by contact_id order by priority, reason_code
        ) as reason_rank
    from enabled_reasons

),

final as (

    select
        contact_id,
        max(case when reason_rank = 1 then reason_code end) as disqualification_reason,
        {{ dbt.listagg('reason_code', "', '", 'order by reason_rank') }}
            as all_disqualification_reasons
    from ranked
    group by contact_id

)

select * from final
