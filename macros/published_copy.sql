{#- The published copy: what BI tools and the reverse-ETL tool read (README: "Publishing").
    On DuckDB it is a separate database file beside the build warehouse, replaced in one
    atomic step by publish_build() after a `dbt build` whose every node passed, so a
    running build never blocks a reader and a reader never blocks a build. During a build
    it is attached read-only as `leadscore_published`, so that the models that carry state
    from one publish to the next (crm_score_sync, contact_lifecycle_snapshot, publish_log)
    and the circuit breaker (publish_checks) compare with what was last published. -#}

{#- Path of the published copy: env LEADSCORE_PUBLISHED_PATH, else the build warehouse's
    path with `_published` before `.duckdb` (warehouse/lead_scoring_published.duckdb). -#}
{% macro published_copy_path() -%}
    {%- set path = env_var('LEADSCORE_PUBLISHED_PATH', '') | trim -%}
    {%- if path == '' -%}
        {%- set build_path = target.path | string -%}
        {%- if build_path.endswith('.duckdb') -%}
            {%- set path = build_path[:-7] ~ '_published.duckdb' -%}
        {%- else -%}
            {%- set path = build_path ~ '_published.duckdb' -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}

{#- The name the published copy is attached under during a build. -#}
{% macro published_copy_alias() -%}
    {{ return('leadscore_published') }}
{%- endmacro %}

{#- on-run-start: attach the published copy read-only when there is one (a first build has
    none: then every comparison is with nothing). -#}
{% macro attach_published_copy() -%}
    {{ return(adapter.dispatch('attach_published_copy', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__attach_published_copy() -%}
    {{ exceptions.raise_compiler_error(
        "publishing is implemented for DuckDB only so far (target type " ~ target.type ~ ")") }}
{%- endmacro %}

{% macro duckdb__attach_published_copy() -%}
    {%- if execute and target.path | string != ':memory:' -%}
        {%- set path = published_copy_path() -%}
        {%- set found = run_query("select count(*) from glob(" ~ sql_literal(path) ~ ")") -%}
        {%- do run_query("detach database if exists " ~ published_copy_alias()) -%}
        {%- if found.columns[0].values()[0] > 0 -%}
            {%- do run_query(
                "attach " ~ sql_literal(path) ~ " as " ~ published_copy_alias() ~ " (read_only)") -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- On PostgreSQL the published copy is a schema of the same database (published_schema),
    replaced in one transaction by postgres__publish_build: nothing to attach. -#}
{% macro postgres__attach_published_copy() -%}
    {{ return('') }}
{%- endmacro %}

{#- On Spark too the published copy is a database (published_schema) beside the built ones,
    replaced by spark__publish_build: nothing to attach. -#}
{% macro spark__attach_published_copy() -%}
    {{ return('') }}
{%- endmacro %}

{#- PostgreSQL and Spark: the schema (database) readers read, `<prefix>marts_published`. -#}
{% macro published_schema() -%}
    {{ return(schema_prefix() ~ 'marts_published') }}
{%- endmacro %}

{#- The published relation `marts.<identifier>` of the last publish, or none (nothing
    published yet, or not at execution time). -#}
{% macro published_relation(identifier) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if target.type in ('postgres', 'spark') -%}
        {{ return(adapter.get_relation(
            database=target.database, schema=published_schema(), identifier=identifier)) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=published_copy_alias(), schema='marts', identifier=identifier)) }}
{%- endmacro %}

{#- A text value as a SQL string literal (single quotes doubled). -#}
{% macro sql_literal(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- True when this build may publish although the circuit breaker trips (var
    allow_mass_change: true, 1 or yes). -#}
{% macro is_mass_change_allowed() -%}
    {{ return((var('allow_mass_change', false) | string | lower) in ('true', '1', 'yes')) }}
{%- endmacro %}
