-- The account view of the lead score (account-based marketing): one row per account and
-- scoring model, for every account with at least one scored contact, as of the scoring date.
--   account fit         the fit rules on account attributes (industry, company size or
--                       employee count, named target account), counted once per account,
--                       within the fit bounds (the scored-contact arithmetic: the cap
--                       bounds the positive points, penalties apply after it);
--   account engagement  the engagement scores of the account's top N contacts summed (the
--                       Marketo practice), capped at account_engagement_max_points;
--   account lead score  fit + engagement.
-- A contact counts as disqualified here when the scoring engine disqualified it or its
-- current lifecycle stage is `disqualified` (sales rejected it): it adds no engagement, is
-- never the best contact and does not lift the account stage. N, the cap and the
-- engaged-contact threshold come from the seed scoring_settings.

-- Stage ranks (which stage is higher) come from the seed lifecycle_stages.

with

scored as (

    select * from {{ ref('scored_contacts') }}

),

lifecycle as (

    select * from {{ ref('contact_lifecycle') }}

),

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

components as (

    select * from {{ ref('int_score_components') }}

),

rules as (

    select * from {{ ref('int_scoring_rules_effective') }}

),

model_config as (

    select * from {{ ref('int_scoring_model_config') }}

),

usable_accounts as (

    select
        account_id,
        account_name,
        is_target_account
    from accounts
    where not is_excluded

),

account_contacts as (

    select
        scored.contact_id,
        scored.scoring_model,
        scored.account_id,
        scored.engagement_score,
        scored.lead_score,
        lifecycle.lifecycle_stage,
        lifecycle_stages.stage_rank,
        scored.is_disqualified or coalesce(lifecycle.lifecycle_stage = 'disqualified', false)
            as is_disqualified,
        contacts.seniority,
        contacts.department,
        model_config.engaged_contact_min_engagement
    from scored
    inner join model_config
        on
            scored.scoring_model = model_config.scoring_model
            and not model_config.is_shadow
    left join lifecycle
        on
            scored.contact_id = lifecycle.contact_id
            and scored.scoring_model = lifecycle.scoring_model
    left join lifecycle_stages
        on lifecycle.lifecycle_stage = lifecycle_stages.stage
    left join contacts
        on scored.contact_id = contacts.contact_id
    where scored.account_id is not null

),

account_fit_rules as (

    -- every contact of an account carries the same account attributes, so each matching
    -- rule is counted once per account
    select
        account_contacts.account_id,
        account_contacts.scoring_model,
        components.rule_id,
        max(components.points_after_cap) as points_after_cap
    from account_contacts
    inner join components
        on
            account_contacts.contact_id = components.contact_id
            and account_contacts.scoring_model = components.scoring_model
    inner join rules
        on
            components.scoring_model = rules.scoring_model
            and components.rule_id = rules.rule_id
    where
        rules.category = 'fit'
        and rules.signal in ('industry', 'company_size_band', 'employee_count', 'is_target_account')
    group by
        account_contacts.account_id,
        account_contacts.scoring_model,
        components.rule_id

),

account_fit as (

    select
        account_id,
        scoring_model,
        {{ positive_sum('points_after_cap') }} as positive_points,
        {{ penalty_sum('points_after_cap') }} as penalty_points
    from account_fit_rules
    group by account_id, scoring_model

),

qualified_contacts_ranked as (

    select
        contact_id,
        account_id,
        scoring_model,
        engagement_score,
        lead_score,
        lifecycle_stage,
        seniority,
        department,
        engagement_score >= engaged_contact_min_engagement as is_engaged,
        row_number() over (
            partition by account_id, scoring_model
            order by engagement_score desc, contact_id asc
        ) as engagement_rank,
        row_number() over (
            partition by account_id, scoring_model
            order by lead_score desc, engagement_score desc, contact_id asc
        ) as lead_score_rank
    from account_contacts
    where not is_disqualified

),

account_engagement as (

    select
        qualified_contacts_ranked.account_id,
        qualified_contacts_ranked.scoring_model,
        sum(
            case
                when
                    qualified_contacts_ranked.engagement_rank
                    <= model_config.account_top_contacts_count
                    then qualified_contacts_ranked.engagement_score
                else 0
            end
        ) as top_contacts_engagement_points,
        count(case when qualified_contacts_ranked.is_engaged then 1 end) as engaged_contacts
    from qualified_contacts_ranked
    inner join model_config
        on qualified_contacts_ranked.scoring_model = model_config.scoring_model
    group by qualified_contacts_ranked.account_id, qualified_contacts_ranked.scoring_model

),

best_contacts as (

    select
        account_id,
        scoring_model,
        contact_id as best_contact_id,
        lead_score as best_contact_lead_score,
        lifecycle_stage as best_contact_lifecycle_stage
    from qualified_contacts_ranked
    where lead_score_rank = 1

),

engaged_roles as (

    -- the buying committee covered: the distinct known seniorities and departments of the
    -- engaged contacts
    select distinct
        account_id,
        scoring_model,
        'seniority' as role_type,
        seniority as role_name
    from qualified_contacts_ranked
    where is_engaged and seniority != 'unknown'

    union all

    select distinct
        account_id,
        scoring_model,
        'department' as role_type,
        department as role_name
    from qualified_contacts_ranked
    where is_engaged and department != 'unknown'

),

buying_committee as (

    select
        account_id,
        scoring_model,
        role_type,
        {{ dbt.listagg('role_name', "', '", 'order by role_name') }} as role_names,
        count(*) as role_count
    from engaged_roles
    group by account_id, scoring_model, role_type

),

account_stages as (

    select
        account_id,
        scoring_model,
        count(*) as total_contacts,
        count(case when is_disqualified then 1 end) as disqualified_contacts,
        max(case when not is_disqualified then stage_rank end) as qualified_stage_rank
    from account_contacts
    group by account_id, scoring_model

),

rolled_up as (

    select
        account_stages.account_id,
        account_stages.scoring_model,
        usable_accounts.account_name,
        coalesce(usable_accounts.is_target_account, false) as is_target_account,
        {{ category_points(
            'account_fit.positive_points', 'account_fit.penalty_points',
            'model_config.fit_min_points', 'model_config.fit_max_points') }}
            as account_fit_score,
        {{ clamp(
            'coalesce(account_engagement.top_contacts_engagement_points, 0)',
            '0', 'model_config.account_engagement_max_points') }}
            as account_engagement_score,
        coalesce(account_engagement.engaged_contacts, 0) as engaged_contacts,
        account_stages.total_contacts,
        account_stages.disqualified_contacts,
        engaged_seniorities.role_names as engaged_seniorities,
        coalesce(engaged_seniorities.role_count, 0) as seniorities_engaged,
        engaged_departments.role_names as engaged_departments,
        coalesce(engaged_departments.role_count, 0) as departments_engaged,
        best_contacts.best_contact_id,
        best_contacts.best_contact_lead_score,
        best_contacts.best_contact_lifecycle_stage,
        case
            when account_stages.disqualified_contacts = account_stages.total_contacts
                then 'disqualified'
            else account_stage_names.stage
        end as account_stage
    from account_stages
    inner join model_config
        on account_stages.scoring_model = model_config.scoring_model
    left join usable_accounts
        on account_stages.account_id = usable_accounts.account_id
    left join lifecycle_stages as account_stage_names
        on account_stages.qualified_stage_rank = account_stage_names.stage_rank
    left join account_fit
        on
            account_stages.account_id = account_fit.account_id
            and account_stages.scoring_model = account_fit.scoring_model
    left join account_engagement
        on
            account_stages.account_id = account_engagement.account_id
            and account_stages.scoring_model = account_engagement.scoring_model
    left join buying_committee as engaged_seniorities
        on
            account_stages.account_id = engaged_seniorities.account_id
            and account_stages.scoring_model = engaged_seniorities.scoring_model
            and engaged_seniorities.role_type = 'seniority'
    left join buying_committee as engaged_departments
        on
            account_stages.account_id = engaged_departments.account_id
            and account_stages.scoring_model = engaged_departments.scoring_model
            and engaged_departments.role_type = 'department'
    left join best_contacts
        on
            account_stages.account_id = best_contacts.account_id
            and account_stages.scoring_model = best_contacts.scoring_model

),

final as (

    select
        account_id,
        scoring_model,
        account_name,
        is_target_account,
        cast(account_fit_score as decimal(7, 2)) as account_fit_score,
        cast(account_engagement_score as decimal(7, 2)) as account_engagement_score,
        cast(account_fit_score + account_engagement_score as decimal(7, 2))
            as account_lead_score,
        account_stage,
        engaged_contacts,
        total_contacts,
        disqualified_contacts,
        engaged_seniorities,
        seniorities_engaged,
        engaged_departments,
        departments_engaged,
        best_contact_id,
        cast(best_contact_lead_score as decimal(7, 2)) as best_contact_lead_score,
        best_contact_lifecycle_stage,
        {{ build_columns() }}
    from rolled_up

)

select * from final
