-- Everything that can move a contact between lifecycle stages, as one long table per
-- contact and scoring model, up to the scoring date: the start (when the contact entered
-- the CRM, or its first signal if earlier), score band changes (int_lead_score_timeline),
-- hand-raises and the end of their MQL hold, sales' lead status changes (seed
-- lead_status_stages), opportunities opened, closed and won (for a product-line model:
-- of that product line), and the scoring engine's disqualification. The stage rules that
-- read it live in one place: lifecycle_stage_history.

with

contacts as (

    select
        contact_id,
        created_at
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

score_timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

disqualified as (

    select * from {{ ref('int_contacts_disqualified') }}

),

status_changes as (

    select * from {{ ref('int_lead_status_changes_resolved') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_resolved') }}

),

lead_status_stages as (

    select
        {{ normalize_key('status') }} as status,
        {{ normalize_key('lifecycle_effect') }} as lifecycle_effect
    from {{ ref('lead_status_stages') }}

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

score_signals as (

    select
        contact_id,
        scoring_model,
        changed_at as signal_at,
        change_order as signal_order,
        'score' as signal_type,
        band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        lead_score,
        case
            when change_kind = 'decay'
                then 'score decayed to ' || cast(lead_score as {{ dbt.type_string() }})
            when change_kind = 'start'
                then 'fit score alone is ' || cast(lead_score as {{ dbt.type_string() }})
            else
                'score ' || cast(lead_score as {{ dbt.type_string() }})
                || ' after ' || coalesce(rule_id, 'an event')
        end
        || ' (' || score_band || ' band)' as trigger_detail
    from score_timeline

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

sales_signals as (

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

),

model_opportunities as (

    select
        opportunities.contact_id,
        model_config.scoring_model,
        opportunities.opportunity_id,
        opportunities.created_at,
        case
            when opportunities.closed_at <= {{ as_of_timestamp() }} then opportunities.closed_at
        end as closed_at,
        opportunities.is_won and opportunities.closed_at <= {{ as_of_timestamp() }} as is_won
    from opportunities
    inner join contacts
        on opportunities.contact_id = contacts.contact_id
    cross join model_config
    where
        opportunities.created_at <= {{ as_of_timestamp() }}
        and {{ in_product_line(
            'model_config.product_line', 'opportunities.product_line', unlabelled_counts=false) }}

),

opportunity_signals as (

    select
        contact_id,
        scoring_model,
        created_at as signal_at,
        4 as signal_order,
        'opportunity_opened' as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        1 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'opportunity ' || opportunity_id || ' opened' as trigger_detail
    from model_opportunities
    union all
    select
        contact_id,
        scoring_model,
        closed_at as signal_at,
        5 as signal_order,
        case when is_won then 'opportunity_won' else 'opportunity_lost' end as signal_type,
        cast(null as {{ dbt.type_int() }}) as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        -1 as opportunity_delta,
        case when is_won then 1 else 0 end as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        'opportunity ' || opportunity_id || case when is_won then ' won' else ' lost' end
            as trigger_detail
    from model_opportunities
    where closed_at is not null

),

dated_signals as (

    select * from score_signals
    union all
    select * from hand_raise_signals
    union all
    select * from hand_raise_end_signals
    union all
    select * from sales_signals
    union all
    select * from opportunity_signals

),

first_signals as (

    select
        contact_id,
        scoring_model,
        min(signal_at) as first_signal_at
    from dated_signals
    group by contact_id, scoring_model

),

starts as (

    -- every scorable contact starts (as a prospect, or disqualified) when it entered the
    -- CRM or at its first signal if that came first
    select
        contacts.contact_id,
        model_config.scoring_model,
        case
            when first_signals.first_signal_at < contacts.created_at
                then first_signals.first_signal_at
            else coalesce(
                contacts.created_at, first_signals.first_signal_at, {{ as_of_timestamp() }}
            )
        end as started_at,
        disqualified.disqualification_reason
    from contacts
    cross join model_config
    left join first_signals
        on
            contacts.contact_id = first_signals.contact_id
            and model_config.scoring_model = first_signals.scoring_model
    left join disqualified
        on
            contacts.contact_id = disqualified.contact_id
            and model_config.scoring_model = disqualified.scoring_model

),

start_signals as (

    select
        contact_id,
        scoring_model,
        started_at as signal_at,
        -1 as signal_order,
        case
            when disqualification_reason is not null then 'disqualified'
            else 'start'
        end as signal_type,
        0 as band_rank,
        cast(null as {{ dbt.type_string() }}) as sales_effect,
        cast(null as {{ dbt.type_timestamp() }}) as hand_raise_until,
        0 as opportunity_delta,
        0 as won_delta,
        cast(null as decimal(7, 2)) as lead_score,
        case
            when disqualification_reason is not null
                then 'disqualified by the scoring engine: ' || disqualification_reason
            else 'contact known'
        end as trigger_detail
    from starts

),

final as (

    select
        dated_signals.contact_id,
        dated_signals.scoring_model,
        coalesce(dated_signals.signal_at, starts.started_at) as signal_at,
        dated_signals.signal_order,
        dated_signals.signal_type,
        dated_signals.band_rank,
        dated_signals.sales_effect,
        dated_signals.hand_raise_until,
        dated_signals.opportunity_delta,
        dated_signals.won_delta,
        dated_signals.lead_score,
        dated_signals.trigger_detail
    from dated_signals
    inner join starts
        on
            dated_signals.contact_id = starts.contact_id
            and dated_signals.scoring_model = starts.scoring_model
    union all
    select * from start_signals

)

select * from final
