{#- The engagement patterns (signal, LIKE pattern) the disqualification rules count, as
    (signal, match_value) pairs: spam reports, job applications, every page view and the
    careers pages (job seekers). int_engagement_signal_patterns always aggregates them,
    whatever the scoring rules; int_contacts_disqualified reads their counts. -#}
{% macro disqualification_signal_patterns() -%}
    {{ return([
        ('email_spam_report', '%'),
        ('form_job_application', '%'),
        ('page_view', '%'),
        ('page_view', '/careers%'),
    ]) }}
{%- endmacro %}
