{#- Run from on-run-start (dbt_project.yml). Before any model, data test or unit test of a
    `dbt build`, `run` or `test` reads a raw table, check that every raw table the sources
    YAML declares (models/staging/*/_*__sources.yml, the landing contract) exists and has
    every declared column (names compared case-insensitively; more columns are allowed).
    Otherwise fail at once with one line per problem, naming the table, the column and
    the YAML file, instead of letting a model (or a unit test fixture) fail on it later.
    Only the tables that a selected node reads directly are checked, so `dbt build
    --select <seeds>` works on a warehouse without raw tables (a full build checks every
    table); other commands (`dbt seed`, `compile`, `docs`) are not checked. -#}
{% macro check_raw_contract() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'test') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set read_sources = raw_contract_sources_read() -%}
    {%- set problems = [] -%}
    {%- for source_node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if source_node.unique_id in read_sources -%}
            {%- set table_label = source_node.schema ~ '.' ~ source_node.identifier -%}
            {%- set contract = '(the landing contract: ' ~ source_node.original_file_path ~ ')' -%}
            {%- set relation = adapter.get_relation(
                database=source_node.database,
                schema=source_node.schema,
                identifier=source_node.identifier) -%}
            {%- if relation is none -%}
                {%- do problems.append(
                    'raw table ' ~ table_label ~ ' does not exist ' ~ contract) -%}
            {%- else -%}
                {%- set present = [] -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do present.append(column.name | lower) -%}
                {%- endfor -%}
                {%- for column_name in source_node.columns -%}
                    {%- if column_name | lower not in present -%}
                        {%- do problems.append(
                            'raw table ' ~ table_label ~ ' has no column ' ~ column_name
                            ~ ' ' ~ contract) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            'The raw tables do not match the landing contract (' ~ problems | length
            ~ ' problem' ~ ('s' if problems | length > 1 else '') ~ '); nothing was built:\n'
            ~ problems | join('\n')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- The unique ids of the sources that the selected nodes of this invocation read directly
    (a unit test reads the sources of the model it tests). Every source when the selection
    is not known. -#}
{% macro raw_contract_sources_read() -%}
    {%- set selected = selected_resources if selected_resources is defined else none -%}
    {%- if selected is none -%}
        {{ return(graph.sources.keys() | list) }}
    {%- endif -%}
    {%- set read_sources = [] -%}
    {%- for unique_id in selected -%}
        {%- set node_id = unique_id -%}
        {%- if unique_id.startswith('unit_test.') -%}
            {%- set parts = unique_id.split('.') -%}
            {%- set node_id = 'model.' ~ parts[1] ~ '.' ~ parts[2] -%}
        {%- endif -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node is not none -%}
            {%- for parent_id in node.depends_on.nodes -%}
                {%- if parent_id.startswith('source.') -%}
                    {%- do read_sources.append(parent_id) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(read_sources) }}
{%- endmacro %}
