{{ config(materialized='view') }}
-- Speed-to-lead of each alert: the first sales activity (call, e-mail, meeting) with the
-- contact at or after the MQL moment, up to the scoring date, minutes to it, and the
-- response SLA (setting mql_response_sla_minutes) met, breached or open (macro
-- sla_fields). A view: the mart reads it once. Grain: one row per alert_id.

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

sales_activities as (

    select * from {{ ref('int_sales_activities_resolved') }}

),

ranked_touches as (

    select
        entries.alert_id,
        sales_activities.activity_type,
        sales_activities.occurred_at,
        row_number() over (
            partition by entries.alert_id
            order by sales_activities.occurred_at, sales_activities.activity_id
        ) as touch_rank
    from entries
    inner join sales_activities
        on
            entries.contact_id = sales_activities.contact_id
            and entries.became_mql_at <= sales_activities.occurred_at
    where sales_activities.occurred_at <= {{ as_of_timestamp() }}

),

first_touches as (

    select
        alert_id,
        activity_type as first_touch_type,
        occurred_at as first_touch_at
    from ranked_touches
    where touch_rank = 1

),

final as (

    select
        entries.alert_id,
        first_touches.first_touch_at,
        first_touches.first_touch_type,
        {{ sla_fields(
            'entries.became_mql_at', 'first_touches.first_touch_at',
            'entries.mql_response_sla_minutes') }}
    from entries
    left join first_touches
        on entries.alert_id = first_touches.alert_id

)

select * from final
