-- Every scored engagement event of an alerted contact up to its MQL moment: the usable
-- events (up to the scoring date) that an engagement rule of the alert's scoring model
-- with points matches (for a product-line model: of that line or unlabelled), with the
-- rule's points and the event's decay at the MQL moment (to the microsecond: decay can
-- take a count band's count into the band at any moment, and the MQL moment is then that
-- moment). A table: it reads the events, and the score at the MQL moment and the
-- touchpoints both read it. Grain: one row per alert_id, rule_id and event_key.

with

entries as (

    select * from {{ ref('int_mql_alerts__entries') }}

),

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

alerted_events as (

    -- the usable events of alerted contacts up to the scoring date (a small slice)
    select events.*
    from {{ ref('int_engagement_events_usable') }} as events
    where
        events.occurred_at <= {{ as_of_timestamp() }}
        and events.contact_id in (select entries.contact_id from entries)

),

touches as (

    select
        entries.alert_id,
        rules.rule_id,
        alerted_events.event_key,
        rules.reason_text,
        rules.points,
        rules.max_points,
        rules.is_count_band,
        alerted_events.occurred_at,
        {{ decay_factor(
            dbt.datediff('alerted_events.occurred_at', 'entries.became_mql_at', 'microsecond')
            ~ ' / 86400000000e0', 'rules.half_life_days') }} as decay_at_mql
    from entries
    inner join alerted_events
        on
            entries.contact_id = alerted_events.contact_id
            and entries.became_mql_at >= alerted_events.occurred_at
    inner join rules
        on
            entries.scoring_model = rules.scoring_model
            and rules.category = 'engagement'
            and rules.points != 0
            and alerted_events.event_type = rules.signal
            and {{ value_matches(
                'alerted_events.event_detail', 'rules.match_type', 'rules.match_value') }}
    where {{ in_product_line('entries.product_line', 'alerted_events.product_line') }}

),

final as (

    select
        alert_id,
        rule_id,
        event_key,
        reason_text,
        points,
        max_points,
        is_count_band,
        occurred_at,
        decay_at_mql,
        points * decay_at_mql as points_at_mql
    from touches

)

select * from final
