-- Warns (does not fail) when more than `quarantine_warn_share` (var, default 5%) of a raw
-- table's rows are excluded as bad input: a sign the source or the mappings need a look.
-- The warning lists each such table with its share; see int_quarantined_rows for the rows.
{{ config(severity='warn') }}

{%- set raw_tables = [
    ('accounts', source('crm', 'accounts')),
    ('contacts', source('crm', 'contacts')),
    ('opportunities', source('crm', 'opportunities')),
    ('lead_status_changes', source('crm', 'lead_status_changes')),
    ('sales_activities', source('crm', 'sales_activities')),
    ('web_events', source('marketing', 'web_events')),
    ('email_events', source('marketing', 'email_events')),
    ('form_submissions', source('marketing', 'form_submissions')),
    ('event_attendance', source('marketing', 'event_attendance')),
] %}

with

raw_counts as (

    {%- for name, relation in raw_tables %}
        select
            '{{ name }}' as source_table,
            count(*) as raw_row_count
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

excluded_counts as (

    select
        source_table,
        count(*) as excluded_row_count
    from {{ ref('int_quarantined_rows') }}
    where action = 'excluded'
    group by source_table

),

shares as (

    select
        raw_counts.source_table,
        raw_counts.raw_row_count,
        coalesce(excluded_counts.excluded_row_count, 0) as excluded_row_count,
        coalesce(excluded_counts.excluded_row_count, 0) * 1.0
        / nullif(raw_counts.raw_row_count, 0) as excluded_share
    from raw_counts
    left join excluded_counts
        on raw_counts.source_table = excluded_counts.source_table

)

select *
from shares
where excluded_share > {{ var('quarantine_warn_share', 0.05) }}
