-- is_excluded is decided by quality_issue: false for clean rows and for the issues that
-- only blank one value (a value that cannot be read, an impossible employee count, a
-- negative amount, a won deal without a close date), true otherwise. invalid_timestamp is
-- both: it excludes the row when the unreadable date is the required one (then it is
-- null), and only blanks an optional one (updated_at, closed_at).
-- Returns the rows of any staging model that break the rule.

{%- set models = [
    ('stg_crm__accounts', 'created_at'),
    ('stg_crm__contacts', 'created_at'),
    ('stg_crm__opportunities', 'created_at'),
    ('stg_crm__lead_status_changes', 'changed_at'),
    ('stg_crm__sales_activities', 'occurred_at'),
    ('stg_marketing__form_submissions', 'occurred_at'),
    ('stg_marketing__event_attendance', 'occurred_at'),
] %}

with

staged as (

    {% for model_name, required_timestamp in models %}
        select
            '{{ model_name }}' as model_name,
            quality_issue,
            is_excluded,
            {{ required_timestamp }} is null as is_missing_required_timestamp
        from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

expected as (

    select
        *,
        case
            when quality_issue is null then false
            when quality_issue = 'invalid_timestamp' then is_missing_required_timestamp
            when
                quality_issue in (
                    'invalid_integer', 'invalid_numeric', 'invalid_boolean',
                    'negative_amount', 'impossible_employee_count', 'missing_closed_at'
                )
                then false
            else true
        end as should_be_excluded
    from staged

),

final as (

    select
        model_name,
        quality_issue,
        is_excluded,
        count(*) as row_count
    from expected
    where is_excluded is null or is_excluded != should_be_excluded
    group by model_name, quality_issue, is_excluded

)

select * from final
