-- Penalties (negative points) never decay, and the rules that give points per event use
-- at most 4 distinct half-lives: the lead score timeline relies on both (penalties are
-- constants, kept apart from the positive points; it tracks one running sum per
-- half-life, in 4 slots; a count band is a constant between its changes, whatever its
-- half-life). Change the seed, not the SQL, if this fails.

with

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

decaying_penalties as (

    select
        rule_id,
        'penalty with a half-life' as problem
    from rules
    where points < 0 and half_life_days is not null

),

half_lives as (

    select
        cast(count(distinct half_life_days) as {{ dbt.type_string() }}) as rule_id,
        'more than 4 distinct half-lives' as problem
    from rules
    where category = 'engagement' and half_life_days is not null and not is_count_band
    having count(distinct half_life_days) > 4

)

select * from decaying_penalties
union all
select * from half_lives
