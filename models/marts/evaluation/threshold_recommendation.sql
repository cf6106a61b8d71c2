-- The lead and MQL thresholds the backtest recommends per scoring model, for the targets
-- the sales team sets in seed scoring_settings, beside the current ones, with the figures
-- at both. Never applied by itself: the thresholds change only when someone edits
-- lead_threshold / mql_threshold.
--   MQL threshold: the lowest candidate threshold (0-100 in steps of 5,
--     threshold_tradeoff) whose MQLs convert at least target_min_precision (0 = no target)
--     and that sends at most target_monthly_mql_capacity new MQLs a month (0 = no limit);
--     the lowest, because it misses the fewest buyers (highest recall) within the targets.
--   Lead threshold: the lowest threshold below that whose contacts convert at least
--     target_lead_lift times the average contact.

{%- set settings = backtest_settings() %}

with

tradeoff as (

    select * from {{ ref('threshold_tradeoff') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

base_rates as (

    -- threshold 0 holds every contact-snapshot
    select
        scoring_model,
        precision as base_rate
    from tradeoff
    where threshold = 0

),

candidates as (

    select
        tradeoff.*,
        tradeoff.new_contacts_per_snapshot * 30.0 / {{ settings.interval_days }}
            as new_contacts_per_month,
        model_config.lead_threshold as current_lead_threshold,
        model_config.mql_threshold as current_mql_threshold,
        model_config.target_min_precision,
        model_config.target_monthly_mql_capacity,
        model_config.target_lead_lift,
        base_rates.base_rate
    from tradeoff
    inner join model_config
        on tradeoff.scoring_model = model_config.scoring_model
    inner join base_rates
        on tradeoff.scoring_model = base_rates.scoring_model

),

mql_choice as (

    select
        scoring_model,
        min(threshold) as recommended_mql_threshold
    from candidates
    where
        threshold > 0
        and contacts_at_or_above > 0
        and (target_min_precision <= 0 or precision >= target_min_precision)
        and (
            target_monthly_mql_capacity <= 0
            or new_contacts_per_month <= target_monthly_mql_capacity
        )
    group by scoring_model

),

lead_choice as (

    select
        candidates.scoring_model,
        min(candidates.threshold) as recommended_lead_threshold
    from candidates
    inner join mql_choice
        on candidates.scoring_model = mql_choice.scoring_model
    where
        candidates.threshold > 0
        and candidates.threshold < mql_choice.recommended_mql_threshold
        and candidates.precision >= candidates.target_lead_lift * candidates.base_rate
    group by candidates.scoring_model

),

figures as (

    select
        scoring_model,
        threshold,
        precision,
        recall,
        new_contacts_per_month
    from candidates

),

final as (

    select
        model_config.scoring_model,
        model_config.mql_threshold as current_mql_threshold,
        mql_choice.recommended_mql_threshold,
        current_mql.precision as current_mql_precision,
        recommended_mql.precision as recommended_mql_precision,
        current_mql.recall as current_mql_recall,
        recommended_mql.recall as recommended_mql_recall,
        cast(current_mql.new_contacts_per_month as {{ type_double() }})
            as current_mqls_per_month,
        cast(recommended_mql.new_contacts_per_month as {{ type_double() }})
            as recommended_mqls_per_month,
        model_config.lead_threshold as current_lead_threshold,
        lead_choice.recommended_lead_threshold,
        model_config.target_min_precision,
        model_config.target_monthly_mql_capacity,
        model_config.target_lead_lift,
        case
            when mql_choice.recommended_mql_threshold is null
                then
                    'no threshold meets the targets on this history: lower target_min_precision'
                    || ' or raise target_monthly_mql_capacity'
            when mql_choice.recommended_mql_threshold = model_config.mql_threshold
                then 'the current MQL threshold is the one the targets ask for'
            when mql_choice.recommended_mql_threshold < model_config.mql_threshold
                then 'a lower MQL threshold still meets the targets and misses fewer buyers'
            else 'the current MQL threshold sends sales contacts below the targets'
        end as recommendation,
        {{ build_columns() }}
    from model_config
    left join mql_choice
        on model_config.scoring_model = mql_choice.scoring_model
    left join lead_choice
        on model_config.scoring_model = lead_choice.scoring_model
    left join figures as current_mql
        on
            model_config.scoring_model = current_mql.scoring_model
            and model_config.mql_threshold = current_mql.threshold
    left join figures as recommended_mql
        on
            model_config.scoring_model = recommended_mql.scoring_model
            and mql_choice.recommended_mql_threshold = recommended_mql.threshold

)

select * from final
