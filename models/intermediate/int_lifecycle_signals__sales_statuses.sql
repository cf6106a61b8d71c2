{{ config(materialized='view') }}
-- The lifecycle signals of sales: each lead status change of a scored contact up to the
-- scoring date whose status the seed lead_status_stages maps to a lifecycle effect, for
-- every scoring model (sales' status is the same under each). A view: a join of small
-- tables. Grain: one row per contact_id, scoring_model, signal_at, signal_type and
-- trigger_detail (the status).

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

status_changes as (

    select * from {{ ref('int_lead_status_changes_resolved') }}

),

lead_status_stages as (

    select
        {{ normalize_key('status') }} as status,
        {{ normalize_key('lifecycle_effect') }} as lifecycle_effect
    from {{ ref('lead_status_stages') }}

),

final as (

    select
        status_changes.contact_id,
        model_config.scoring_model,
        status_changes.changed_at as signal_at,
        3 as signal_order,
        'sales_status' as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        lead_status_stages.lifecycle_effect as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'lead status: ' || status_changes.status as trigger_detail
    from status_changes
    inner join contacts
        on status_changes.contact_id = contacts.contact_id
    inner join lead_status_stages
        on status_changes.status = lead_status_stages.status
    cross join model_config
    where status_changes.changed_at <= {{ as_of_timestamp() }}

)

select * from final
