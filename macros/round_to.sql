{#- An expression rounded to `digits` decimal places (0 = a whole number), halves away from
    zero. DuckDB and Spark: round(). PostgreSQL has no round(double precision, integer),
    and its round(double precision) rounds halves to even; there it is written out as
    DuckDB computes it, sign(x) * floor(|x| * 10^digits + 0.5) / 10^digits, in the
    expression's own type, so a double gives the same double as on DuckDB (a cast to
    numeric would keep only 15 significant digits, too few for microseconds). -#}
{% macro round_to(expression, digits=0) -%}
    {{ return(adapter.dispatch('round_to', 'lead_scoring')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_to(expression, digits=0) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(expression, digits=0) -%}
    {%- if digits | int == 0 -%}
        (sign({{ expression }}) * floor(abs({{ expression }}) + 0.5))
    {%- else -%}
        {%- set scale = 10 ** (digits | int) -%}
        (sign({{ expression }}) * floor(abs({{ expression }}) * {{ scale }} + 0.5) / {{ scale }})
    {%- endif -%}
{%- endmacro %}
