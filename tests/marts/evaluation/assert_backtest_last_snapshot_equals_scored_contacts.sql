-- The backtest's last snapshot is at the scoring date: every backtested contact there must
-- have exactly the scores, grade, tier, disqualification and stage of scored_contacts and
-- contact_lifecycle (two computations of the same thing, one through the per-snapshot
-- path; stages for the live models). Any row returned differs.

with

last_snapshot as (

    select backtest.*
    from {{ ref('score_backtest') }} as backtest
    where
        backtest.snapshot_number
        = (
            select max(snapshots.snapshot_number)
            from {{ ref('int_backtest_snapshots') }} as snapshots
        )

),

scored as (

    -- a shadow model has no published lifecycle: its stage is not compared here
    select
        scored_contacts.*,
        contact_lifecycle.lifecycle_stage
    from {{ ref('scored_contacts') }} as scored_contacts
    left join {{ ref('contact_lifecycle') }} as contact_lifecycle
        on
            scored_contacts.contact_id = contact_lifecycle.contact_id
            and scored_contacts.scoring_model = contact_lifecycle.scoring_model

)

select
    last_snapshot.contact_id,
    last_snapshot.scoring_model,
    last_snapshot.lead_score as backtest_lead_score,
    scored.lead_score as scored_lead_score,
    last_snapshot.lifecycle_stage as backtest_stage,
    scored.lifecycle_stage as scored_stage
from last_snapshot
left join scored
    on
        last_snapshot.contact_id = scored.contact_id
        and last_snapshot.scoring_model = scored.scoring_model
where
    scored.contact_id is null
    or last_snapshot.lead_score != scored.lead_score
    or last_snapshot.fit_score != scored.fit_score
    or last_snapshot.engagement_score != scored.engagement_score
    or last_snapshot.score_matrix != scored.score_matrix
    or last_snapshot.is_disqualified != scored.is_disqualified
    or coalesce(last_snapshot.disqualification_reason, '')
    != coalesce(scored.disqualification_reason, '')
    or last_snapshot.is_sales_ready != scored.is_sales_ready
    or (not scored.is_shadow and last_snapshot.lifecycle_stage != scored.lifecycle_stage)
