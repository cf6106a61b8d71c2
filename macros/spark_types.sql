{#- Spark: seeds are created and filled with the column_types of seeds/_seeds.yml, written
    in the names DuckDB and PostgreSQL share; Spark has no bare `varchar` and no
    `double precision`, so those are read as `string` and `double` (spark_seed_type).
    Otherwise these are dbt-spark's own spark__create_csv_table and spark__load_csv_rows,
    unchanged. -#}
{% macro spark_seed_type(model, agate_table, index) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set inferred_type = adapter.convert_type(agate_table, index) -%}
    {%- set type = column_override.get(agate_table.column_names[index], inferred_type) -%}
    {{ return(spark_type_name(type)) }}
{%- endmacro %}

{#- A type as the project writes it (the names DuckDB and PostgreSQL share: `varchar`,
    `text`, `double precision`), in Spark's name (`string`, `double`); other names as
    they are. Used for the seeds and the mart contracts. -#}
{% macro spark_type_name(type) -%}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    {{ return(spark_names.get(type | lower | trim, type)) }}
{%- endmacro %}

{#- Spark: the mart contracts (data_type in models/marts/_marts__models.yml) are written
    in the names DuckDB and PostgreSQL share; the empty query a contract is checked
    against casts to Spark's names instead (spark_type_name). Otherwise dbt's own
    default__get_empty_schema_sql. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set spark_columns = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copy = dict(column) -%}
        {%- if copy.get('data_type') is not none -%}
            {%- do copy.update({'data_type': spark_type_name(copy['data_type'])}) -%}
        {%- endif -%}
        {%- do spark_columns.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(spark_columns)) }}
{%- endmacro %}

{#- Spark: dbt-spark's listagg ignores the order (a warning, then collect_list in any
    order); Spark 4 has listagg ... within group (order by ...), which keeps it. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with limit_num is not supported on Spark here") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif -%}
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

{#- Spark: dbt's datediff for the parts this project uses, counting boundaries crossed as
    DuckDB's date_diff does (and dbt's other adapters). dbt-spark's own reads microseconds
    from the timestamp's text with a pattern that needs six fraction digits, so a
    timestamp without a fraction gave null (the MQL alerts lost their engagement);
    unix_micros is exact (`div`: whole units, the timestamps after 1970). -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set first = 'cast(' ~ first_date ~ ' as timestamp)' -%}
    {%- set second = 'cast(' ~ second_date ~ ' as timestamp)' -%}
    {%- set per_unit = {'millisecond': 1000, 'second': 1000000, 'minute': 60000000,
                        'hour': 3600000000} -%}
    {%- if datepart == 'microsecond' -%}
        (unix_micros({{ second }}) - unix_micros({{ first }}))
    {%- elif datepart in per_unit -%}
        (unix_micros({{ second }}) div {{ per_unit[datepart] }}
            - unix_micros({{ first }}) div {{ per_unit[datepart] }})
    {%- elif datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff by '" ~ datepart ~ "' is not written for Spark here (macros/spark_types.sql)") }}
    {%- endif -%}
{%- endmacro %}

{#- Spark: dbt's dateadd to the microsecond, with timestampadd (Spark 3.3+). dbt-spark's
    own goes through whole unix seconds and drops the fraction (every moment the score
    timeline placed between two seconds moved to the next whole second). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, cast({{ from_date_or_timestamp }} as timestamp))
{%- endmacro %}
