-- Does each rule earn its points? Per scoring model and rule (every fit and engagement
-- rule, and every enabled disqualification reason), over the backtest's snapshots whose
-- outcome window is complete: how many contact-snapshots the rule fired for, their
-- conversion rate against the rate of the others, the lift (rate with the rule over the
-- base rate), the log-odds ratio with its 95% interval, the points it gives today, and a
-- verdict:
--   supports      the evidence agrees with the sign of the rule's points (a positive rule's
--                 contacts convert more, a penalty's less; a disqualification's contacts
--                 convert less than the rest);
--   contradicts   it disagrees with the interval excluding zero (a zero-point rule whose
--                 contacts convert clearly differently; a disqualification whose contacts
--                 convert at or above the rest, named first: audit_rank 1);
--   inconclusive  too few contact-snapshots with or without the rule (scoring_settings
--                 audit_min_contacts), or the evidence leans the other way within noise.
-- Fit and engagement rules are judged on the contacts that were not disqualified at the
-- snapshot (a disqualified contact's points do not reach sales); disqualification reasons
-- on everyone. A fit rule fires when the attribute matches; an engagement rule when its
-- matching events, weighted by decay, count at least 0.5 at the snapshot (a count band:
-- when the count is within the band, which for a band from 0 is also no event at all).

with

backtest as (

    select
        contact_id,
        scoring_model,
        snapshot_number,
        is_disqualified,
        case when converted_in_window then 1 else 0 end as converted
    from {{ ref('score_backtest') }}
    where is_outcome_complete

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

disqualification_rules as (

    select
        scoring_model,
        reason_code,
        priority
    from {{ ref('int_disqualification_rules_effective') }}
    where is_enabled

),

totals as (

    select
        scoring_model,
        sum(case when not is_disqualified then 1 else 0 end) as scored_contacts,
        sum(case when not is_disqualified then converted else 0 end) as scored_conversions,
        count(*) as all_contacts,
        sum(converted) as all_conversions
    from backtest
    group by scoring_model

),

fit_fired as (

    select
        backtest.scoring_model,
        components.rule_id,
        count(*) as contacts_with,
        sum(backtest.converted) as conversions_with
    from backtest
    inner join {{ ref('int_score_components') }} as components
        on
            backtest.contact_id = components.contact_id
            and backtest.scoring_model = components.scoring_model
    where components.category = 'fit' and not backtest.is_disqualified
    group by backtest.scoring_model, components.rule_id

),

engagement_fired as (

    select
        backtest.scoring_model,
        components.rule_id,
        count(*) as contacts_with,
        sum(backtest.converted) as conversions_with
    from backtest
    inner join {{ ref('int_score_backtest_components') }} as components
        on
            backtest.contact_id = components.contact_id
            and backtest.snapshot_number = components.snapshot_number
            and backtest.scoring_model = components.scoring_model
    where
        (components.is_count_band or components.decayed_event_count >= 0.5)
        and not backtest.is_disqualified
    group by backtest.scoring_model, components.rule_id

),

disqualification_fired as (

    select
        backtest.scoring_model,
        disqualification_rules.reason_code as rule_id,
        count(*) as contacts_with,
        sum(backtest.converted) as conversions_with
    from backtest
    inner join {{ ref('int_backtest_disqualified') }} as disqualified
        on
            backtest.contact_id = disqualified.contact_id
            and backtest.snapshot_number = disqualified.snapshot_number
            and backtest.scoring_model = disqualified.scoring_model
    inner join disqualification_rules
        on
            backtest.scoring_model = disqualification_rules.scoring_model
            and ', ' || disqualified.all_disqualification_reasons || ', '
            like '%, ' || disqualification_rules.reason_code || ', %'
    group by backtest.scoring_model, disqualification_rules.reason_code

),

audited_rules as (

    -- every rule of every model, fired or not
    select
        rules.scoring_model,
        rules.category as rule_kind,
        rules.rule_id,
        rules.reason_text,
        rules.points as current_points,
        rules.max_points as current_max_points,
        coalesce(fit_fired.contacts_with, engagement_fired.contacts_with, 0) as contacts_with,
        coalesce(fit_fired.conversions_with, engagement_fired.conversions_with, 0)
            as conversions_with,
        totals.scored_contacts as contacts,
        totals.scored_conversions as conversions
    from rules
    inner join totals
        on rules.scoring_model = totals.scoring_model
    left join fit_fired
        on
            rules.category = 'fit'
            and rules.scoring_model = fit_fired.scoring_model
            and rules.rule_id = fit_fired.rule_id
    left join engagement_fired
        on
            rules.category = 'engagement'
            and rules.scoring_model = engagement_fired.scoring_model
            and rules.rule_id = engagement_fired.rule_id
    union all
    select
        totals.scoring_model,
        'disqualification' as rule_kind,
        disqualification_rules.reason_code as rule_id,
        'Disqualified: ' || replace(disqualification_rules.reason_code, '_', ' ') as reason_text,
        cast(null as {{ type_double() }}) as current_points,
        cast(null as {{ type_double() }}) as current_max_points,
        coalesce(disqualification_fired.contacts_with, 0) as contacts_with,
        coalesce(disqualification_fired.conversions_with, 0) as conversions_with,
        totals.all_contacts as contacts,
        totals.all_conversions as conversions
    from totals
    inner join disqualification_rules
        on totals.scoring_model = disqualification_rules.scoring_model
    left join disqualification_fired
        on
            totals.scoring_model = disqualification_fired.scoring_model
            and disqualification_rules.reason_code = disqualification_fired.rule_id

),

measured as (

    select
        audited_rules.*,
        audited_rules.contacts - audited_rules.contacts_with as contacts_without,
        audited_rules.conversions - audited_rules.conversions_with as conversions_without,
        {{ log_odds_ratio(
            'audited_rules.conversions_with',
            'audited_rules.contacts_with - audited_rules.conversions_with',
            'audited_rules.conversions - audited_rules.conversions_with',
            '(audited_rules.contacts - audited_rules.contacts_with)'
            ~ ' - (audited_rules.conversions - audited_rules.conversions_with)') }},
        model_config.audit_min_contacts
    from audited_rules
    inner join model_config
        on audited_rules.scoring_model = model_config.scoring_model

),

rated as (

    select
        *,
        case when contacts_with > 0 then 1e0 * conversions_with / contacts_with end
            as conversion_rate_with,
        case when contacts_without > 0 then 1e0 * conversions_without / contacts_without end
            as conversion_rate_without,
        log_odds_ratio - 1.96 * log_odds_ratio_se as ci_low,
        log_odds_ratio + 1.96 * log_odds_ratio_se as ci_high,
        -- a rule that fired for nobody (or everybody) has no comparison to make
        contacts_with > 0 and contacts_without > 0 as is_comparable
    from measured

),

judged as (

    select
        *,
        case
            when contacts_with < audit_min_contacts or contacts_without < audit_min_contacts
                then 'inconclusive'
            when rule_kind = 'disqualification'
                then case
                    when conversion_rate_with >= conversion_rate_without then 'contradicts'
                    else 'supports'
                end
            when current_points = 0
                then case
                    when ci_low > 0 or ci_high < 0 then 'contradicts'
                    else 'supports'
                end
            when (current_points > 0 and ci_high < 0) or (current_points < 0 and ci_low > 0)
                then 'contradicts'
            when
                (current_points > 0 and log_odds_ratio > 0)
                or (current_points < 0 and log_odds_ratio < 0)
                then 'supports'
            else 'inconclusive'
        end as verdict
    from rated

),

explained as (

    select
        *,
        case
            when contacts_with < audit_min_contacts
                then
                    'only ' || cast(contacts_with as {{ dbt.type_string() }})
                    || ' contact-snapshots with the rule (at least '
                    || cast(
                        cast(audit_min_contacts as {{ dbt.type_int() }}) as {{ dbt.type_string() }}
                    )
                    || ' needed)'
            when contacts_without < audit_min_contacts
                then
                    'only ' || cast(contacts_without as {{ dbt.type_string() }})
                    || ' contact-snapshots without the rule (at least '
                    || cast(
                        cast(audit_min_contacts as {{ dbt.type_int() }}) as {{ dbt.type_string() }}
                    )
                    || ' needed)'
            when verdict = 'contradicts' and rule_kind = 'disqualification' and ci_low > 0
                then 'disqualified contacts convert at or above the rest: the rule removes buyers'
            when verdict = 'contradicts' and rule_kind = 'disqualification'
                then
                    'disqualified contacts convert at or above the rest (the interval includes'
                    || ' zero: weak evidence, but none that the rule removes non-buyers)'
            when verdict = 'contradicts' and current_points = 0
                then
                    'the rule scores nothing, but its contacts convert clearly '
                    || case when log_odds_ratio > 0 then 'more' else 'less' end
                    || ' than the rest'
            when verdict = 'contradicts'
                then
                    'the rule gives '
                    || case when current_points > 0 then 'points' else 'a penalty' end
                    || ', but its contacts convert clearly '
                    || case when log_odds_ratio > 0 then 'more' else 'less' end
                    || ' than the rest'
            when verdict = 'inconclusive'
                then 'the evidence leans against the sign of its points, within noise'
            else 'the evidence agrees with the rule'
        end as verdict_detail,
        case
            when verdict = 'contradicts' and rule_kind = 'disqualification' then 1
            when verdict = 'contradicts' then 2
            when verdict = 'inconclusive' then 3
            else 4
        end as verdict_order
    from judged

),

final as (

    select
        scoring_model,
        rule_kind,
        rule_id,
        reason_text,
        cast(contacts_with as {{ dbt.type_bigint() }}) as contacts_with,
        cast(conversions_with as {{ dbt.type_bigint() }}) as conversions_with,
        cast(conversion_rate_with as {{ type_double() }}) as conversion_rate_with,
        cast(contacts_without as {{ dbt.type_bigint() }}) as contacts_without,
        cast(conversion_rate_without as {{ type_double() }}) as conversion_rate_without,
        cast(
            case when conversions > 0 then conversion_rate_with / (1e0 * conversions / contacts) end
            as {{ type_double() }}
        ) as lift,
        cast(case when is_comparable then log_odds_ratio end as {{ type_double() }})
            as log_odds_ratio,
        cast(case when is_comparable then ci_low end as {{ type_double() }}) as ci_low,
        cast(case when is_comparable then ci_high end as {{ type_double() }}) as ci_high,
        cast(current_points as {{ type_double() }}) as current_points,
        cast(current_max_points as {{ type_double() }}) as current_max_points,
        verdict,
        verdict_detail,
        cast(row_number() over (
            partition by scoring_model
            order by
                verdict_order asc,
                case when is_comparable then abs(log_odds_ratio) end desc nulls last,
                rule_id
        ) as {{ dbt.type_bigint() }}) as audit_rank,
        {{ build_columns() }}
    from explained

)

select * from final
