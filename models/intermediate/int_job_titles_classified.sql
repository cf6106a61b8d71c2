-- One row per distinct normalized job title: the seniority and the department read from it
-- with the keyword map (seed title_keywords). A keyword matches a whole word or phrase of
-- the title; when several match, the lowest priority number wins, separately for seniority
-- and for department. Classifying distinct titles (hundreds) instead of contacts (millions)
-- keeps the keyword scan small.

with

contacts as (

    select job_title_key from {{ ref('stg_crm__contacts') }}

),

keywords as (

    select
        {{ normalize_key('keyword') }} as keyword,
        {{ normalize_key('seniority') }} as seniority,
        {{ normalize_key('department') }} as department,
        priority
    from {{ ref('title_keywords') }}

),

titles as (

    select distinct job_title_key
    from contacts
    where job_title_key is not null and job_title_key != ''

),

matches as (

    select
        titles.job_title_key,
        keywords.keyword,
        keywords.seniority,
        keywords.department,
        keywords.priority
    from titles
    inner join keywords
        on ' ' || titles.job_title_key || ' ' like '% ' || keywords.keyword || ' %'

),

seniority_ranked as (

    select
        job_title_key,
        seniority,
        keyword,
        row_number() over (
            partition by job_title_key
            order by priority asc, length(keyword) desc, keyword
        ) as match_rank
    from matches
    where seniority is not null

),

department_ranked as (

    select
        job_title_key,
        department,
        keyword,
        row_number() over (
            partition by job_title_key
            order by priority asc, length(keyword) desc, keyword
        ) as match_rank
    from matches
    where department is not null

),

final as (

    select
        titles.job_title_key,
        coalesce(seniority_ranked.seniority, 'unknown') as seniority,
        coalesce(department_ranked.department, 'unknown') as department,
        seniority_ranked.keyword as seniority_keyword,
        department_ranked.keyword as department_keyword
    from titles
    left join seniority_ranked
        on
            titles.job_title_key = seniority_ranked.job_title_key
            and seniority_ranked.match_rank = 1
    left join department_ranked
        on
            titles.job_title_key = department_ranked.job_title_key
            and department_ranked.match_rank = 1

)

select * from final
