{#- Replace every match of a POSIX regular expression. Engines differ: DuckDB and
    PostgreSQL replace only the first match unless given the 'g' flag; Spark always
    replaces all. -#}
{% macro regex_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'lead_scoring')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Spark reads a backslash in a string literal as an escape ('\s' is 's'), so the
    pattern's backslashes are doubled to reach the regex engine. -#}
{% macro spark__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace('\\', '\\\\') }}', '{{ replacement }}')
{%- endmacro %}
