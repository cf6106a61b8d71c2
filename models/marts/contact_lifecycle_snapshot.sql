-- The audit trail of what was published about each contact's funnel position: one row per
-- contact, scoring model and version (type-2 history). contact_lifecycle is recomputed on
-- every build (a rule change, a late CRM edit or a merged duplicate can rewrite the past);
-- this table keeps what was reported. Each build starts from the versions in the
-- PUBLISHED copy and compares the current version of every contact with contact_lifecycle
-- now: unchanged versions stay open, changed ones are closed (valid_to = this run's
-- start) and a new version opens, a contact that left contact_lifecycle gets its version
-- closed. A build that fails or is refused is never published, so it records nothing.
-- The history cannot be rebuilt: --full-refresh does not reset it (delete the published
-- copy to start over). It replaces a dbt snapshot, which would record every build,
-- published or not, and needs Delta tables on Spark.

{%- set tracked = [
    'lifecycle_stage', 'highest_stage', 'is_recycled', 'became_lead_at', 'became_mql_at',
    'became_sal_at', 'became_sql_at', 'became_customer_at',
] %}
{%- set previous_versions = published_relation('contact_lifecycle_snapshot') %}
{%- set version_hash -%}
    {%- set parts = [] -%}
    {%- for column in tracked -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endset %}

with

lifecycle as (

    select
        contact_id,
        scoring_model,
        {% for column in tracked %}
            {{ column }},
        {% endfor %}
        {{ version_hash }} as version_hash
    from {{ ref('contact_lifecycle') }}

),

previous as (

    {% if previous_versions is not none %}
        select
            contact_id,
            scoring_model,
            {% for column in tracked %}
                {{ column }},
            {% endfor %}
            version_hash,
            valid_from,
            valid_to,
            version_build_id
        from {{ previous_versions }}
    {% else %}
        -- nothing published yet: the history starts with this build
        select
            contact_id,
            scoring_model,
            {% for column in tracked %}
                {{ column }},
            {% endfor %}
            version_hash,
            cast(null as {{ dbt.type_timestamp() }}) as valid_from,
            cast(null as {{ dbt.type_timestamp() }}) as valid_to,
            cast(null as {{ dbt.type_string() }}) as version_build_id
        from lifecycle
        where 1 = 0
    {% endif %}

),

open_versions as (

    select * from previous
    where valid_to is null

),

kept_versions as (

    -- closed versions as published, and open ones still true (or now closed)
    select
        previous.contact_id,
        previous.scoring_model,
        {% for column in tracked %}
            previous.{{ column }},
        {% endfor %}
        previous.version_hash,
        previous.valid_from,
        case
            when previous.valid_to is not null then previous.valid_to
            when
                lifecycle.contact_id is null
                or lifecycle.version_hash != previous.version_hash
                then {{ run_started_timestamp() }}
        end as valid_to,
        previous.version_build_id
    from previous
    left join lifecycle
        on
            previous.valid_to is null
            and previous.contact_id = lifecycle.contact_id
            and previous.scoring_model = lifecycle.scoring_model

),

new_versions as (

    select
        lifecycle.contact_id,
        lifecycle.scoring_model,
        {% for column in tracked %}
            lifecycle.{{ column }},
        {% endfor %}
        lifecycle.version_hash,
        {{ run_started_timestamp() }} as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as version_build_id
    from lifecycle
    left join open_versions
        on
            lifecycle.contact_id = open_versions.contact_id
            and lifecycle.scoring_model = open_versions.scoring_model
    where
        open_versions.contact_id is null
        or open_versions.version_hash != lifecycle.version_hash

),

versions as (

    select * from kept_versions
    union all
    select * from new_versions

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'contact_id', "'|'", 'scoring_model', "'|'", 'version_build_id'])) }} as version_id,
        contact_id,
        scoring_model,
        {% for column in tracked %}
            {{ column }},
        {% endfor %}
        version_hash,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        version_build_id,
        {{ build_columns() }}
    from versions

)

select * from final
