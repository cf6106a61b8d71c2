-- The contact-models the score timeline computes: one row per contact and scoring model
-- whose decay-free upper bound of the lead score reaches the lead threshold (every other
-- contact-model stays in its starting band and is skipped: about 60% on the demo data).
-- Disqualified contacts are not skipped: the backtest needs the ladder they walked before
-- an event disqualified them (the lifecycle puts the disqualification above it). With
-- the contact's fit score (constant: the CRM keeps only current values), the model's
-- bounds and thresholds, what the count bands that include 0 give every contact before
-- any event, and candidate_key, a compact integer key the timeline sorts by.

with

contacts as (

    select contact_id
    from {{ ref('int_contacts_deduplicated') }}
    where {{ contact_exists_at('created_at') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

rule_matches as (

    select * from {{ ref('int_engagement_rule_matches') }}

),

rules as (

    select * from {{ ref('int_lead_score_timeline__rules') }}

),

band_starts as (

    -- the count bands that include 0: every contact has their points before its first
    -- matching event (split into positive points and penalties)
    select
        scoring_model,
        sum(case when band_points > 0 then band_points else 0 end) as start_constant,
        sum(case when band_points < 0 then band_points else 0 end) as start_penalty
    from rules
    where
        is_count_band
        and {{ in_count_band('0') }}
    group by scoring_model

),

band_bounds as (

    -- a count band with positive points from count_min > 0 can only have fired when the
    -- contact had at least count_min matching events (a decayed count never exceeds the
    -- plain count up to the scoring date)
    select
        contact_id,
        scoring_model,
        sum(band_points) as band_upper_bound
    from (
        select
            rule_matches.contact_id,
            rules.scoring_model,
            rules.rule_id,
            rules.count_min,
            rules.band_points,
            sum(rule_matches.event_count) as event_count
        from rule_matches
        inner join rules
            on
                rule_matches.signal = rules.signal
                and rule_matches.match_type = rules.match_type
                and rule_matches.match_value = rules.match_value
                and rule_matches.half_life_days = rules.half_life_days
        inner join model_config
            on rules.scoring_model = model_config.scoring_model
        where
            rules.is_count_band
            and rules.points > 0
            and rules.count_min > 0
            and {{ in_product_line('model_config.product_line', 'rule_matches.product_line') }}
        group by
            rule_matches.contact_id,
            rules.scoring_model,
            rules.rule_id,
            rules.count_min,
            rules.band_points
    ) as band_counts
    where event_count >= count_min
    group by contact_id, scoring_model

),

component_bounds as (

    -- fit (constant) and a decay-free upper bound of the engagement per event a contact
    -- could ever have had: each positive rule at most its cap, or all its points undecayed
    select
        components.contact_id,
        components.scoring_model,
        {{ positive_sum('components.points_after_cap', "components.category = 'fit'") }}
            as fit_positive_points,
        {{ penalty_sum('components.points_after_cap', "components.category = 'fit'") }}
            as fit_penalty_points,
        sum(
            case
                when
                    components.category = 'engagement'
                    and components.points_per_match > 0
                    and not components.is_count_band
                    then
                        case
                            when components.points_before_decay < components.max_points
                                then components.points_before_decay
                            else components.max_points
                        end
                else 0
            end
        ) as engagement_upper_bound
    from components
    inner join contacts
        on components.contact_id = contacts.contact_id
    group by components.contact_id, components.scoring_model

),

contact_bounds as (

    -- every scorable contact and model: the bound adds the count bands it may have had
    select
        contacts.contact_id,
        model_config.scoring_model,
        coalesce(component_bounds.fit_positive_points, 0) as fit_positive_points,
        coalesce(component_bounds.fit_penalty_points, 0) as fit_penalty_points,
        coalesce(component_bounds.engagement_upper_bound, 0)
        + coalesce(band_bounds.band_upper_bound, 0)
        + coalesce(band_starts.start_constant, 0) as engagement_upper_bound
    from contacts
    cross join model_config
    left join component_bounds
        on
            contacts.contact_id = component_bounds.contact_id
            and model_config.scoring_model = component_bounds.scoring_model
    left join band_bounds
        on
            contacts.contact_id = band_bounds.contact_id
            and model_config.scoring_model = band_bounds.scoring_model
    left join band_starts
        on model_config.scoring_model = band_starts.scoring_model

),

final as (

    select
        contact_bounds.contact_id,
        model_config.scoring_model,
        model_config.product_line,
        {{ category_score(
            'contact_bounds.fit_positive_points', 'contact_bounds.fit_penalty_points',
            'model_config.fit_min_points', 'model_config.fit_max_points') }} as fit_score,
        model_config.engagement_min_points,
        model_config.engagement_max_points,
        model_config.total_min_points,
        model_config.total_max_points,
        model_config.lead_threshold,
        model_config.mql_threshold,
        coalesce(band_starts.start_constant, 0) as start_constant,
        coalesce(band_starts.start_penalty, 0) as start_penalty,
        -- a compact integer key: the timeline sorts millions of rows by it
        row_number() over (order by contact_bounds.contact_id, model_config.scoring_model)
            as candidate_key
    from contact_bounds
    inner join model_config
        on contact_bounds.scoring_model = model_config.scoring_model
    left join band_starts
        on contact_bounds.scoring_model = band_starts.scoring_model
    where
        {{ clamp(
            category_points(
                'contact_bounds.fit_positive_points', 'contact_bounds.fit_penalty_points',
                'model_config.fit_min_points', 'model_config.fit_max_points')
            ~ ' + ' ~ clamp('contact_bounds.engagement_upper_bound',
                'model_config.engagement_min_points', 'model_config.engagement_max_points'),
            'model_config.total_min_points', 'model_config.total_max_points') }}
        >= model_config.lead_threshold

)

select * from final
