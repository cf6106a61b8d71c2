-- What if the threshold moved? Per scoring model and candidate lead-score threshold (0 to
-- 100 in steps of 5), over the backtest's snapshots whose outcome window is complete: how
-- many contacts were at or above it per snapshot (the number sales would be working), how
-- many newly reached it since the previous snapshot (the volume it would send to sales per
-- backtest_interval_days, about a month), their conversion rate within the window
-- (precision), the share of all conversions that were at or above it (recall), and the
-- median days from the snapshot to the conversion. Note 004's threshold stress test:
-- "what happens if we move the MQL threshold from 75 to 60?" The current lead and MQL
-- thresholds are flagged.

{%- set settings = backtest_settings() %}

with

backtest as (

    select * from {{ ref('score_backtest') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

thresholds as (

    {% for threshold in range(0, 101, 5) %}
        select {{ threshold }} as threshold
        {{ "union all" if not loop.last }}
    {% endfor %}

),

with_previous as (

    -- the contact's score at the previous snapshot, to count who newly reached a threshold
    select
        backtest.*,
        lag(backtest.lead_score) over (
            partition by backtest.contact_id, backtest.scoring_model
            order by backtest.snapshot_number
        ) as previous_lead_score,
        lag(backtest.snapshot_number) over (
            partition by backtest.contact_id, backtest.scoring_model
            order by backtest.snapshot_number
        ) as previous_snapshot_number
    from backtest

),

complete as (

    select *
    from with_previous
    where is_outcome_complete

),

snapshot_count as (

    select count(distinct snapshot_number) as snapshots
    from complete

),

conversions as (

    select
        scoring_model,
        sum(case when converted_in_window then 1 else 0 end) as conversions
    from complete
    group by scoring_model

),

crossed as (

    select
        complete.scoring_model,
        thresholds.threshold,
        count(*) as contacts_at_or_above,
        sum(
            case
                when
                    complete.previous_snapshot_number = complete.snapshot_number - 1
                    and complete.previous_lead_score < thresholds.threshold
                    then 1
                else 0
            end
        ) as newly_at_or_above,
        sum(case when complete.converted_in_window then 1 else 0 end) as conversions_at_or_above,
        {{ median(
            "case when complete.converted_in_window then "
            ~ dbt.datediff('complete.snapshot_at', 'complete.converted_at', 'second')
            ~ " / 86400e0 end") }} as median_days_to_conversion
    from complete
    inner join thresholds
        on complete.lead_score >= thresholds.threshold
    group by complete.scoring_model, thresholds.threshold

),

final as (

    select
        model_config.scoring_model,
        thresholds.threshold,
        cast(
            1e0 * coalesce(crossed.contacts_at_or_above, 0) / snapshot_count.snapshots
            as {{ type_double() }}
        ) as contacts_per_snapshot,
        cast(
            1e0 * coalesce(crossed.newly_at_or_above, 0) / snapshot_count.snapshots
            as {{ type_double() }}
        ) as new_contacts_per_snapshot,
        cast(
            case
                when crossed.contacts_at_or_above > 0
                    then 1e0 * crossed.conversions_at_or_above / crossed.contacts_at_or_above
            end as {{ type_double() }}
        ) as precision,  -- noqa: RF04
        cast(
            case
                when conversions.conversions > 0
                    then
                        1e0 * coalesce(crossed.conversions_at_or_above, 0) / conversions.conversions
            end as {{ type_double() }}
        ) as recall,
        cast(crossed.median_days_to_conversion as {{ type_double() }})
            as median_days_to_conversion,
        cast(coalesce(crossed.contacts_at_or_above, 0) as {{ dbt.type_bigint() }})
            as contacts_at_or_above,
        cast(coalesce(crossed.conversions_at_or_above, 0) as {{ dbt.type_bigint() }})
            as conversions_at_or_above,
        thresholds.threshold = model_config.lead_threshold as is_lead_threshold,
        thresholds.threshold = model_config.mql_threshold as is_mql_threshold,
        {{ build_columns() }}
    from model_config
    cross join thresholds
    cross join snapshot_count
    left join crossed
        on
            model_config.scoring_model = crossed.scoring_model
            and thresholds.threshold = crossed.threshold
    left join conversions
        on model_config.scoring_model = conversions.scoring_model
    where snapshot_count.snapshots > 0

)

select * from final
