{#- How the three incremental event models (int_engagement_events_unioned,
    int_engagement_bot_activity, int_engagement_daily) replace the stored rows a run
    recomputes, on each engine. docs/architecture.md, "Incremental builds".

    DuckDB and PostgreSQL delete them (the union by row_key with delete+insert, the other
    two in a pre-hook), then insert the new rows. Spark's plain parquet tables cannot delete
    a row (only Delta can, and Delta does not install offline): there the models are
    partitioned by UTC day and a run rewrites whole days with `insert_overwrite` (dynamic
    partition overwrite): the model's result is its new rows and, beside them, the stored
    rows of the days it rewrites that it does not replace (rows_kept_in_rewritten_days). A
    day every stored row of which is replaced is dropped first (remove_replaced_rows): the
    run may leave it empty, and insert_overwrite only replaces the days its result holds. -#}

{#- The incremental strategy: `default` (the model's on DuckDB and PostgreSQL), or
    insert_overwrite on Spark. -#}
{% macro engagement_incremental_strategy(default) -%}
    {{ return('insert_overwrite' if target.type == 'spark' else default) }}
{%- endmacro %}

{#- The partitioning: by `day_column` on Spark (the unit a run rewrites); none elsewhere. -#}
{% macro engagement_partition_by(day_column) -%}
    {{ return([day_column] if target.type == 'spark' else none) }}
{%- endmacro %}

{#- A pre-hook: remove the stored rows an incremental run replaces, before it adds the new
    ones. `replaced(since, alias)` is the macro whose SQL condition says which stored rows
    (under `alias`) a run since `since` replaces; since = none replaces every row (the
    model is recomputed from everything). Nothing on a first or full-refresh build, where
    the table is created anew. DuckDB, PostgreSQL: delete them. Spark: drop the days (the
    partitions of `day_column`) every stored row of which is replaced; the other days the
    run rewrites whole. -#}
{% macro remove_replaced_rows(replaced, since, day_column) -%}
    {%- if this is none or not (execute and is_incremental()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type != 'spark' -%}
        delete from {{ this }}
        {%- if since is not none %} where {{ replaced(since, this) }}{% endif -%}
    {%- elif since is none -%}
        truncate table {{ this }}
    {%- else -%}
        {%- set days_replaced_whole -%}
            select distinct replaced_rows.{{ day_column }}
            from {{ this }} as replaced_rows
            where {{ replaced(since, 'replaced_rows') }}
            except
            select distinct other_rows.{{ day_column }}
            from {{ this }} as other_rows
            where not ({{ replaced(since, 'other_rows') }})
        {%- endset -%}
        {%- set days = run_query(days_replaced_whole).columns[0].values() -%}
        {%- if days | length > 0 -%}
            alter table {{ this }} drop if exists
            {%- for day in days %}
                partition ({{ day_column }} = '{{ day }}'){{ ',' if not loop.last }}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The result of an incremental event model: its new rows (the relation `new_rows`) and,
    in a Spark incremental run, beside them the stored rows of the days it rewrites that it
    does not replace (rows_kept_in_rewritten_days). -#}
{% macro rows_written(new_rows, replaced, since, day_column) -%}
    select * from {{ new_rows }}
    {%- if target.type == 'spark' and since is not none %}
    -- Spark rewrites whole days: the other stored rows of the days it rewrites go with them
    union all
    {{ rows_kept_in_rewritten_days(replaced, since, day_column, new_rows) }}
    {%- endif %}
{%- endmacro %}

{#- Spark's incremental runs: the stored rows of the days a run rewrites (the days of its
    new rows, in the relation `new_rows`, and of the stored rows it replaces) that it does
    not replace, to be written again beside the new rows (insert_overwrite replaces whole
    days). Their columns are the table's, in its order (on Spark the partition column is
    last: the models end with it). -#}
{% macro rows_kept_in_rewritten_days(replaced, since, day_column, new_rows) -%}
    select stored.*
    from {{ this }} as stored
    where
        stored.{{ day_column }} in (
            select {{ day_column }} from {{ new_rows }}
            union
            select replaced_rows.{{ day_column }}
            from {{ this }} as replaced_rows
            where {{ replaced(since, 'replaced_rows') }}
        )
        and not ({{ replaced(since, 'stored') }})
{%- endmacro %}

{#- Which stored rows of int_engagement_events_unioned (under `alias`) a run replaces: those
    with a row_key it writes (in the relation `new_rows`). The `replaced` of its Spark
    rows_kept_in_rewritten_days (DuckDB and PostgreSQL: delete+insert on row_key). -#}
{% macro union_rows_replaced(new_rows, alias) -%}
    exists (select 1 from {{ new_rows }} as written where written.row_key = {{ alias }}.row_key)
{%- endmacro %}
