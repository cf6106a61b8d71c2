{#- True when the expression contains a match of a POSIX regular expression
    (anchor with ^ and $ for a full match). `pattern` is the pattern's text (quoted here);
    with literal=false it is a SQL expression that yields the pattern (a seed column). -#}
{% macro regex_matches(expression, pattern, literal=true) -%}
    {{ return(adapter.dispatch('regex_matches', 'lead_scoring')(expression, pattern, literal)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern, literal=true) -%}
    regexp_matches({{ expression }}, {{ "'" ~ pattern ~ "'" if literal else pattern }})
{%- endmacro %}

{#- PostgreSQL: the operator `~`. The pattern is parenthesized: `~` and `||` share one
    precedence level, so `x ~ '(?i)' || y` would read as `(x ~ '(?i)') || y`. -#}
{% macro postgres__regex_matches(expression, pattern, literal=true) -%}
    ({{ expression }} ~ ({{ "'" ~ pattern ~ "'" if literal else pattern }}))
{%- endmacro %}

{#- Spark: a literal pattern's backslashes doubled (Spark string literals read them as
    escapes). -#}
{% macro spark__regex_matches(expression, pattern, literal=true) -%}
    ({{ expression }} rlike {{ "'" ~ (pattern | replace('\\', '\\\\')) ~ "'" if literal else pattern }})
{%- endmacro %}
