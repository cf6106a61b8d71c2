{#- The engagement patterns the disqualification rules count, as (signal, match_type,
    match_value) triples: spam reports, job applications, every page view and the careers
    pages (job seekers), all LIKE patterns. int_engagement_signal_patterns always
    aggregates them, whatever the scoring rules; int_contacts_disqualified reads their
    counts. -#}
{% macro disqualification_signal_patterns() -%}
    {{ return([
        ('email_spam_report', 'like', '%'),
        ('form_job_application', 'like', '%'),
        ('page_view', 'like', '%'),
        ('page_view', 'like', '/careers%'),
    ]) }}
{%- endmacro %}
