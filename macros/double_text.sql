{#- A double as text, as DuckDB writes it: the shortest text that reads back as the same
    double, and a whole number with `.0` (`30.0`, `0.5`). The MQL alerts' touchpoints show
    points this way. PostgreSQL writes a whole double without `.0` (`30`): there it is
    added. -#}
{% macro double_text(expression) -%}
    {{ return(adapter.dispatch('double_text', 'lead_scoring')(expression)) }}
{%- endmacro %}

{% macro default__double_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__double_text(expression) -%}
    case
        when {{ expression }} = trunc({{ expression }}) and abs({{ expression }}) < 1e15
            then cast(cast({{ expression }} as bigint) as text) || '.0'
        else cast({{ expression }} as text)
    end
{%- endmacro %}
