-- Every scoring rule can be read as written (seed scoring_rules): a `between` range is
-- `low..high` with numbers (either end may be empty, not both) and low <= high; an `in`
-- list has no empty entry; a count band (count_min / count_max) is an engagement rule,
-- counts from 0 up and count_min <= count_max; max_points, the cap on the size of the
-- rule's total (a penalty's too), is 0 or more. Change the seed, not the SQL, if this
-- fails: a rule that cannot be read would silently match nothing, and a negative cap
-- would be read as its absolute value by scored_contacts but not by the score timeline
-- and the alerts' score at the MQL moment.

with

rules as (

    select
        scoring_model,
        rule_id,
        category,
        match_type,
        match_value,
        is_count_band,
        count_min,
        count_max,
        max_points,
        {{ try_cast_as(
            "nullif(" ~ dbt.split_part('match_value', "'..'", 1) ~ ", '')", 'numeric') }}
            as range_low,
        {{ try_cast_as(
            "nullif(" ~ dbt.split_part('match_value', "'..'", 2) ~ ", '')", 'numeric') }}
            as range_high
    from {{ ref('int_scoring_rules_effective') }}

),

problems as (

    select
        scoring_model,
        rule_id,
        'between needs low..high with numbers, e.g. 51..200 or 1001..' as problem
    from rules
    where
        match_type = 'between'
        and (
            match_value not like '%..%'
            or match_value like '%..%..%'
            or match_value = '..'
            or (range_low is null and {{ dbt.split_part('match_value', "'..'", 1) }} != '')
            or (range_high is null and {{ dbt.split_part('match_value', "'..'", 2) }} != '')
            or range_low > range_high
        )
    union all
    select
        scoring_model,
        rule_id,
        'an in list has an empty entry (a leading, trailing or double |)' as problem
    from rules
    where
        match_type = 'in'
        and (
            match_value = ''
            or match_value like '|%'
            or match_value like '%|'
            or match_value like '%||%'
        )
    union all
    select
        scoring_model,
        rule_id,
        'a count band (count_min, count_max) needs an engagement rule' as problem
    from rules
    where is_count_band and category != 'engagement'
    union all
    select
        scoring_model,
        rule_id,
        'a count band needs 0 <= count_min <= count_max' as problem
    from rules
    where
        count_min < 0
        or count_max < 0
        or count_max < count_min
    union all
    select
        scoring_model,
        rule_id,
        'max_points caps the size of a rule total: write it as 0 or more (a penalty too)'
            as problem
    from rules
    where max_points < 0

)

select * from problems
