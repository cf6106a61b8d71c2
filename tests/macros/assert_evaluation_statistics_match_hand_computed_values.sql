-- The evaluation's statistics macros against values computed by hand (and found in
-- published tables of the Wilson interval): 3 of 10 -> 0.1078..0.6032, 0 of 5 -> 0..0.4345,
-- 5 of 5 -> 0.5655..1, 1 of 1000 -> 0.00018..0.00564; the log-odds ratio of 10 of 100
-- converting with a rule against 20 of 900 without it, half a count added to each cell:
-- ln(10.5 * 880.5 / (90.5 * 20.5)) = 1.60609, standard error 0.39523. Any row returned is
-- a statistic off by more than its rounding.

with

wilson_cases as (

    select 3 as conversions, 10 as contacts, 0.107789 as expected_low, 0.603227 as expected_high
    union all
    select 0, 5, 0.0, 0.434491
    union all
    select 5, 5, 0.565509, 1.0
    union all
    select 1, 1000, 0.000177, 0.005643

),

wilson as (

    select
        *,
        {{ wilson_interval('conversions', 'contacts') }}
    from wilson_cases

),

odds_case as (

    select
        {{ log_odds_ratio('10', '90', '20', '880') }}

),

failures as (

    select
        'wilson ' || cast(conversions as {{ dbt.type_string() }}) || ' of '
        || cast(contacts as {{ dbt.type_string() }}) as failed_case
    from wilson
    where abs(ci_low - expected_low) > 0.000001 or abs(ci_high - expected_high) > 0.000001
    union all
    select 'log odds ratio' as failed_case
    from odds_case
    where abs(log_odds_ratio - 1.6060904) > 0.000001 or abs(log_odds_ratio_se - 0.3952265) > 0.000001

)

select * from failures
