-- The point-in-time backtest: one row per contact, scoring model and snapshot with the
-- score the contact had at the snapshot (only events and CRM facts up to it; the rules and
-- arithmetic of scored_contacts: macros engagement_components, contact_disqualification,
-- bounded_scores, graded_scores), the lifecycle stage it was in, and what happened after:
-- whether it converted within the outcome window (backtest_outcome: a won opportunity
-- closed in it, or an opportunity created in it; a product-line model counts only its own
-- product line) and when. Contacts created after a snapshot, and customers at it, are not
-- in that snapshot. The last snapshot is at as_of: its scores are scored_contacts' scores.

{%- set settings = backtest_settings() %}

with

backtested as (

    select * from {{ ref('int_backtest_contacts') }}

),

snapshots as (

    select * from {{ ref('int_backtest_snapshots') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

fit_points as (

    -- who the contact is: the CRM's current values, the same at every snapshot
    select
        contact_id,
        scoring_model,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from {{ ref('int_score_components') }}
    where category = 'fit'
    group by contact_id, scoring_model

),

engagement_points as (

    select
        contact_id,
        snapshot_number,
        scoring_model,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from {{ ref('int_score_backtest_components') }}
    group by contact_id, snapshot_number, scoring_model

),

disqualified as (

    select * from {{ ref('int_backtest_disqualified') }}

),

ladder as (

    select * from {{ ref('int_lifecycle_ladder') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_resolved') }}

),

scored as (

    select
        backtested.contact_id,
        model_config.scoring_model,
        backtested.snapshot_number,
        backtested.snapshot_at,
        {{ bounded_scores(
            'fit_points.positive_points', 'fit_points.penalty_points',
            'engagement_points.positive_points', 'engagement_points.penalty_points') }},
        disqualified.contact_id is not null as is_disqualified,
        disqualified.disqualification_reason
    from backtested
    cross join model_config
    left join fit_points
        on
            backtested.contact_id = fit_points.contact_id
            and model_config.scoring_model = fit_points.scoring_model
    left join engagement_points
        on
            backtested.contact_id = engagement_points.contact_id
            and backtested.snapshot_number = engagement_points.snapshot_number
            and model_config.scoring_model = engagement_points.scoring_model
    left join disqualified
        on
            backtested.contact_id = disqualified.contact_id
            and backtested.snapshot_number = disqualified.snapshot_number
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

staged as (

    -- the ladder stage at the snapshot; the disqualification as it was then comes first
    -- (a customer is left out of the snapshot whether or not a rule disqualifies it)
    select
        graded.*,
        coalesce(ladder.stage, 'prospect') as ladder_stage,
        case
            when graded.is_disqualified then 'disqualified'
            else coalesce(ladder.stage, 'prospect')
        end as lifecycle_stage
    from graded
    left join ladder
        on
            graded.contact_id = ladder.contact_id
            and graded.scoring_model = ladder.scoring_model
            and graded.snapshot_at >= ladder.entered_at
            and (ladder.exited_at is null or graded.snapshot_at < ladder.exited_at)

),

conversions as (

    -- the first conversion of each contact, model and snapshot within the outcome window
    select
        staged.contact_id,
        staged.scoring_model,
        staged.snapshot_number,
        {% if settings.outcome == 'won' %}
            min(opportunities.closed_at) as converted_at
        {% else %}
            min(opportunities.created_at) as converted_at
        {% endif %}
    from staged
    inner join snapshots
        on staged.snapshot_number = snapshots.snapshot_number
    inner join model_config
        on staged.scoring_model = model_config.scoring_model
    inner join opportunities
        on staged.contact_id = opportunities.contact_id
    where
        {{ in_product_line(
            'model_config.product_line', 'opportunities.product_line', unlabelled_counts=false) }}
        {% if settings.outcome == 'won' %}
            and opportunities.is_won
            and opportunities.closed_at > snapshots.snapshot_at
            and opportunities.closed_at <= snapshots.outcome_window_ends_at
            and opportunities.closed_at <= {{ as_of_timestamp() }}
        {% else %}
            and opportunities.created_at > snapshots.snapshot_at
            and opportunities.created_at <= snapshots.outcome_window_ends_at
            and opportunities.created_at <= {{ as_of_timestamp() }}
        {% endif %}
    group by staged.contact_id, staged.scoring_model, staged.snapshot_number

),

final as (

    select
        staged.contact_id,
        staged.scoring_model,
        staged.snapshot_number,
        staged.snapshot_at,
        cast(staged.lead_score as decimal(7, 2)) as lead_score,
        cast(staged.fit_score as decimal(7, 2)) as fit_score,
        cast(staged.engagement_score as decimal(7, 2)) as engagement_score,
        staged.fit_grade,
        staged.engagement_tier,
        staged.fit_grade || cast(staged.engagement_tier as {{ dbt.type_string() }})
            as score_matrix,
        staged.is_disqualified,
        staged.disqualification_reason,
        staged.is_sales_ready,
        staged.lifecycle_stage,
        conversions.converted_at is not null as converted_in_window,
        conversions.converted_at,
        snapshots.is_outcome_complete,
        {{ build_columns() }}
    from staged
    inner join snapshots
        on staged.snapshot_number = snapshots.snapshot_number
    left join conversions
        on
            staged.contact_id = conversions.contact_id
            and staged.scoring_model = conversions.scoring_model
            and staged.snapshot_number = conversions.snapshot_number
    where staged.ladder_stage != 'customer'

)

select * from final
