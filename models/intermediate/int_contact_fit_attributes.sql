-- Who each contact is, as one row per contact and attribute (long form), so that fit
-- rules in the seed scoring_rules match any attribute with one join: the rule's signal is
-- the attribute name and its match_type / match_value say which values match (macro
-- value_matches). employee_count is the account's number (for `between` ranges), null when
-- unknown or impossible; email_opt_out is 'true' or 'false'.

{%- set attributes = {
    'seniority': 'seniority',
    'department': 'department',
    'company_size_band': 'company_size_band',
    'employee_count': 'employee_count',
    'industry': 'industry_key',
    'country': 'lower(country_code)',
    'is_target_account': "case when is_target_account then 'true' else 'false' end",
    'email_type': 'email_type',
    'email_opt_out': "case when has_email_opt_out then 'true' else 'false' end",
    'lead_source': regex_replace_all('lead_source', '[ -]+', '_'),
} %}

with

contacts as (

    select * from {{ ref('int_contacts_deduplicated') }}

),

final as (

    {%- for attribute, expression in attributes.items() %}
        select
            contact_id,
            '{{ attribute }}' as attribute,
            cast({{ expression }} as {{ dbt.type_string() }}) as attribute_value
        from contacts
        where {{ expression }} is not null
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

)

select * from final
