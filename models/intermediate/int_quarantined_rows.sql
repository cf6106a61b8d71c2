-- Every raw row that is not scored as it came, with the source table, its key and why:
-- bad input (malformed e-mail, duplicate, future timestamp, unknown type, unknown contact),
-- records merged into a survivor, values nulled as unreadable or impossible, machine (bot)
-- activity, contacts created after the scoring date and events that have not happened yet at
-- the scoring date. Together with the scored rows this accounts for every raw row, at any
-- scoring date: nothing is dropped silently.
--   action = excluded      the row is not used at all
--            merged        the row's contact is merged into the surviving contact
--            value_nulled  the row is used, one unreadable or impossible value is treated
--                          as unknown
--            not_scored    the row is kept but earns no points (bot activity)
--            not_yet       the contact is created after the scoring date, or the event
--                          happens after it (or its contact is created after it)
--            not_used      a clean CRM row the lifecycle cannot use: its contact is not
--                          scored (unknown id, excluded, created after the scoring date),
--                          it has no contact (an opportunity on the account only), it is
--                          dated after the scoring date, or its lead status has no meaning
--                          in the seed lead_status_stages

{%- set crm_tables = [
    ('accounts', 'stg_crm__accounts', 'account_id'),
    ('contacts', 'stg_crm__contacts', 'contact_id'),
    ('opportunities', 'stg_crm__opportunities', 'opportunity_id'),
    ('lead_status_changes', 'stg_crm__lead_status_changes', 'status_change_id'),
    ('sales_activities', 'stg_crm__sales_activities', 'activity_id'),
] %}

with

{% for source_table, model, key in crm_tables %}
    {{ source_table }} as (

        select
            '{{ source_table }}' as source_table,
            cast({{ key }} as {{ dbt.type_string() }}) as record_key,
            quality_issue as reason,
            case
                when quality_issue = 'duplicate_email' then 'merged'
                when is_excluded then 'excluded'
                else 'value_nulled'
            end as action
        from {{ ref(model) }}
        where quality_issue is not null

    ),
{% endfor %}

contacts_created_after_as_of as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where not {{ contact_exists_at('created_at') }}

),

engagement_events as (

    -- usable, human events count only up to the scoring date, for a contact that exists
    -- then. Sales activities are in the event union too (they can be scored), but they are
    -- accounted for once, as CRM rows the lifecycle uses (crm_rows_unused_by_the_lifecycle)
    select
        events.source_table,
        events.event_id as record_key,
        case
            when events.is_excluded then events.exclusion_reason
            when events.is_bot_activity then 'bot_' || events.bot_reason
            when events.occurred_at > {{ as_of_timestamp() }} then 'after_as_of'
            else 'contact_created_after_as_of'
        end as reason,
        case
            when events.is_excluded then 'excluded'
            when events.is_bot_activity then 'not_scored'
            else 'not_yet'
        end as action
    from {{ ref('int_engagement_events_resolved') }} as events
    left join contacts_created_after_as_of
        on events.contact_id = contacts_created_after_as_of.contact_id
    where
        events.source_table != 'sales_activities'
        and (
            events.is_excluded
            or events.is_bot_activity
            or events.occurred_at > {{ as_of_timestamp() }}
            or contacts_created_after_as_of.contact_id is not null
        )

),

contacts_not_yet_created as (

    select
        'contacts' as source_table,
        contact_id as record_key,
        'created_after_as_of' as reason,
        'not_yet' as action
    from contacts_created_after_as_of

),

scored_contact_ids as (

    -- every CRM contact id whose contact is scored (itself or the survivor it merged into);
    -- one row per id (int_contact_id_map has one per CRM contact id)
    select id_map.contact_id
    from {{ ref('int_contact_id_map') }} as id_map
    inner join {{ ref('int_contacts_deduplicated') }} as contacts
        on id_map.resolved_contact_id = contacts.contact_id
    where {{ contact_exists_at('contacts.created_at') }}

),

lead_status_stages as (

    select {{ normalize_key('status') }} as status
    from {{ ref('lead_status_stages') }}

),

crm_rows_for_the_lifecycle as (

    -- the clean lead status changes, opportunities and sales activities, in one shape
    select
        'lead_status_changes' as source_table,
        cast(status_change_id as {{ dbt.type_string() }}) as record_key,
        contact_id,
        changed_at as happened_at,
        status in (select lead_status_stages.status from lead_status_stages) as is_mapped
    from {{ ref('stg_crm__lead_status_changes') }}
    where not is_excluded
    union all
    select
        'opportunities' as source_table,
        cast(opportunity_id as {{ dbt.type_string() }}) as record_key,
        contact_id,
        created_at as happened_at,
        true as is_mapped
    from {{ ref('stg_crm__opportunities') }}
    where not is_excluded
    union all
    select
        'sales_activities' as source_table,
        cast(activity_id as {{ dbt.type_string() }}) as record_key,
        contact_id,
        occurred_at as happened_at,
        true as is_mapped
    from {{ ref('stg_crm__sales_activities') }}
    where not is_excluded

),

crm_rows_unused_by_the_lifecycle as (

    select
        source_table,
        record_key,
        reason,
        'not_used' as action
    from (
        select
            crm_rows.source_table,
            crm_rows.record_key,
            case
                when crm_rows.contact_id is null then 'no_contact'
                when scored_contact_ids.contact_id is null then 'contact_not_scored'
                when crm_rows.happened_at > {{ as_of_timestamp() }} then 'after_as_of'
                when not crm_rows.is_mapped then 'status_not_mapped'
            end as reason
        from crm_rows_for_the_lifecycle as crm_rows
        -- a join, not `not in (subquery)`: inside a case, Spark can only compare every row
        -- with every scored id (a nested loop: 430 s at 100k contacts)
        left join scored_contact_ids
            on crm_rows.contact_id = scored_contact_ids.contact_id
    ) as classified
    where reason is not null

),

final as (

    {%- for source_table, model, key in crm_tables %}
        select * from {{ source_table }}
        union all
    {%- endfor %}
    select * from engagement_events
    union all
    select * from contacts_not_yet_created
    union all
    select * from crm_rows_unused_by_the_lifecycle

)

select * from final
