-- One row per scoring model: its product line, category caps, thresholds and the
-- version hash of every seed that can change its scores. Caps and settings written for
-- `default` apply to every model unless the model has its own row.

{%- set settings = [
    'lead_threshold', 'mql_threshold', 'fit_grade_a_min', 'fit_grade_b_min',
    'fit_grade_c_min', 'engagement_tier_1_min', 'engagement_tier_2_min',
    'bot_click_max_seconds', 'bot_page_views_per_minute', 'bot_page_views_per_hour',
    'job_seeker_careers_views',
    'job_seeker_careers_share', 'top_reasons_count', 'hand_raisers_reach_mql',
    'hand_raiser_mql_hold_days', 'mql_response_sla_minutes', 'alert_touchpoints_count',
    'intent_lookback_days', 'account_top_contacts_count', 'account_engagement_max_points',
    'engaged_contact_min_engagement', 'min_mql_to_sql_rate',
    'publish_max_raw_shrink_share', 'publish_max_deleted_share', 'publish_max_changed_share',
    'audit_min_contacts', 'target_min_precision', 'target_monthly_mql_capacity',
    'target_lead_lift',
] %}
{%- set version_inputs = {
    'scoring_rules': "rule_id, category, signal, match_type, match_value, points, max_points,"
        ~ " half_life_days, count_min, count_max",
    'score_caps': "category, min_points, max_points",
    'scoring_settings': "setting, value",
    'disqualification_rules': "reason_code, priority, is_enabled",
} %}
{%- set global_inputs = {
    'excluded_industries': "industry",
    'competitor_domains': "domain",
    'own_company_domains': "domain",
    'personal_email_domains': "domain",
    'junk_name_values': "name_value",
    'title_keywords': "keyword, seniority, department, priority",
    'company_size_bands': "company_size_band, min_employees, max_employees",
    'event_type_map': "source_table, raw_value, event_type",
} %}

with

models as (

    select
        {{ normalize_key('scoring_model') }} as scoring_model,
        {{ normalize_key('product_line') }} as product_line,
        coalesce(is_shadow, false) as is_shadow,
        nullif({{ normalize_key('shadow_of') }}, '') as shadow_of
    from {{ ref('scoring_models') }}

),

caps as (

    select
        {{ normalize_key('scoring_model') }} as scoring_model,
        {{ normalize_key('category') }} as category,
        min_points,
        max_points
    from {{ ref('score_caps') }}

),

settings as (

    select
        {{ normalize_key('scoring_model') }} as scoring_model,
        {{ normalize_key('setting') }} as setting,
        value
    from {{ ref('scoring_settings') }}

),

caps_effective as (

    {{ rows_for_each_model(
        'models', 'caps', 'category', ['category', 'min_points', 'max_points']) }}

),

settings_effective as (

    {{ rows_for_each_model('models', 'settings', 'setting', ['setting', 'value']) }}

),

caps_pivoted as (

    select
        {% for category in ['fit', 'engagement', 'total'] %}
            max(case when category = '{{ category }}' then min_points end)
                as {{ category }}_min_points,
            max(case when category = '{{ category }}' then max_points end)
                as {{ category }}_max_points,
        {% endfor %}
        scoring_model
    from caps_effective
    group by scoring_model

),

settings_pivoted as (

    select
        {% for setting in settings %}
            max(case when setting = '{{ setting }}' then value end) as {{ setting }},
        {% endfor %}
        scoring_model
    from settings_effective
    group by scoring_model

),

-- Every configuration row that can change a model's scores, as text: the model's own and
-- `default` rows of the per-model seeds, and every row of the shared lists.
config_rows as (

    {% for seed_name, columns in version_inputs.items() %}
        select
            {{ normalize_key('scoring_model') }} as scoring_model,
            '{{ seed_name }}:' || {{ row_text(columns) }} as row_value
        from {{ ref(seed_name) }}
        union all
    {% endfor %}
    {% for seed_name, columns in global_inputs.items() %}
        select
            cast(null as {{ dbt.type_string() }}) as scoring_model,
            '{{ seed_name }}:' || {{ row_text(columns) }} as row_value
        from {{ ref(seed_name) }}
        {{ "union all" if not loop.last }}
    {% endfor %}

),

config_versions as (

    select
        models.scoring_model,
        {{ dbt.hash(dbt.listagg(
            "coalesce(config_rows.scoring_model, '*') || '|' || config_rows.row_value",
            "'#'",
            "order by coalesce(config_rows.scoring_model, '*'), config_rows.row_value"
        )) }} as scoring_config_version
    from models
    inner join config_rows
        on
            config_rows.scoring_model is null
            or config_rows.scoring_model in (models.scoring_model, 'default')
    group by models.scoring_model

),

final as (

    select
        models.scoring_model,
        models.product_line,
        models.is_shadow,
        models.shadow_of,
        caps_pivoted.fit_min_points,
        caps_pivoted.fit_max_points,
        caps_pivoted.engagement_min_points,
        caps_pivoted.engagement_max_points,
        caps_pivoted.total_min_points,
        caps_pivoted.total_max_points,
        {% for setting in settings %}
            settings_pivoted.{{ setting }},
        {% endfor %}
        config_versions.scoring_config_version
    from models
    left join caps_pivoted
        on models.scoring_model = caps_pivoted.scoring_model
    left join settings_pivoted
        on models.scoring_model = settings_pivoted.scoring_model
    left join config_versions
        on models.scoring_model = config_versions.scoring_model

)

select * from final
