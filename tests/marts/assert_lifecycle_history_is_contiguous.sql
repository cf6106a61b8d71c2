-- The stage history of a contact has no gaps and no overlaps: each row is left exactly
-- when the next one is entered, only the last row is open, consecutive rows differ in
-- stage and time moves forward.

with

history as (

    select
        *,
        lead(entered_at) over contact_window as next_entered_at,
        lead(stage) over contact_window as next_stage,
        row_number() over (
            partition by contact_id, scoring_model order by entered_at desc
        ) as rank_from_last
    from {{ ref('lifecycle_stage_history') }}
    window contact_window as (partition by contact_id, scoring_model order by entered_at)

)

select
    contact_id,
    scoring_model,
    stage,
    entered_at,
    exited_at,
    next_entered_at,
    is_current
from history
where
    (rank_from_last = 1 and (exited_at is not null or not is_current))
    or (
        rank_from_last > 1
        and (
            exited_at is null
            or is_current
            or exited_at != next_entered_at
            or exited_at <= entered_at
            or stage = next_stage
        )
    )
