-- How well each score ranks who converts: per scoring model, score (lead, fit,
-- engagement) and snapshot, and over all snapshots together (snapshot_at empty), on the
-- backtest's snapshots whose outcome window is complete. AUC is the chance that a contact
-- who converted scored higher than one who did not (ties count half; 0.5 = chance),
-- computed from average ranks (Mann-Whitney); the top decile and top 5% are the best
-- scored contacts (ties broken by a hash of contact_id, so the same every run); lift is
-- their conversion rate over the base rate; the score is monotone unless a higher
-- decile converts clearly less than a lower one (Wilson 95% intervals apart).
-- The literals 1e0 and 2e0 are doubles on DuckDB and Spark (Spark reads 1.0 as a decimal
-- and divides decimals to 6 places only; PostgreSQL computes them as exact numerics).

{%- set scores = ['lead_score', 'fit_score', 'engagement_score'] %}

with

backtest as (

    select * from {{ ref('score_backtest') }}
    where is_outcome_complete

),

scored as (

    -- one row per contact, snapshot, model and score, in the two scopes: the snapshot
    -- itself (scope = its number), and every snapshot together (scope -1, snapshot empty)
    {%- set parts = [] %}
    {%- for score in scores %}
        {%- for whole in [false, true] %}
            {%- do parts.append((score, whole)) %}
        {%- endfor %}
    {%- endfor %}
    {% for score, whole in parts %}
        select
            scoring_model,
            '{{ score }}' as score_name,
            {% if whole %}
                -1 as scope,
                cast(null as {{ dbt.type_timestamp() }}) as scope_snapshot_at,
            {% else %}
                snapshot_number as scope,
                snapshot_at as scope_snapshot_at,
            {% endif %}
            snapshot_number,
            contact_id,
            cast({{ score }} as {{ type_double() }}) as score,
            case when converted_in_window then 1 else 0 end as converted
        from backtest
        {{ "union all" if not loop.last }}
    {% endfor %}

),

by_value as (

    select
        scoring_model,
        score_name,
        scope,
        scope_snapshot_at,
        score,
        count(*) as contacts,
        sum(converted) as conversions
    from scored
    group by scoring_model, score_name, scope, scope_snapshot_at, score

),

ranked_values as (

    -- the average rank of a tied value is the ranks below it plus the middle of its own
    select
        *,
        (sum(contacts) over value_order) - contacts + (contacts + 1) / 2e0 as average_rank
    from by_value
    window value_order as (
        partition by scoring_model, score_name, scope
        order by score
        rows between unbounded preceding and current row
    )

),

auc as (

    select
        scoring_model,
        score_name,
        scope,
        scope_snapshot_at,
        sum(contacts) as contacts,
        sum(conversions) as conversions,
        case
            when sum(conversions) > 0 and sum(contacts) > sum(conversions)
                then (
                    sum(conversions * average_rank)
                    - sum(conversions) * (sum(conversions) + 1) / 2e0
                ) / (1e0 * sum(conversions) * (sum(contacts) - sum(conversions)))
        end as auc
    from ranked_values
    group by scoring_model, score_name, scope, scope_snapshot_at

),

tiles as (

    select
        scoring_model,
        score_name,
        scope,
        converted,
        ntile(10) over score_order as decile,
        ntile(20) over score_order as twentieth
    from scored
    window score_order as (
        partition by scoring_model, score_name, scope
        order by score desc, {{ dbt.hash('contact_id') }}, snapshot_number asc
    )

),

deciles as (

    select
        scoring_model,
        score_name,
        scope,
        decile,
        count(*) as contacts,
        sum(converted) as conversions,
        {{ wilson_interval('sum(converted)', 'count(*)') }}
    from tiles
    group by scoring_model, score_name, scope, decile

),

top_twentieth as (

    select
        scoring_model,
        score_name,
        scope,
        1e0 * sum(converted) / count(*) as top_5_percent_conversion_rate
    from tiles
    where twentieth = 1
    group by scoring_model, score_name, scope

),

reversals as (

    -- a better decile (smaller number) that converts clearly less than a worse one
    select distinct
        better.scoring_model,
        better.score_name,
        better.scope
    from deciles as better
    inner join deciles as worse
        on
            better.scoring_model = worse.scoring_model
            and better.score_name = worse.score_name
            and better.scope = worse.scope
            and better.decile < worse.decile
    where better.ci_high < worse.ci_low

),

final as (

    select
        auc.scoring_model,
        auc.score_name,
        auc.scope_snapshot_at as snapshot_at,
        cast(auc.contacts as {{ dbt.type_bigint() }}) as contacts,
        cast(auc.conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(1e0 * auc.conversions / auc.contacts as {{ type_double() }}) as base_rate,
        cast(auc.auc as {{ type_double() }}) as auc,
        cast(1e0 * top_decile.conversions / top_decile.contacts as {{ type_double() }})
            as top_decile_conversion_rate,
        cast(
            case
                when auc.conversions > 0
                    then
                        (1e0 * top_decile.conversions / top_decile.contacts)
                        / (1e0 * auc.conversions / auc.contacts)
            end as {{ type_double() }}
        ) as top_decile_lift,
        cast(top_twentieth.top_5_percent_conversion_rate as {{ type_double() }})
            as top_5_percent_conversion_rate,
        cast(
            case
                when auc.conversions > 0
                    then
                        top_twentieth.top_5_percent_conversion_rate
                        / (1e0 * auc.conversions / auc.contacts)
            end as {{ type_double() }}
        ) as top_5_percent_lift,
        reversals.scoring_model is null as is_monotone,
        {{ build_columns() }}
    from auc
    inner join deciles as top_decile
        on
            auc.scoring_model = top_decile.scoring_model
            and auc.score_name = top_decile.score_name
            and auc.scope = top_decile.scope
            and top_decile.decile = 1
    inner join top_twentieth
        on
            auc.scoring_model = top_twentieth.scoring_model
            and auc.score_name = top_twentieth.score_name
            and auc.scope = top_twentieth.scope
    left join reversals
        on
            auc.scoring_model = reversals.scoring_model
            and auc.score_name = reversals.score_name
            and auc.scope = reversals.scope

)

select * from final
