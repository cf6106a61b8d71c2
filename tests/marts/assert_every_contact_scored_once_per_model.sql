-- Every usable contact created by the scoring date is in scored_contacts exactly once per
-- scoring model (no contact lost, none duplicated).

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where created_at is null or created_at <= {{ as_of_timestamp() }}

),

models as (

    select scoring_model from {{ ref('scoring_models') }}

),

expected as (

    select
        contacts.contact_id,
        models.scoring_model
    from contacts
    cross join models

),

actual as (

    select
        contact_id,
        scoring_model,
        count(*) as row_count
    from {{ ref('scored_contacts') }}
    group by contact_id, scoring_model

)

select
    expected.contact_id,
    expected.scoring_model,
    actual.row_count
from expected
full outer join actual
    on
        expected.contact_id = actual.contact_id
        and expected.scoring_model = actual.scoring_model
where
    expected.contact_id is null
    or actual.contact_id is null
    or actual.row_count != 1
