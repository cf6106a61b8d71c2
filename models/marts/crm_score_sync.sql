-- The reverse-ETL feed (Census, Hightouch): what is written to the CRM's score fields, one
-- row per contact and scoring model. Each row keeps the time its synced fields (rounded
-- lead score, grade, matrix, stage, reasons, e-mail, deleted flag) last changed: a build
-- compares every contact with the feed as it was last PUBLISHED (the published copy, not
-- this warehouse: a build that failed or was refused never counts) and stamps
-- computed_at = this run's start only on rows that are new or whose synced fields
-- changed. So a rebuild on unchanged input changes nothing, a weight change touches only
-- the contacts it moves, and a failed build followed by a rerun changes the same rows as
-- one uninterrupted build. Contacts that leave scored_contacts (deleted or merged in the
-- CRM) keep their last values, flagged is_deleted. `dbt build --full-refresh` compares
-- with nothing: every computed_at moves and deleted contacts are dropped. The circuit
-- breaker (publish_checks) refuses to publish a feed that would delete or change too
-- many rows at once.

{%- set synced_fields = [
    'lead_score', 'fit_grade', 'score_matrix', 'lifecycle_stage', 'top_reasons', 'email',
    'is_deleted',
] %}
{%- set previous_feed = none if flags.FULL_REFRESH else published_relation('crm_score_sync') %}

with

scores as (

    -- live scoring models only: a shadow model is never synced to the CRM
    select * from {{ ref('scored_contacts') }}
    where not is_shadow

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

current_values as (

    select
        {{ dbt.hash(dbt.concat([
            'scores.contact_id', "'|'", 'scores.scoring_model'
        ])) }} as sync_key,
        scores.contact_id,
        contacts.email,
        scores.scoring_model,
        cast({{ round_to('scores.lead_score') }} as {{ dbt.type_int() }}) as lead_score,
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

previous as (

    {% if previous_feed is not none %}
        select * from {{ previous_feed }}
    {% else %}
        -- nothing published yet (or --full-refresh): every row is new
        select
            cast(null as {{ dbt.type_string() }}) as sync_key,
            cast(null as {{ dbt.type_string() }}) as contact_id,
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_string() }}) as scoring_model,
            cast(null as {{ dbt.type_int() }}) as lead_score,
            cast(null as {{ dbt.type_string() }}) as fit_grade,
            cast(null as {{ dbt.type_string() }}) as score_matrix,
            cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
            cast(null as {{ dbt.type_string() }}) as top_reasons,
            cast(null as {{ dbt.type_boolean() }}) as is_deleted,
            cast(null as {{ dbt.type_string() }}) as scoring_config_version,
            cast(null as {{ dbt.type_timestamp() }}) as computed_at,
            cast(null as {{ dbt.type_string() }}) as computed_build_id,
            cast(null as {{ dbt.type_string() }}) as synced_fields_hash
        where 1 = 0
    {% endif %}

),

candidates as (

    select * from current_values

    union all

    -- rows published before whose contact (or scoring model) is no longer scored: the
    -- last synced values stay, flagged deleted
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
    where current_values.sync_key is null

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

compared as (

    -- an unchanged row keeps everything it was published with (its computed_at and the
    -- config version that computed it); a new or changed row takes this build's values
    select
        hashed.sync_key,
        case
            when previous.synced_fields_hash = hashed.synced_fields_hash then 'unchanged'
            when previous.sync_key is null then 'new'
            when hashed.is_deleted then 'deleted'
            else 'changed'
        end as change_kind,
        hashed.contact_id,
        hashed.email,
        hashed.scoring_model,
        hashed.lead_score,
        hashed.fit_grade,
        hashed.score_matrix,
        hashed.lifecycle_stage,
        hashed.top_reasons,
        hashed.is_deleted,
        hashed.synced_fields_hash,
        case
            when previous.synced_fields_hash = hashed.synced_fields_hash
                then previous.scoring_config_version
            else hashed.scoring_config_version
        end as scoring_config_version,
        case
            when previous.synced_fields_hash = hashed.synced_fields_hash
                then previous.computed_at
            else {{ run_started_timestamp() }}
        end as computed_at,
        case
            when previous.synced_fields_hash = hashed.synced_fields_hash
                then previous.computed_build_id
            else cast('{{ invocation_id }}' as {{ dbt.type_string() }})
        end as computed_build_id
    from hashed
    left join previous
        on hashed.sync_key = previous.sync_key

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
        computed_at,
        computed_build_id,
        change_kind,
        synced_fields_hash,
        {{ build_columns() }}
    from compared

)

select * from final
