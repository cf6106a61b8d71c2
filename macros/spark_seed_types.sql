{#- Spark: seeds are created and filled with the column_types of seeds/_seeds.yml, written
    in the names DuckDB and PostgreSQL share; Spark has no bare `varchar` and no
    `double precision`, so those are read as `string` and `double` (spark_seed_type).
    Otherwise these are dbt-spark's own spark__create_csv_table and spark__load_csv_rows,
    unchanged. -#}
{% macro spark_seed_type(model, agate_table, index) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set inferred_type = adapter.convert_type(agate_table, index) -%}
    {%- set type = column_override.get(agate_table.column_names[index], inferred_type) -%}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    {{ return(spark_names.get(type | lower | trim, type)) }}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }}
            {{ spark_seed_type(model, agate_table, loop.index0) }}
            {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{#- The values are written as Spark string literals (a quote as \', a backslash as \\)
    instead of bound parameters: the session cursor quotes a bound text SQL-style, with a
    doubled '', which Spark reads as two adjacent literals (seed texts with an apostrophe
    broke). -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {%- set text = value | string -%}
    {{ return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set sql %}
        insert into {{ this.render() }} values
        {% for row in chunk -%}
            ({%- for col_name in agate_table.column_names -%}
                cast({{ spark_seed_literal(row[loop.index0]) }} as {{ spark_seed_type(model, agate_table, loop.index0) }})
                {%- if not loop.last %},{%- endif %}
            {%- endfor -%})
            {%- if not loop.last %},{%- endif %}
        {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}
