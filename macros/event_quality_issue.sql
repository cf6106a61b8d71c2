{#- The quality issue of a raw engagement-event row, in the staging precedence order
    (docs/architecture.md): the key, a duplicate of the key (`key_rank` > 1 from the
    model's row_number), the timestamp (missing, or after `now`), then the contact.
    `now` is passed in by the model (run_started_timestamp()) so unit tests can fix it. -#}
{% macro event_quality_issue(key_column, now) -%}
    case
        when {{ key_column }} is null then 'missing_key'
        when key_rank > 1 then 'duplicate_row'
        when occurred_at is null then 'missing_timestamp'
        when occurred_at > {{ now }} then 'future_timestamp'
        when contact_id is null then 'missing_contact_id'
    end
{%- endmacro %}
