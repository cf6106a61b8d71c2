-- The reverse-ETL feed (Census, Hightouch): what is written to the CRM's score fields, one
-- row per contact and scoring model. Incremental on purpose: a run writes only the rows
-- whose synced fields (rounded lead score, grade, matrix, stage, reasons, e-mail, deleted
-- flag) changed or that are new, stamped computed_at = the run's start, so a rebuild on
-- unchanged input writes nothing and a weight change touches only the contacts it moves.
-- Contacts that leave scored_contacts (deleted or merged in the CRM) keep their last row,
-- flagged is_deleted. `dbt build --full-refresh` recomputes every row (all computed_at
-- move, deleted contacts are dropped). Documented in _marts__models.yml.

{{ config(
    materialized='incremental',
    unique_key='sync_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

{%- set synced_fields = [
    'lead_score', 'fit_grade', 'score_matrix', 'lifecycle_stage', 'top_reasons', 'email',
    'is_deleted',
] %}

with

scores as (

    select * from {{ ref('scored_contacts') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

{% if is_incremental() %}

    previous as (

        select * from {{ this }}

    ),

{% endif %}

current_values as (

    select
        {{ dbt.hash(dbt.concat([
            'scores.contact_id', "'|'", 'scores.scoring_model'
        ])) }} as sync_key,
        scores.contact_id,
        contacts.email,
        scores.scoring_model,
        cast(round(scores.lead_score, 0) as {{ dbt.type_int() }}) as lead_score,
        scores.fit_grade,
        scores.score_matrix,
        lifecycle.lifecycle_stage,
        -- without the points ("Requested a demo (+30)" -> "Requested a demo"): they decay
        -- a little every day and would rewrite most rows daily
        {{ regex_replace_all('scores.top_reasons', ' [(][+-]?[0-9]+[)]', '') }} as top_reasons,
        false as is_deleted,
        scores.scoring_config_version
    from scores
    left join contacts
        on scores.contact_id = contacts.contact_id
    left join lifecycle
        on
            scores.contact_id = lifecycle.contact_id
            and scores.scoring_model = lifecycle.scoring_model

),

candidates as (

    select * from current_values

    {% if is_incremental() %}

        -- Rows synced before whose contact (or scoring model) is no longer scored: the
        -- last synced values stay, flagged deleted once.
        union all

        select
            previous.sync_key,
            previous.contact_id,
            previous.email,
            previous.scoring_model,
            previous.lead_score,
            previous.fit_grade,
            previous.score_matrix,
            previous.lifecycle_stage,
            previous.top_reasons,
            true as is_deleted,
            previous.scoring_config_version
        from previous
        left join current_values
            on previous.sync_key = current_values.sync_key
        where current_values.sync_key is null and not previous.is_deleted

    {% endif %}

),

hashed as (

    select
        *,
        {% set hash_parts = [] -%}
        {%- for field in synced_fields -%}
            {%- do hash_parts.append(
                "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '<null>')"
            ) -%}
            {%- if not loop.last %}{% do hash_parts.append("'|'") %}{% endif -%}
        {%- endfor %}
        {{ dbt.hash(dbt.concat(hash_parts)) }} as synced_fields_hash
    from candidates

),

changed as (

    select hashed.*
    from hashed

    {% if is_incremental() %}

        left join previous
            on hashed.sync_key = previous.sync_key
        where
            previous.sync_key is null
            or previous.synced_fields_hash != hashed.synced_fields_hash

    {% endif %}

),

final as (

    select
        sync_key,
        contact_id,
        email,
        scoring_model,
        lead_score,
        fit_grade,
        score_matrix,
        lifecycle_stage,
        top_reasons,
        is_deleted,
        scoring_config_version,
        {{ run_started_timestamp() }} as computed_at,
        synced_fields_hash
    from changed

)

select * from final
