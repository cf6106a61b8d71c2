-- Conversion by band of the score, per scoring model, over the backtest's snapshots whose
-- outcome window is complete: how many contact-snapshots fell in each band, how many
-- converted within the window, the rate and its Wilson 95% interval. Bands (band_type):
-- lead_score_decile (1 = the best-scored tenth), lead_score_band (0-9, 10-19, ... 90-100),
-- fit_grade, engagement_tier, score_matrix, lifecycle_stage and disqualified (yes / no).
-- band_order sorts the bands from best to worst (lowest number first).

with

backtest as (

    select
        *,
        ntile(10) over (
            partition by scoring_model
            order by lead_score desc, {{ dbt.hash('contact_id') }}, snapshot_number asc
        ) as lead_score_decile
    from {{ ref('score_backtest') }}
    where is_outcome_complete

),

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

banded as (

    select
        scoring_model,
        'lead_score_decile' as band_type,
        cast(lead_score_decile as {{ dbt.type_string() }}) as band,
        cast(lead_score_decile as {{ dbt.type_int() }}) as band_order,
        converted_in_window
    from backtest
    union all
    select
        scoring_model,
        'lead_score_band' as band_type,
        case
            when lead_score >= 90 then '90-100'
            else
                cast(
                    cast(
                        floor(lead_score / 10) * 10 as {{ dbt.type_int() }}
                    ) as {{ dbt.type_string() }}
                )
                || '-'
                || cast(
                    cast(
                        floor(lead_score / 10) * 10 + 9 as {{ dbt.type_int() }}
                    ) as {{ dbt.type_string() }}
                )
        end as band,
        10 - cast(least(floor(lead_score / 10), 9) as {{ dbt.type_int() }}) as band_order,
        converted_in_window
    from backtest
    union all
    select
        scoring_model,
        'fit_grade' as band_type,
        fit_grade as band,
        case fit_grade when 'A' then 1 when 'B' then 2 when 'C' then 3 else 4 end as band_order,
        converted_in_window
    from backtest
    union all
    select
        scoring_model,
        'engagement_tier' as band_type,
        cast(engagement_tier as {{ dbt.type_string() }}) as band,
        engagement_tier as band_order,
        converted_in_window
    from backtest
    union all
    select
        scoring_model,
        'score_matrix' as band_type,
        score_matrix as band,
        (case fit_grade when 'A' then 0 when 'B' then 1 when 'C' then 2 else 3 end) * 3
        + engagement_tier as band_order,
        converted_in_window
    from backtest
    union all
    select
        backtest.scoring_model,
        'lifecycle_stage' as band_type,
        backtest.lifecycle_stage as band,
        -- the highest stage below customer first (sql 1, sal 2 ... prospect 5), then the rest
        case
            when lifecycle_stages.stage_rank between 1 and 5 then 6 - lifecycle_stages.stage_rank
            else 6
        end as band_order,
        backtest.converted_in_window
    from backtest
    left join lifecycle_stages
        on backtest.lifecycle_stage = lifecycle_stages.stage
    union all
    select
        scoring_model,
        'disqualified' as band_type,
        case when is_disqualified then 'yes' else 'no' end as band,
        case when is_disqualified then 2 else 1 end as band_order,
        converted_in_window
    from backtest

),

counted as (

    select
        scoring_model,
        band_type,
        band,
        band_order,
        count(*) as contacts,
        sum(case when converted_in_window then 1 else 0 end) as conversions
    from banded
    group by scoring_model, band_type, band, band_order

),

final as (

    select
        scoring_model,
        band_type,
        band,
        cast(band_order as {{ dbt.type_int() }}) as band_order,
        cast(contacts as {{ dbt.type_bigint() }}) as contacts,
        cast(conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(1e0 * conversions / contacts as {{ type_double() }}) as conversion_rate,
        {{ wilson_interval('conversions', 'contacts') }},
        {{ build_columns() }}
    from counted

)

select * from final
