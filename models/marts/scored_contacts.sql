-- The scored-contact mart: one row per contact and scoring model, as of the scoring date.
-- fit_score and engagement_score are, per category, the positive points of
-- int_score_components within the category's cap, plus its penalties (a penalty is never
-- swallowed by a cap), kept at or above the category's minimum; lead_score is their sum
-- within the total bounds, or 0 for a disqualified contact (who keeps the components for
-- audit). Grades, tier and the sales-ready flag come from the thresholds of the seed
-- scoring_settings (macros in score_fields.sql). top_reasons: the largest contributions,
-- and every penalty beyond them.

with

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

disqualified as (

    select * from {{ ref('int_contacts_disqualified') }}

),

scorable_contacts as (

    select
        contact_id,
        account_id
    from contacts
    where {{ contact_exists_at('created_at') }}

),

category_points as (

    select
        contact_id,
        scoring_model,
        {{ positive_sum('points_after_cap', "category = 'fit'") }} as fit_positive_points,
        {{ penalty_sum('points_after_cap', "category = 'fit'") }} as fit_penalty_points,
        {{ positive_sum('points_after_cap', "category = 'engagement'") }}
            as engagement_positive_points,
        {{ penalty_sum('points_after_cap', "category = 'engagement'") }}
            as engagement_penalty_points
    from components
    group by contact_id, scoring_model

),

reasons_ranked as (

    select
        contact_id,
        scoring_model,
        reason_text || ' ('
        || case when points_after_cap > 0 then '+' else '' end
        || cast(
            cast({{ round_to('points_after_cap') }} as {{ dbt.type_int() }})
            as {{ dbt.type_string() }}
        )
        || ')' as reason_label,
        points_after_cap < 0 as is_penalty,
        row_number() over (
            partition by contact_id, scoring_model
            order by abs(points_after_cap) desc, rule_id
        ) as reason_rank
    from components
    where {{ round_to('points_after_cap') }} != 0 or points_after_cap < 0

),

top_reasons as (

    select
        reasons_ranked.contact_id,
        reasons_ranked.scoring_model,
        {{ dbt.listagg(
            'reasons_ranked.reason_label', "'; '", 'order by reasons_ranked.reason_rank'
        ) }} as top_reasons
    from reasons_ranked
    inner join model_config
        on reasons_ranked.scoring_model = model_config.scoring_model
    -- the largest reasons, and every penalty beyond them (a penalty is always explained)
    where
        reasons_ranked.reason_rank <= model_config.top_reasons_count
        or reasons_ranked.is_penalty
    group by reasons_ranked.contact_id, reasons_ranked.scoring_model

),

scored as (

    select
        scorable_contacts.contact_id,
        model_config.scoring_model,
        scorable_contacts.account_id,
        {{ bounded_scores(
            'category_points.fit_positive_points', 'category_points.fit_penalty_points',
            'category_points.engagement_positive_points',
            'category_points.engagement_penalty_points') }},
        disqualified.contact_id is not null as is_disqualified,
        disqualified.disqualification_reason,
        top_reasons.top_reasons,
        model_config.is_shadow,
        model_config.scoring_config_version
    from scorable_contacts
    cross join model_config
    left join category_points
        on
            scorable_contacts.contact_id = category_points.contact_id
            and model_config.scoring_model = category_points.scoring_model
    left join top_reasons
        on
            scorable_contacts.contact_id = top_reasons.contact_id
            and model_config.scoring_model = top_reasons.scoring_model
    left join disqualified
        on
            scorable_contacts.contact_id = disqualified.contact_id
            and model_config.scoring_model = disqualified.scoring_model

),

graded as (

    select
        scored.*,
        {{ graded_scores('scored.is_disqualified') }}
    from scored
    inner join model_config
        on scored.scoring_model = model_config.scoring_model

),

final as (

    select
        contact_id,
        scoring_model,
        account_id,
        cast(fit_score as decimal(7, 2)) as fit_score,
        cast(engagement_score as decimal(7, 2)) as engagement_score,
        cast(lead_score as decimal(7, 2)) as lead_score,
        fit_grade,
        engagement_tier,
        fit_grade || cast(engagement_tier as {{ dbt.type_string() }}) as score_matrix,
        is_disqualified,
        disqualification_reason,
        is_sales_ready,
        case
            when is_disqualified
                then
                    'Disqualified: ' || replace(disqualification_reason, '_', ' ')
                    || coalesce('. ' || top_reasons, '')
            else coalesce(top_reasons, 'No scoring activity yet')
        end as top_reasons,
        is_shadow,
        scoring_config_version,
        {{ build_columns() }}
    from graded

)

select * from final
