{#- Speed-to-lead columns of an MQL alert, from when the contact became an MQL, the first
    sales touch after it (null = none yet) and the SLA in minutes:
      sla_minutes, sla_due_at, minutes_to_first_touch (fractional),
      touched_within_hour (note 000: after 60 minutes the odds drop sixfold),
      sla_status: `met` (touched within the SLA), `breached` (touched late, or not touched
      and the deadline has passed at the scoring date) or `open` (not touched, still time),
      is_sla_breached. -#}
{% macro sla_fields(mql_at, first_touch_at, sla_minutes) -%}
    {%- set minutes = dbt.datediff(mql_at, first_touch_at, 'second') ~ ' / 60e0' -%}
    {%- set due_at = dbt.dateadd('minute', 'cast(' ~ sla_minutes ~ ' as ' ~ dbt.type_int() ~ ')', mql_at) -%}
    {{ sla_minutes }} as sla_minutes,
    {{ due_at }} as sla_due_at,
    cast(
        case when {{ first_touch_at }} is not null then {{ minutes }} end as {{ type_double() }}
    ) as minutes_to_first_touch,
    coalesce({{ minutes }} <= 60, false) as touched_within_hour,
    case
        when {{ first_touch_at }} is not null and {{ minutes }} <= {{ sla_minutes }} then 'met'
        when {{ first_touch_at }} is not null then 'breached'
        when {{ as_of_timestamp() }} >= {{ due_at }} then 'breached'
        else 'open'
    end as sla_status,
    (
        ({{ first_touch_at }} is not null and {{ minutes }} > {{ sla_minutes }})
        or ({{ first_touch_at }} is null and {{ as_of_timestamp() }} >= {{ due_at }})
    ) as is_sla_breached
{%- endmacro %}
