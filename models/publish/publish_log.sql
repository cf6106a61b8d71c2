-- Which build is live in the published copy, when it was published and what it published:
-- one row per build and relation (the raw inputs it read and the marts it published, with
-- their row counts), this build's rows on top of every earlier publish's rows (carried
-- over from the published copy). publish_build() stamps published_at when it swaps the
-- copy in; in the build warehouse this table is the candidate (published_at empty).
-- Evaluation marts (tag `evaluation`) left out of a build are carried over from the last
-- publish with their own build id (relation_build_id).
-- depends_on: {{ ref('score_backtest') }}
-- depends_on: {{ ref('score_evaluation') }}
-- depends_on: {{ ref('score_band_conversion') }}
-- depends_on: {{ ref('scoring_rule_audit') }}
-- depends_on: {{ ref('threshold_tradeoff') }}
-- depends_on: {{ ref('threshold_recommendation') }}
-- depends_on: {{ ref('scoring_model_comparison') }}
{%- set marts = [
    'scored_contacts', 'contact_lifecycle', 'lifecycle_stage_history', 'mql_alerts',
    'account_scores', 'funnel_conversion', 'crm_score_sync', 'contact_lifecycle_snapshot',
    'publish_checks',
] %}
{#- built by this run when selected, else carried over from the last publish -#}
{%- set evaluation_marts = [
    'score_backtest', 'score_evaluation', 'score_band_conversion', 'scoring_rule_audit',
    'threshold_tradeoff', 'threshold_recommendation', 'scoring_model_comparison',
] %}
{%- set previous_log = published_relation('publish_log') %}
{%- set allow_mass_change = is_mass_change_allowed() %}

with

checks as (

    select * from {{ ref('publish_checks') }}

),

overrides as (

    select
        {{ dbt.listagg("check_name || ' on ' || relation_name", "', '",
            "order by check_name, relation_name") }} as overridden_checks
    from checks
    where status = 'overridden'

),

this_build as (

    {% for mart in marts %}
        select
            'mart' as relation_kind,
            'marts.{{ mart }}' as relation_name,
            count(*) as row_count,
            max(build_id) as relation_build_id
        from {{ ref(mart) }}
        union all
    {% endfor %}
    {% for mart in evaluation_marts %}
        {%- set built = execute and ('model.' ~ project_name ~ '.' ~ mart) in selected_resources %}
        {%- set carried = none if built else published_relation(mart) %}
        {% if built or carried is not none %}
            select
                'mart' as relation_kind,
                'marts.{{ mart }}' as relation_name,
                count(*) as row_count,
                max(build_id) as relation_build_id
            from {{ ref(mart) if built else carried }}
            union all
        {% endif %}
    {% endfor %}
    select
        'raw_input' as relation_kind,
        relation_name,
        current_value as row_count,
        build_id as relation_build_id
    from checks
    where check_name = 'raw_table_shrink'

),

this_build_rows as (

    select
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as build_id,
        this_build.relation_kind,
        this_build.relation_name,
        cast(this_build.row_count as {{ dbt.type_bigint() }}) as row_count,
        coalesce(this_build.relation_build_id, '{{ invocation_id }}') as relation_build_id,
        {{ as_of_timestamp() }} as as_of,
        {{ run_started_timestamp() }} as build_started_at,
        cast(null as {{ dbt.type_timestamp() }}) as published_at,
        true as is_live,
        {{ 'true' if allow_mass_change else 'false' }} as is_mass_change_allowed,
        overrides.overridden_checks
    from this_build
    cross join overrides

),

earlier_rows as (

    {% if previous_log is not none %}
        select
            build_id,
            relation_kind,
            relation_name,
            row_count,
            relation_build_id,
            as_of,
            build_started_at,
            published_at,
            false as is_live,
            is_mass_change_allowed,
            overridden_checks
        from {{ previous_log }}
        where build_id != '{{ invocation_id }}'
    {% else %}
        select
            build_id,
            relation_kind,
            relation_name,
            row_count,
            relation_build_id,
            as_of,
            build_started_at,
            published_at,
            is_live,
            is_mass_change_allowed,
            overridden_checks
        from this_build_rows
        where 1 = 0
    {% endif %}

),

all_rows as (

    select * from this_build_rows
    union all
    select * from earlier_rows

),

final as (

    select
        build_id,
        relation_kind,
        relation_name,
        row_count,
        relation_build_id,
        as_of,
        build_started_at,
        published_at,
        is_live,
        is_mass_change_allowed,
        overridden_checks
    from all_rows

)

select * from final
