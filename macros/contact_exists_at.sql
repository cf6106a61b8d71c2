{#- Whether a contact existed at a moment (default: the scoring date as_of), the one place
    this rule lives: it was created at or before the moment, or its creation date is
    unknown (a CRM row without created_at is taken to have always existed, so it is
    scored rather than lost). A contact created later is counted `not_yet` in
    int_quarantined_rows (not contact_exists_at), scored by a later build, and left out of
    the backtest snapshots before it. -#}
{% macro contact_exists_at(created_at, moment=none) -%}
    ({{ created_at }} is null or {{ created_at }} <= {{ moment if moment is not none else as_of_timestamp() }})
{%- endmacro %}
