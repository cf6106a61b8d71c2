-- The lifecycle signal every scorable contact starts with, per scoring model: `start` (as a
-- prospect), or `disqualified` when the scoring engine disqualified it
-- (int_contacts_disqualified). It starts when it entered the CRM, or at its first other
-- signal (score band, hand-raise, lead status, opportunity) if that came first; a contact
-- without a creation date and without a signal starts at the scoring date. signal_at is
-- the started_at that int_lifecycle_signals also dates undated signals with. A table: the
-- union reads it twice. Grain: one row per contact_id and scoring_model.

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

disqualified as (

    select * from {{ ref('int_contacts_disqualified') }}

),

dated_signals as (

    {% for signal_model in lifecycle_dated_signal_models() %}
        select
            contact_id,
            scoring_model,
            signal_at
        from {{ ref(signal_model) }}
        {{ "union all" if not loop.last }}
    {% endfor %}

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

final as (

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

)

select * from final
