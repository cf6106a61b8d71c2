{#- on-run-end: publish this build to the readers' copy, or say why not.

    A build is published only when all of this holds, else nothing is published and the
    readers keep the previous copy untouched:
      * the command is `dbt build` (so the data tests and unit tests ran),
      * every node of the invocation passed (warnings allowed; an error, a failed test or
        a skipped node refuses), which includes the circuit breaker (publish_checks),
      * every published relation (models in schema `marts`) was rebuilt in this
        invocation, except those tagged `evaluation`, which may be left out of a build
        (`--exclude tag:evaluation`) and are then carried over from the previous publish
        with their own build_id.
    Publishing writes a new database file next to the published copy, copies every
    published relation into it, stamps publish_log.published_at, and renames it over the
    copy: one atomic step. A kill at any moment leaves the previous copy as it was. -#}
{% macro publish_build(results) -%}
    {{ return(adapter.dispatch('publish_build', 'lead_scoring')(results)) }}
{%- endmacro %}

{% macro default__publish_build(results) -%}
    {{ return('') }}
{%- endmacro %}

{#- The models that make up a publish, from the graph: [(node, is_required)]. -#}
{% macro published_models() -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.config.enabled
            and node.config.schema == 'marts' -%}
            {%- do found.append((node, 'evaluation' not in node.tags)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | sort(attribute='0.name')) }}
{%- endmacro %}

{#- What a publish of this invocation would be: none when it touched no published model
    (seeds, tests, docs, compile: nothing that could be published); otherwise
    {problems: why it may not publish (publish_problems; empty = publish), stays: the
    sentence saying what readers keep (`copy_name` names the published copy), sources:
    [(alias, relation)] to copy: the relation this build wrote, or, for an evaluation model
    left out of the build, the previously published one}. -#}
{% macro publish_plan(results, copy_name) -%}
    {%- set statuses = {} -%}
    {%- set names = {} -%}
    {%- for result in results -%}
        {%- do statuses.update({result.node.unique_id: result.status | string}) -%}
        {%- do names.update({result.node.unique_id: result.node.name}) -%}
    {%- endfor -%}
    {%- set models = published_models() -%}
    {%- set touched = [] -%}
    {%- for node, is_required in models if node.unique_id in statuses -%}
        {%- do touched.append(node.name) -%}
    {%- endfor -%}
    {%- if touched | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set previous = published_relation('publish_log') -%}
    {%- set live = none -%}
    {%- if previous is not none -%}
        {%- set rows = run_query(
            "select max(build_id), max(as_of) from " ~ previous ~ " where is_live") -%}
        {%- set live = rows.rows[0] -%}
    {%- endif -%}
    {%- set stays = copy_name ~ (
        " stays at build " ~ live[0] ~ " (as of " ~ live[1] ~ ")." if live is not none and live[0]
        else " was not created (nothing has been published yet).") -%}
    {%- set problems = publish_problems(statuses, names, models) -%}
    {%- set sources = [] -%}
    {%- if not problems -%}
        {%- for node, is_required in models -%}
            {%- if statuses.get(node.unique_id) == 'success' -%}
                {%- set source_relation = adapter.get_relation(
                    database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- else -%}
                {%- set source_relation = published_relation(node.alias) -%}
            {%- endif -%}
            {%- if source_relation is not none -%}
                {%- do sources.append((node.alias, source_relation)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({'problems': problems, 'stays': stays, 'sources': sources}) }}
{%- endmacro %}

{#- The publish plan (publish_plan) when this invocation may publish; none when it has
    nothing to publish, or may not, after saying why (`NOT PUBLISHED: ...` and what the
    readers keep). Every engine's publish_build starts here. -#}
{% macro approved_publish_plan(results, copy_name) -%}
    {%- set plan = publish_plan(results, copy_name) -%}
    {%- if plan is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if plan.problems -%}
        {{ log("NOT PUBLISHED: " ~ (plan.problems | join('; ')) ~ ". " ~ plan.stays, info=True) }}
        {{ return(none) }}
    {%- endif -%}
    {{ return(plan) }}
{%- endmacro %}

{% macro duckdb__publish_build(results) -%}
    {%- if not execute or target.path | string == ':memory:' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set path = published_copy_path() -%}
    {%- set plan = approved_publish_plan(results, "The published copy " ~ path) -%}
    {%- if plan is none -%}
        {{ return('') }}
    {%- endif -%}

    {#- write the new copy beside the old one, then swap it in with one rename -#}
    {%- set staging_path = path ~ '.' ~ invocation_id ~ '.tmp' -%}
    {%- set leftovers = run_query("select file from glob(" ~ sql_literal(path ~ '.*.tmp') ~ ")") -%}
    {%- for leftover in leftovers.columns[0].values() -%}
        {%- do run_query("select leadscore_remove_file(" ~ sql_literal(leftover) ~ ")") -%}
    {%- endfor -%}
    {%- do run_query("attach " ~ sql_literal(staging_path) ~ " as leadscore_publishing") -%}
    {%- do run_query("create schema leadscore_publishing.marts") -%}
    {%- for alias, source_relation in plan.sources -%}
        {%- do run_query("create table leadscore_publishing.marts." ~ adapter.quote(alias)
            ~ " as select * from " ~ source_relation) -%}
    {%- endfor -%}
    {%- do run_query("update leadscore_publishing.marts.publish_log set published_at = "
        ~ "cast(now() as timestamp) where build_id = '" ~ invocation_id ~ "'") -%}
    {%- do run_query("detach leadscore_publishing") -%}
    {%- do run_query("detach database if exists " ~ published_copy_alias()) -%}
    {%- do run_query("select leadscore_replace_file(" ~ sql_literal(staging_path) ~ ", "
        ~ sql_literal(path) ~ ")") -%}
    {{ log_published(plan, path) }}
    {{ return('') }}
{%- endmacro %}

{#- Why this invocation may not publish (the rules in the header above), as a list of
    sentences; empty = publish. -#}
{% macro publish_problems(statuses, names, models) -%}
    {%- set problems = [] -%}
    {%- if flags.WHICH != 'build' -%}
        {%- do problems.append("`dbt " ~ flags.WHICH ~ "` does not run the data tests; only a"
            ~ " `dbt build` whose every model and test passes is published") -%}
    {%- endif -%}
    {%- set failed = [] -%}
    {%- set skipped = [] -%}
    {%- for unique_id, status in statuses.items() -%}
        {%- if status in ('error', 'fail', 'runtime error') -%}
            {%- do failed.append(names[unique_id] ~ ' (' ~ status ~ ')') -%}
        {%- elif status == 'skipped' -%}
            {%- do skipped.append(names[unique_id]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if failed or skipped -%}
        {%- do problems.append(
            (failed | length ~ " node(s) failed: " ~ (failed[:5] | join(', '))
             ~ (', …' if failed | length > 5 else '') if failed else "")
            ~ ("; " if failed and skipped else "")
            ~ (skipped | length ~ " node(s) skipped" if skipped else "")) -%}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for node, is_required in models -%}
        {%- if is_required and statuses.get(node.unique_id) != 'success' -%}
            {%- do missing.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing and not (failed or skipped) -%}
        {%- do problems.append("this build did not rebuild " ~ (missing | join(', '))
            ~ " (a publish needs every mart of one `dbt build`)") -%}
    {%- endif -%}
    {{ return(problems) }}
{%- endmacro %}

{#- PostgreSQL: the published copy is the schema published_schema() (`marts_published`) of
    the same database. Same refusal rules as on DuckDB. Publishing copies every published
    relation into a fresh schema (`marts_published__new`), stamps publish_log there, then
    swaps it in with one transaction: drop the old published schema, rename the new one
    into its place (PostgreSQL's DDL is transactional). A reader sees the previous publish
    until the commit and the new one after it (a query running at the commit finishes on
    the old tables first: the drop waits for its lock); a failure or a kill before the
    commit leaves the previous publish as it was. -#}
{% macro postgres__publish_build(results) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set published = published_schema() -%}
    {%- set plan = approved_publish_plan(results, "The published schema " ~ published) -%}
    {%- if plan is none -%}
        {{ return('') }}
    {%- endif -%}

    {%- set fresh = adapter.quote(published ~ '__new') -%}
    {%- set retired = adapter.quote(published ~ '__old') -%}
    {%- do run_query("drop schema if exists " ~ fresh ~ " cascade; create schema " ~ fresh
        ~ "; commit;") -%}
    {%- for alias, source_relation in plan.sources -%}
        {%- do run_query("create table " ~ fresh ~ "." ~ adapter.quote(alias)
            ~ " as select * from " ~ source_relation) -%}
    {%- endfor -%}
    {%- do run_query("update " ~ fresh ~ ".publish_log set published_at = "
        ~ "cast(now() at time zone 'UTC' as timestamp) where build_id = '" ~ invocation_id
        ~ "'; commit;") -%}
    {%- set exists = adapter.check_schema_exists(target.database, published) -%}
    {%- do run_query("begin; drop schema if exists " ~ retired ~ " cascade; "
        ~ ("alter schema " ~ adapter.quote(published) ~ " rename to " ~ retired ~ "; "
           if exists else "")
        ~ "alter schema " ~ fresh ~ " rename to " ~ adapter.quote(published) ~ "; "
        ~ "drop schema if exists " ~ retired ~ " cascade; commit;") -%}
    {{ log_published(plan, "schema " ~ published) }}
    {{ return('') }}
{%- endmacro %}

{#- Spark: the published copy is the database published_schema() (`marts_published`),
    which holds one view per published relation. Spark has no transactional DDL and plain
    parquet tables cannot be swapped in place, so publishing copies every published
    relation into a new versioned database (`marts_published__v<run start>_<build id>`,
    publish_log with its published_at stamped as it is copied), then repoints the views
    of `marts_published` at it, one `create or replace view` each (a metastore update, a
    few milliseconds). Each view always reads one complete, checked build; a reader that
    reads two relations during the repointing may get two consecutive builds (publish_log
    says which). A failure before the views are repointed leaves the previous publish as
    it was. The previous version stays (a reader may still be reading it), older ones are
    dropped. Same refusal rules as on DuckDB. -#}
{% macro spark__publish_build(results) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set published = published_schema() -%}
    {%- set plan = approved_publish_plan(results, "The published database " ~ published) -%}
    {%- if plan is none -%}
        {{ return('') }}
    {%- endif -%}

    {%- set version_prefix = published ~ '__v' -%}
    {%- set version = version_prefix ~ run_started_at.strftime('%Y%m%d%H%M%S') ~ '_'
        ~ (invocation_id | replace('-', '') | truncate(12, true, '')) -%}
    {%- do run_query("create database if not exists " ~ version) -%}
    {%- for alias, source_relation in plan.sources -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(source_relation) -%}
            {%- if alias == 'publish_log' and column.name == 'published_at' -%}
                {%- do columns.append("case when build_id = '" ~ invocation_id
                    ~ "' then cast(current_timestamp() as timestamp) else published_at end"
                    ~ " as published_at") -%}
            {%- else -%}
                {%- do columns.append(adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do run_query("create table " ~ version ~ "." ~ adapter.quote(alias)
            ~ " using parquet as select " ~ (columns | join(', ')) ~ " from " ~ source_relation) -%}
    {%- endfor -%}
    {%- do run_query("create database if not exists " ~ published) -%}
    {%- for alias, source_relation in plan.sources -%}
        {%- do run_query("create or replace view " ~ published ~ "." ~ adapter.quote(alias)
            ~ " as select * from " ~ version ~ "." ~ adapter.quote(alias)) -%}
    {%- endfor -%}
    {%- set versions = run_query("show databases like '" ~ version_prefix ~ "*'") -%}
    {%- set names = versions.columns[0].values() | map('string') | sort | reverse | list -%}
    {%- for old in names[2:] -%}
        {%- do run_query("drop database if exists " ~ old ~ " cascade") -%}
    {%- endfor -%}
    {{ log_published(plan, "database " ~ published ~ " (views on " ~ version ~ ")") }}
    {{ return('') }}
{%- endmacro %}

{#- The line a successful publication logs (every engine): which build, as of when, how many
    relations, where to. -#}
{% macro log_published(plan, destination) -%}
    {{ log("PUBLISHED build " ~ invocation_id ~ " (as of "
        ~ (as_of_text() or run_started_text() ~ ", now") ~ ", "
        ~ plan.sources | length ~ " relations) to " ~ destination, info=True) }}
{%- endmacro %}
