-- The circuit breaker: the checks a build must pass before anything is published, with
-- their figures, compared with the last publish (marts.publish_log of the published copy).
-- One row per check and relation:
--   contacts_present        the build scores at least one contact;
--   raw_table_shrink        every raw table's row count now and at the last publish; the
--                           contacts and engagement tables may not shrink by more than
--                           publish_max_raw_shrink_share (a partial or failed load);
--   crm_feed_deleted_share  synced CRM feed rows this publish would mark deleted, of the
--                           rows live in the published feed (publish_max_deleted_share);
--   crm_feed_changed_share  synced rows whose synced fields would change
--                           (publish_max_changed_share).
-- A check that trips fails this model (post-hook raise_if_circuit_breaker_tripped, one
-- message with the figures), so the build fails and nothing is published. Run once with
-- --vars '{allow_mass_change: true}' to publish anyway: the check is then `overridden`,
-- which this table and publish_log record. Staging keeps every raw row (1:1), so its row
-- counts are the raw tables' counts.

{{ config(post_hook="{{ raise_if_circuit_breaker_tripped(this) }}") }}

{%- set raw_tables = [
    ('raw_crm.accounts', 'stg_crm__accounts', false),
    ('raw_crm.contacts', 'stg_crm__contacts', true),
    ('raw_crm.opportunities', 'stg_crm__opportunities', false),
    ('raw_crm.lead_status_changes', 'stg_crm__lead_status_changes', false),
    ('raw_crm.sales_activities', 'stg_crm__sales_activities', false),
    ('raw_marketing.web_events', 'stg_marketing__web_events', true),
    ('raw_marketing.email_events', 'stg_marketing__email_events', true),
    ('raw_marketing.form_submissions', 'stg_marketing__form_submissions', true),
    ('raw_marketing.event_attendance', 'stg_marketing__event_attendance', true),
] %}
{%- set previous_log = published_relation('publish_log') %}
{%- set previous_feed = published_relation('crm_score_sync') %}
{%- set allow_mass_change = is_mass_change_allowed() %}

with

settings as (

    select
        publish_max_raw_shrink_share,
        publish_max_deleted_share,
        publish_max_changed_share
    from {{ ref('int_scoring_model_config') }}
    where scoring_model = 'default'

),

scored_contacts as (

    select count(distinct contact_id) as contact_count
    from {{ ref('scored_contacts') }}

),

feed as (

    select * from {{ ref('crm_score_sync') }}

),

raw_counts as (

    {% for relation_name, model, has_limit in raw_tables %}
        select
            '{{ relation_name }}' as relation_name,
            {{ 'true' if has_limit else 'false' }} as has_shrink_limit,
            count(*) as row_count
        from {{ ref(model) }}
        {{ "union all" if not loop.last }}
    {% endfor %}

),

live_publish as (

    {% if previous_log is not none %}
        select
            relation_name,
            row_count,
            build_id,
            as_of
        from {{ previous_log }}
        where is_live and relation_kind = 'raw_input'
    {% else %}
        -- nothing published yet: nothing to compare with
        select
            cast(null as {{ dbt.type_string() }}) as relation_name,
            cast(null as {{ dbt.type_bigint() }}) as row_count,
            cast(null as {{ dbt.type_string() }}) as build_id,
            cast(null as {{ dbt.type_timestamp() }}) as as_of
        where 1 = 0
    {% endif %}

),

live_build as (

    select
        max(build_id) as build_id,
        max(as_of) as as_of
    from live_publish

),

published_feed as (

    {% if previous_feed is not none %}
        select
            sync_key,
            synced_fields_hash
        from {{ previous_feed }}
        where not is_deleted
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as sync_key,
            cast(null as {{ dbt.type_string() }}) as synced_fields_hash
        where 1 = 0
    {% endif %}

),

feed_changes as (

    -- what this build would do to the rows live in the published feed
    select
        count(*) as live_rows,
        sum(case when feed.sync_key is null or feed.is_deleted then 1 else 0 end)
            as deleted_rows,
        sum(
            case
                when
                    not feed.is_deleted
                    and feed.synced_fields_hash != published_feed.synced_fields_hash
                    then 1
                else 0
            end
        ) as changed_rows
    from published_feed
    left join feed
        on published_feed.sync_key = feed.sync_key

),

checks as (

    select
        'contacts_present' as check_name,
        'raw_crm.contacts' as relation_name,
        scored_contacts.contact_count as current_value,
        cast(null as {{ dbt.type_bigint() }}) as previous_value,
        cast(null as {{ type_double() }}) as change_share,
        cast(null as {{ type_double() }}) as limit_share,
        cast(null as {{ dbt.type_string() }}) as setting_name,
        scored_contacts.contact_count = 0 as is_tripped
    from scored_contacts

    union all

    select
        'raw_table_shrink' as check_name,
        raw_counts.relation_name,
        raw_counts.row_count as current_value,
        live_publish.row_count as previous_value,
        case
            when live_publish.row_count > 0
                then 1e0 * (live_publish.row_count - raw_counts.row_count) / live_publish.row_count
        end as change_share,
        case
            when raw_counts.has_shrink_limit then settings.publish_max_raw_shrink_share
        end as limit_share,
        case
            when raw_counts.has_shrink_limit then 'publish_max_raw_shrink_share'
        end as setting_name,
        coalesce(
            raw_counts.has_shrink_limit
            and live_publish.row_count > 0
            and 1e0 * (live_publish.row_count - raw_counts.row_count) / live_publish.row_count
            > settings.publish_max_raw_shrink_share,
            false
        ) as is_tripped
    from raw_counts
    cross join settings
    left join live_publish
        on raw_counts.relation_name = live_publish.relation_name

    union all

    select
        'crm_feed_deleted_share' as check_name,
        'marts.crm_score_sync' as relation_name,
        coalesce(feed_changes.deleted_rows, 0) as current_value,
        feed_changes.live_rows as previous_value,
        case
            when feed_changes.live_rows > 0
                then 1e0 * feed_changes.deleted_rows / feed_changes.live_rows
        end as change_share,
        settings.publish_max_deleted_share as limit_share,
        'publish_max_deleted_share' as setting_name,
        coalesce(
            feed_changes.live_rows > 0
            and 1e0 * feed_changes.deleted_rows / feed_changes.live_rows
            > settings.publish_max_deleted_share,
            false
        ) as is_tripped
    from feed_changes
    cross join settings

    union all

    select
        'crm_feed_changed_share' as check_name,
        'marts.crm_score_sync' as relation_name,
        coalesce(feed_changes.changed_rows, 0) as current_value,
        feed_changes.live_rows as previous_value,
        case
            when feed_changes.live_rows > 0
                then 1e0 * feed_changes.changed_rows / feed_changes.live_rows
        end as change_share,
        settings.publish_max_changed_share as limit_share,
        'publish_max_changed_share' as setting_name,
        coalesce(
            feed_changes.live_rows > 0
            and 1e0 * feed_changes.changed_rows / feed_changes.live_rows
            > settings.publish_max_changed_share,
            false
        ) as is_tripped
    from feed_changes
    cross join settings

),

final as (

    select
        checks.check_name,
        checks.relation_name,
        cast(checks.current_value as {{ dbt.type_bigint() }}) as current_value,
        cast(checks.previous_value as {{ dbt.type_bigint() }}) as previous_value,
        cast(checks.change_share as {{ type_double() }}) as change_share,
        cast(checks.limit_share as {{ type_double() }}) as limit_share,
        checks.setting_name,
        case
            when not checks.is_tripped then 'pass'
            {% if allow_mass_change %}
                else 'overridden'
            {% else %}
                else 'tripped'
            {% endif %}
        end as status,
        live_build.build_id as compared_with_build_id,
        live_build.as_of as compared_with_as_of,
        {{ build_columns() }}
    from checks
    cross join live_build

)

select * from final
