{#- Post-hook of publish_checks: fail the model (and so the build, and so the publish)
    with one clear message when a check tripped, naming the check and its figures. A
    check that tripped but was allowed once with `--vars '{allow_mass_change: true}'` has
    status `overridden`: it is reported and recorded, and does not stop the build. -#}
{% macro raise_if_circuit_breaker_tripped(checks_relation) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = run_query(
        "select check_name, relation_name, current_value, previous_value, change_share,"
        ~ " limit_share, setting_name, compared_with_build_id, compared_with_as_of, status"
        ~ " from " ~ checks_relation ~ " where status in ('tripped', 'overridden')"
        ~ " order by check_name, relation_name") -%}
    {%- set tripped = [] -%}
    {%- for row in rows.rows -%}
        {%- set line = circuit_breaker_line(row) -%}
        {%- if row[9] == 'tripped' -%}
            {%- do tripped.append(line) -%}
        {%- else -%}
            {{ log("CIRCUIT BREAKER OVERRIDDEN (allow_mass_change): " ~ line, info=True) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if tripped -%}
        {%- set compared = rows.rows[0] -%}
        {{ exceptions.raise_compiler_error(
            "CIRCUIT BREAKER: nothing was published.\n  " ~ (tripped | join('\n  ')) ~ "\n  "
            ~ ("The published copy stays at build " ~ compared[7] ~ " (as of "
               ~ compared[8] ~ "). " if compared[7] else "")
            ~ "If this change is intended, publish it once with"
            ~ " --vars '{allow_mass_change: true}' (the override is recorded in"
            ~ " marts.publish_log).") }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- One check as a sentence with its figures (a row of publish_checks, columns as selected
    above). -#}
{% macro circuit_breaker_line(row) -%}
    {%- set check_name, relation_name, current, previous, share, limit, setting = row[:7] -%}
    {%- if check_name == 'contacts_present' -%}
        {%- set text = "contacts_present: the build scores " ~ "{:,}".format(current | int)
            ~ " contacts (" ~ relation_name ~ " is empty or has no usable contact)." -%}
    {%- elif check_name == 'raw_table_shrink' -%}
        {%- set text = "raw_table_shrink: " ~ relation_name ~ " has " ~ "{:,}".format(current | int)
            ~ " rows, " ~ "{:,}".format(previous | int) ~ " at the last publish ("
            ~ "{:.1%}".format(share) ~ " fewer; the limit is " ~ "{:.1%}".format(limit)
            ~ ", setting " ~ setting ~ ")." -%}
    {%- elif check_name == 'crm_feed_deleted_share' -%}
        {%- set text = "crm_feed_deleted_share: the CRM feed would mark "
            ~ "{:,}".format(current | int) ~ " of " ~ "{:,}".format(previous | int)
            ~ " synced rows deleted (" ~ "{:.1%}".format(share) ~ "; the limit is "
            ~ "{:.1%}".format(limit) ~ ", setting " ~ setting ~ ")." -%}
    {%- elif check_name == 'crm_feed_changed_share' -%}
        {%- set text = "crm_feed_changed_share: the CRM feed would change "
            ~ "{:,}".format(current | int) ~ " of " ~ "{:,}".format(previous | int)
            ~ " synced rows at once (" ~ "{:.1%}".format(share) ~ "; the limit is "
            ~ "{:.1%}".format(limit) ~ ", setting " ~ setting ~ ")." -%}
    {%- else -%}
        {%- set text = check_name ~ " on " ~ relation_name ~ ": " ~ current ~ " vs " ~ previous ~ "." -%}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
