{{ config(materialized='view') }}
-- The touchpoints of each alert: its latest scored events up to the MQL moment (setting
-- alert_touchpoints_count), newest first (then by rule), each as the rule's reason, its
-- points before decay and its time. A count band gives points for a number of actions,
-- not for each one, so its events are not listed. A view: the mart reads it once. Grain:
-- one row per alert_id that has a touchpoint.

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

scored_touches as (

    select * from {{ ref('int_mql_alerts__scored_touches') }}

),

touchpoints_ranked as (

    select
        scored_touches.alert_id,
        scored_touches.occurred_at,
        scored_touches.reason_text || ' ('
        || case when scored_touches.points > 0 then '+' else '' end
        || {{ double_text('scored_touches.points') }} || ') at '
        || cast(scored_touches.occurred_at as {{ dbt.type_string() }}) as touchpoint_label,
        row_number() over (
            partition by scored_touches.alert_id
            order by scored_touches.occurred_at desc, scored_touches.rule_id asc
        ) as touchpoint_rank,
        entries.alert_touchpoints_count
    from scored_touches
    inner join entries
        on scored_touches.alert_id = entries.alert_id
    where not scored_touches.is_count_band

),

final as (

    select
        alert_id,
        {{ dbt.listagg('touchpoint_label', "'; '", 'order by touchpoint_rank') }} as touchpoints,
        count(*) as touchpoint_count
    from touchpoints_ranked
    where touchpoint_rank <= alert_touchpoints_count
    group by alert_id

)

select * from final
