-- Every lifecycle stage each contact entered, per live scoring model (a shadow model never
-- changes a published stage), up to the scoring date:
-- one row per stage entered, with when it was entered and left and what moved it. The
-- scoring engine's disqualification comes first: a contact it disqualifies (seed
-- disqualification_rules, as of the scoring date) is `disqualified` from its start, one row.
-- Every other contact walks the ladder of int_lifecycle_ladder, where the other stage rules
-- live (customer, sql, rejected by sales, sal, mql, lead, prospect).

with

live_models as (

    select scoring_model
    from {{ ref('int_scoring_model_config') }}
    where not is_shadow

),

ladder as (

    select ladder.*
    from {{ ref('int_lifecycle_ladder') }} as ladder
    inner join live_models
        on ladder.scoring_model = live_models.scoring_model

),

engine_disqualifications as (

    select
        signals.contact_id,
        signals.scoring_model,
        signals.signal_at,
        signals.trigger_detail
    from {{ ref('int_lifecycle_signals') }} as signals
    inner join live_models
        on signals.scoring_model = live_models.scoring_model
    where signals.signal_type = 'disqualified'

),

ladder_rows as (

    select ladder.*
    from ladder
    left join engine_disqualifications
        on
            ladder.contact_id = engine_disqualifications.contact_id
            and ladder.scoring_model = engine_disqualifications.scoring_model
    where engine_disqualifications.contact_id is null

),

disqualified_rows as (

    select
        {{ dbt.hash(dbt.concat([
            'contact_id', "'|'", 'scoring_model', "'|'",
            'cast(signal_at as ' ~ dbt.type_string() ~ ')'])) }} as stage_history_id,
        contact_id,
        scoring_model,
        'disqualified' as stage,
        0 as stage_rank,
        cast(null as {{ dbt.type_string() }}) as previous_stage,
        signal_at as entered_at,
        cast(null as {{ dbt.type_timestamp() }}) as exited_at,
        true as is_current,
        'disqualified' as trigger_type,
        trigger_detail,
        cast(null as decimal(7, 2)) as lead_score_at_entry
    from engine_disqualifications

),

stages as (

    select * from ladder_rows
    union all
    select * from disqualified_rows

),

final as (

    select
        stage_history_id,
        contact_id,
        scoring_model,
        stage,
        stage_rank,
        previous_stage,
        entered_at,
        exited_at,
        is_current,
        trigger_type,
        trigger_detail,
        lead_score_at_entry,
        {{ build_columns() }}
    from stages

)

select * from final
