-- is_excluded is decided by quality_issue alone: false for clean rows and for the issues
-- that only blank one value (impossible_employee_count, negative_amount), true otherwise.
-- Returns the rows of any staging view that break the rule.

{%- set models = [
    'stg_crm__accounts',
    'stg_crm__contacts',
    'stg_crm__opportunities',
    'stg_crm__lead_status_changes',
    'stg_crm__sales_activities',
    'stg_marketing__web_events',
    'stg_marketing__email_events',
    'stg_marketing__form_submissions',
    'stg_marketing__event_attendance',
] %}

with

staged as (

    {% for model_name in models %}
        select
            '{{ model_name }}' as model_name,
            quality_issue,
            is_excluded
        from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        model_name,
        quality_issue,
        is_excluded,
        count(*) as row_count
    from staged
    where
        is_excluded is null
        or is_excluded != (
            quality_issue is not null
            and quality_issue not in ('impossible_employee_count', 'negative_amount')
        )
    group by model_name, quality_issue, is_excluded

)

select * from final
