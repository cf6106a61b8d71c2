-- Staging is 1:1 with the raw tables: every raw row appears in its view exactly once,
-- flagged rather than dropped. Returns the tables whose row counts differ.

{%- set tables = [
    ('crm', 'accounts', 'stg_crm__accounts'),
    ('crm', 'contacts', 'stg_crm__contacts'),
    ('crm', 'opportunities', 'stg_crm__opportunities'),
    ('crm', 'lead_status_changes', 'stg_crm__lead_status_changes'),
    ('crm', 'sales_activities', 'stg_crm__sales_activities'),
    ('marketing', 'web_events', 'stg_marketing__web_events'),
    ('marketing', 'email_events', 'stg_marketing__email_events'),
    ('marketing', 'form_submissions', 'stg_marketing__form_submissions'),
    ('marketing', 'event_attendance', 'stg_marketing__event_attendance'),
] %}

with

row_counts as (

    {% for source_name, table_name, model_name in tables %}
        select
            '{{ model_name }}' as model_name,
            (select count(*) from {{ source(source_name, table_name) }}) as raw_rows,
            (select count(*) from {{ ref(model_name) }}) as staged_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        model_name,
        raw_rows,
        staged_rows
    from row_counts
    where raw_rows != staged_rows

)

select * from final
