-- Do higher grades win more? Won-opportunity rate per score matrix cell of the default
-- model: the first question to ask when revisiting the weights with sales (domain notes:
-- track MQL to closed-won). Compile with `dbt compile -s won_rate_by_score_matrix` and run
-- the SQL in target/compiled/. Note: scores are as of `as_of`; for an honest check score a
-- past date (`--vars '{as_of: ...}'`) and count only deals created after it.

with

scored as (

    select * from {{ ref('scored_contacts') }}
    where scoring_model = 'default'

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}
    where not is_excluded

),

won_contacts as (

    select distinct contact_id
    from opportunities
    where is_won and created_at > {{ as_of_timestamp() }}

),

final as (

    select
        scored.score_matrix,
        count(*) as contacts,
        count(won_contacts.contact_id) as won_contacts,
        round(count(won_contacts.contact_id) * 100.0 / count(*), 2) as won_rate_percent
    from scored
    left join won_contacts
        on scored.contact_id = won_contacts.contact_id
    where not scored.is_disqualified
    group by scored.score_matrix

)

select * from final
order by score_matrix
