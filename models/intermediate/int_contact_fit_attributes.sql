-- Who each contact is, as one row per contact and attribute (long form), so that fit
-- rules in the seed scoring_rules match any attribute with one join: the rule's signal is
-- the attribute name and its match_value a LIKE pattern on the attribute value.

{%- set attributes = {
    'seniority': 'seniority',
    'department': 'department',
    'company_size_band': 'company_size_band',
    'industry': 'industry_key',
    'country': 'lower(country_code)',
    'is_target_account': "case when is_target_account then 'true' else 'false' end",
    'email_type': 'email_type',
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
