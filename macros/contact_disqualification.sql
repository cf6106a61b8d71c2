{#- Which disqualification rules (seed disqualification_rules) apply to each contact at each
    cut point (scoring date), and the reason reported: the enabled rule with the lowest
    priority number (all reasons found are listed too). The one definition of the rules,
    used at the scoring date (int_contacts_disqualified) and at every backtest snapshot
    (int_backtest_disqualified).

      evaluated     relation or subquery (contact_id, cut_number): who is judged at which cut
      rule_matches  relation (contact_id, cut_number, signal, match_type, match_value,
                    half_life_days, event_count): the contacts' events up to each cut, per
                    signal pattern

    Rules on who the contact is (own employee, competitor, junk name, excluded industry,
    student, job-seeker title) read the CRM's current values (it keeps no history); rules on
    what the contact did (spam report, job application, careers pages) count only events up
    to the cut. Which reasons are on, and their priority, is per scoring model (seed
    disqualification_rules: a model's own row, else the `default` row). Rows: contact_id,
    cut_number, scoring_model, disqualification_reason, all_disqualification_reasons;
    contacts without a reason in a model have no row for it. -#}
{% macro contact_disqualification(evaluated, rule_matches) -%}
    (
        with

        evaluated as (

            select
                contact_id,
                cut_number
            from {{ evaluated }}

        ),

        contacts as (

            select contacts.*
            from {{ ref('int_contacts_deduplicated') }} as contacts
            where contacts.contact_id in (select evaluated.contact_id from evaluated)

        ),

        rules as (

            -- per scoring model: its own row for a reason, else the `default` row
            select
                scoring_model,
                reason_code,
                priority
            from {{ ref('int_disqualification_rules_effective') }}
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

            -- the counts the rules read, across product lines (patterns: macro
            -- disqualification_signal_patterns)
            select
                contact_id,
                cut_number,
                sum(case when signal = 'email_spam_report' then event_count else 0 end)
                    as spam_report_count,
                sum(case when signal = 'form_job_application' then event_count else 0 end)
                    as job_application_count,
                sum(
                    case when signal = 'page_view' and match_value = '%' then event_count else 0 end
                ) as page_view_count,
                sum(
                    case
                        when signal = 'page_view' and match_value = '/careers%' then event_count
                        else 0
                    end
                ) as careers_view_count
            from {{ rule_matches }}
            where
                half_life_days = 0
                and match_type = 'like'
                and (
                    (signal in ('email_spam_report', 'form_job_application') and match_value = '%')
                    or (signal = 'page_view' and match_value in ('%', '/careers%'))
                )
            group by contact_id, cut_number

        ),

        attribute_reasons as (

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

        ),

        event_reasons as (

            select
                contact_id,
                cut_number,
                'spam' as reason_code
            from event_signals
            where spam_report_count > 0
            union all
            select
                event_signals.contact_id,
                event_signals.cut_number,
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

        candidate_reasons as (

            select
                evaluated.contact_id,
                evaluated.cut_number,
                attribute_reasons.reason_code
            from evaluated
            inner join attribute_reasons
                on evaluated.contact_id = attribute_reasons.contact_id
            union all
            select
                event_reasons.contact_id,
                event_reasons.cut_number,
                event_reasons.reason_code
            from event_reasons
            inner join evaluated
                on
                    event_reasons.contact_id = evaluated.contact_id
                    and event_reasons.cut_number = evaluated.cut_number

        ),

        enabled_reasons as (

            select distinct
                candidate_reasons.contact_id,
                candidate_reasons.cut_number,
                rules.scoring_model,
                candidate_reasons.reason_code,
                rules.priority
            from candidate_reasons
            inner join rules
                on candidate_reasons.reason_code = rules.reason_code

        ),

        ranked as (

            select
                contact_id,
                cut_number,
                scoring_model,
                reason_code,
                priority,
                row_number() over (
                    partition by contact_id, cut_number, scoring_model
                    order by priority, reason_code
                ) as reason_rank
            from enabled_reasons

        )

        select
            contact_id,
            cut_number,
            scoring_model,
            max(case when reason_rank = 1 then reason_code end) as disqualification_reason,
            {{ dbt.listagg('reason_code', "', '", 'order by reason_rank') }}
                as all_disqualification_reasons
        from ranked
        group by contact_id, cut_number, scoring_model
    )
{%- endmacro %}
