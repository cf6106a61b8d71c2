{#- The issue of one raw activity or engagement-event row on its own, in the staging
    precedence order (models/staging/_staging__docs.md): the key, the time (unreadable,
    missing, or after `now`), then the contact. Every issue of an event excludes it: its
    only typed value, occurred_at, is required. Reads occurred_at, has_invalid_occurred_at
    and contact_id. `now` is passed in by the model (run_started_timestamp()) so unit tests
    can fix it. -#}
{% macro event_row_issue(key_column, now) -%}
    case
        when {{ key_column }} is null then 'missing_key'
        when occurred_at is null and has_invalid_occurred_at then 'invalid_timestamp'
        when occurred_at is null then 'missing_timestamp'
        when occurred_at > {{ now }} then 'future_timestamp'
        when contact_id is null then 'missing_contact_id'
    end
{%- endmacro %}

{#- The exclusion issue of a raw row among the other rows with its key: a copy that is not
    the survivor (`key_rank` > 1 from the model's row_number) is duplicate_row, which comes
    right after missing_key in the precedence order; otherwise the row's own issue
    (`row_issue`, an event_row_issue expression or a column holding one). -#}
{% macro event_exclusion_issue(key_column, row_issue) -%}
    case
        when {{ key_column }} is not null and key_rank > 1 then 'duplicate_row'
        else {{ row_issue }}
    end
{%- endmacro %}
