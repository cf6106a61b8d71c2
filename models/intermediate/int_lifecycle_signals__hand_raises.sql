-- The lifecycle signals of hand-raises: each engagement event of a hand-raiser rule (seed
-- lifecycle_hand_raisers) up to the scoring date, per scored contact and scoring model
-- whose setting hand_raisers_reach_mql is 1 (for a product-line model: of that line or
-- unlabelled), and the end of its MQL hold (hand_raiser_mql_hold_days later) once that is
-- past. A table: it reads the events, and two models read it. Grain: one row per
-- contact_id, scoring_model, signal_at, signal_type and trigger_detail.

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

hand_raiser_rules as (

    select
        rules.scoring_model,
        rules.rule_id,
        rules.signal,
        rules.match_type,
        rules.match_value,
        rules.reason_text
    from {{ ref('int_scoring_rules_effective') }} as rules
    inner join {{ ref('lifecycle_hand_raisers') }} as hand_raisers
        on rules.rule_id = {{ normalize_key('hand_raisers.rule_id') }}
    where rules.category = 'engagement'

),

hand_raise_events as (

    select *
    from {{ ref('int_engagement_events_usable') }}
    where
        occurred_at <= {{ as_of_timestamp() }}
        and event_type in (select hand_raiser_rules.signal from hand_raiser_rules)

),

hand_raises as (

    select distinct
        hand_raise_events.contact_id,
        hand_raiser_rules.scoring_model,
        hand_raise_events.occurred_at,
        hand_raiser_rules.reason_text,
        model_config.hand_raiser_mql_hold_days
    from hand_raise_events
    inner join hand_raiser_rules
        on
            hand_raise_events.event_type = hand_raiser_rules.signal
            and {{ value_matches('hand_raise_events.event_detail',
                'hand_raiser_rules.match_type', 'hand_raiser_rules.match_value') }}
    inner join model_config
        on hand_raiser_rules.scoring_model = model_config.scoring_model
    inner join contacts
        on hand_raise_events.contact_id = contacts.contact_id
    where
        model_config.hand_raisers_reach_mql = 1
        and {{ in_product_line('model_config.product_line', 'hand_raise_events.product_line') }}

),

hand_raise_signals as (

    select
        contact_id,
        scoring_model,
        occurred_at as signal_at,
        2 as signal_order,
        'hand_raise' as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        {{ dbt.dateadd(
            'day', 'cast(hand_raiser_mql_hold_days as ' ~ dbt.type_int() ~ ')', 'occurred_at') }}
            as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'hand-raise: ' || reason_text as trigger_detail
    from hand_raises

),

hand_raise_end_signals as (

    select
        contact_id,
        scoring_model,
        hand_raise_until as signal_at,
        0 as signal_order,
        'hand_raise_end' as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'hand-raise MQL hold ended' as trigger_detail
    from hand_raise_signals
    where hand_raise_until <= {{ as_of_timestamp() }}

),

final as (

    select * from hand_raise_signals
    union all
    select * from hand_raise_end_signals

)

select * from final
