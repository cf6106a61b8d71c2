{#- The two columns every published relation carries: which `dbt build` made it
    (build_id: dbt's invocation id, the key of marts.publish_log) and the scoring date it
    describes (as_of). Use as the last columns of a mart's final select. -#}
{% macro build_columns() -%}
    cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as build_id,
    {{ as_of_timestamp() }} as as_of
{%- endmacro %}
