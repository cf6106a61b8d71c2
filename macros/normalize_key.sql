{#- Normalize free text for case- and whitespace-insensitive matching: lower-case, trimmed,
    runs of whitespace collapsed to one space. (` Gambling ` matches `gambling`.) -#}
{% macro normalize_key(expression) -%}
    trim({{ regex_replace_all('lower(' ~ expression ~ ')', '\\s+', ' ') }})
{%- endmacro %}
