{#- The exclusion issue of a raw activity or engagement-event row, in the staging precedence
    order (models/staging/_staging__docs.md): the key, a duplicate of the key (`key_rank` > 1
    from the model's row_number), the time (unreadable, missing, or after `now`), then the
    contact. Every issue of an event excludes it: its only typed value, occurred_at, is
    required. Reads key_rank, occurred_at, has_invalid_occurred_at and contact_id. `now` is
    passed in by the model (run_started_timestamp()) so unit tests can fix it. -#}
{% macro event_exclusion_issue(key_column, now) -%}
    case
        when {{ key_column }} is null then 'missing_key'
        when key_rank > 1 then 'duplicate_row'
        when occurred_at is null and has_invalid_occurred_at then 'invalid_timestamp'
        when occurred_at is null then 'missing_timestamp'
        when occurred_at > {{ now }} then 'future_timestamp'
        when contact_id is null then 'missing_contact_id'
    end
{%- endmacro %}
