-- Who is backtested at which snapshot: every contact that existed at the snapshot (created
-- at or before it), one row per contact and snapshot. Above backtest_max_contacts contacts,
-- a deterministic sample of that many (the smallest hashes of contact_id, so the same
-- contacts whatever the run) stands for them. Customers at a snapshot are left out later,
-- per scoring model (score_backtest).

{%- set settings = backtest_settings() %}

with

contacts as (

    select
        contact_id,
        created_at
    from {{ ref('int_contacts_deduplicated') }}

),

snapshots as (

    select * from {{ ref('int_backtest_snapshots') }}

),

sampled as (

    select
        contact_id,
        created_at
    from (
        select
            contact_id,
            created_at,
            row_number() over (
                order by {{ dbt.hash('contact_id') }}, contact_id
            ) as sample_rank
        from contacts
        where {{ contact_exists_at('created_at') }}
    ) as ranked
    where sample_rank <= {{ settings.max_contacts }}

),

final as (

    select
        sampled.contact_id,
        snapshots.snapshot_number,
        snapshots.snapshot_at
    from sampled
    inner join snapshots
        on {{ contact_exists_at('sampled.created_at', 'snapshots.snapshot_at') }}

)

select * from final
