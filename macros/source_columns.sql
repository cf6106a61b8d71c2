{#- The columns the sources YAML declares for one raw table (models/staging/*/_*__sources.yml),
    quoted and comma-separated, for the import CTE of a staging model: the sources YAML is
    the one list of the raw contract, and a raw column that is not in it (an EL tool's own
    column, or one named like a staging helper, e.g. `key_rank`) never reaches staging.
    It returns `*` where the graph is not there: at parse time (`execute` false) and in
    unit tests (dbt compiles them against a manifest of their own, with an empty graph;
    the fixture holds the raw table's columns, and each staging model names the columns
    it reads in its next CTE anyway). -#}
{% macro source_columns(source_name, table_name) -%}
    {%- if not execute or graph.sources is not defined -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set matches = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {%- do matches.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "source_columns: no source table " ~ source_name ~ "." ~ table_name
            ~ " is declared in the sources YAML") }}
    {%- endif -%}
    {%- set columns = matches[0].columns.values() | map(attribute='name') | list -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error(
            "source_columns: the sources YAML declares no columns for "
            ~ source_name ~ "." ~ table_name) }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {{ return(quoted | join(', ')) }}
{%- endmacro %}
