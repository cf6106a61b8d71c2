-- What adopting a shadow scoring model would change, per pair (live model, shadow model =
-- a scoring model with is_shadow, compared with its shadow_of): of the contacts scored by
-- both now, how many would get another fit grade, another score matrix cell, another
-- sales-ready (MQL-by-score) status, another lifecycle stage; the MQL volume per month
-- either way over the backtest period; and the backtest AUC and top-decile conversion of
-- the lead score either way (score_evaluation, all complete snapshots). The stage a shadow
-- model would give comes from the same ladder as the live one (int_lifecycle_ladder) with
-- the model's own disqualification above it.

{%- set settings = backtest_settings() %}
{%- set period_days = [
    (settings.snapshots - 1) * settings.interval_days, settings.interval_days] | max %}

with

pairs as (

    select
        shadow_of as live_model,
        scoring_model as shadow_model
    from {{ ref('int_scoring_model_config') }}
    where is_shadow and shadow_of is not null

),

scores as (

    select * from {{ ref('scored_contacts') }}

),

disqualified as (

    select * from {{ ref('int_contacts_disqualified') }}

),

current_stages as (

    -- the stage each model puts each contact in now: its disqualification, else the ladder
    select
        ladder.contact_id,
        ladder.scoring_model,
        case when disqualified.contact_id is not null then 'disqualified' else ladder.stage end
            as stage
    from {{ ref('int_lifecycle_ladder') }} as ladder
    left join disqualified
        on
            ladder.contact_id = disqualified.contact_id
            and ladder.scoring_model = disqualified.scoring_model
    where ladder.is_current

),

mql_entries as (

    -- times a contact became an MQL (from prospect or lead) over the backtest period, the
    -- way mql_alerts counts them, for contacts the model does not disqualify
    select
        ladder.scoring_model,
        count(*) as mql_entries
    from {{ ref('int_lifecycle_ladder') }} as ladder
    left join disqualified
        on
            ladder.contact_id = disqualified.contact_id
            and ladder.scoring_model = disqualified.scoring_model
    where
        ladder.stage = 'mql'
        and (ladder.previous_stage is null or ladder.previous_stage in ('prospect', 'lead'))
        and disqualified.contact_id is null
        and ladder.entered_at > {{ first_backtest_snapshot() }}
        and ladder.entered_at <= {{ as_of_timestamp() }}
    group by ladder.scoring_model

),

evaluation as (

    select
        scoring_model,
        auc,
        top_decile_conversion_rate
    from {{ ref('score_evaluation') }}
    where score_name = 'lead_score' and snapshot_at is null

),

changes as (

    select
        pairs.live_model,
        pairs.shadow_model,
        count(*) as contacts,
        sum(case when live.fit_grade != shadow.fit_grade then 1 else 0 end) as grade_changes,
        sum(case when live.score_matrix != shadow.score_matrix then 1 else 0 end)
            as matrix_changes,
        sum(case when live.is_sales_ready != shadow.is_sales_ready then 1 else 0 end)
            as sales_ready_changes,
        sum(case when live_stage.stage != shadow_stage.stage then 1 else 0 end)
            as stage_changes,
        sum(case when shadow.lead_score > live.lead_score then 1 else 0 end) as score_ups,
        sum(case when shadow.lead_score < live.lead_score then 1 else 0 end) as score_downs,
        avg(shadow.lead_score - live.lead_score) as mean_score_change
    from pairs
    inner join scores as live
        on pairs.live_model = live.scoring_model
    inner join scores as shadow
        on
            pairs.shadow_model = shadow.scoring_model
            and live.contact_id = shadow.contact_id
    left join current_stages as live_stage
        on
            live.contact_id = live_stage.contact_id
            and live.scoring_model = live_stage.scoring_model
    left join current_stages as shadow_stage
        on
            shadow.contact_id = shadow_stage.contact_id
            and shadow.scoring_model = shadow_stage.scoring_model
    group by pairs.live_model, pairs.shadow_model

),

final as (

    select
        changes.live_model,
        changes.shadow_model,
        cast(changes.contacts as {{ dbt.type_bigint() }}) as contacts,
        cast(changes.grade_changes as {{ dbt.type_bigint() }}) as grade_changes,
        cast(changes.matrix_changes as {{ dbt.type_bigint() }}) as matrix_changes,
        cast(changes.sales_ready_changes as {{ dbt.type_bigint() }}) as sales_ready_changes,
        cast(changes.stage_changes as {{ dbt.type_bigint() }}) as stage_changes,
        cast(changes.score_ups as {{ dbt.type_bigint() }}) as score_ups,
        cast(changes.score_downs as {{ dbt.type_bigint() }}) as score_downs,
        cast(changes.mean_score_change as {{ type_double() }}) as mean_score_change,
        cast(
            coalesce(live_mqls.mql_entries, 0) * 30.0
            / {{ period_days }}.0
            as {{ type_double() }}
        ) as live_mqls_per_month,
        cast(
            coalesce(shadow_mqls.mql_entries, 0) * 30.0
            / {{ period_days }}.0
            as {{ type_double() }}
        ) as shadow_mqls_per_month,
        cast(live_evaluation.auc as {{ type_double() }}) as live_auc,
        cast(shadow_evaluation.auc as {{ type_double() }}) as shadow_auc,
        cast(live_evaluation.top_decile_conversion_rate as {{ type_double() }})
            as live_top_decile_conversion_rate,
        cast(shadow_evaluation.top_decile_conversion_rate as {{ type_double() }})
            as shadow_top_decile_conversion_rate,
        {{ build_columns() }}
    from changes
    left join mql_entries as live_mqls
        on changes.live_model = live_mqls.scoring_model
    left join mql_entries as shadow_mqls
        on changes.shadow_model = shadow_mqls.scoring_model
    left join evaluation as live_evaluation
        on changes.live_model = live_evaluation.scoring_model
    left join evaluation as shadow_evaluation
        on changes.shadow_model = shadow_evaluation.scoring_model

)

select * from final
