{#- How the three incremental event models (int_engagement_events_unioned,
    int_engagement_daily, int_engagement_bot_activity) are materialized: `incremental` on
    DuckDB and PostgreSQL; on Spark without Delta a full `table` every build, because their
    incremental runs delete rows (delete+insert, or a pre-hook `delete from`), which plain
    parquet tables cannot do (they support only append and insert_overwrite). -#}
{% macro engagement_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
