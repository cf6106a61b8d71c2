-- highest_stage never lies below the current stage, and matches the stage dates.

{%- set ranks = {
    'disqualified': 0, 'prospect': 1, 'lead': 2, 'mql': 3, 'sal': 4, 'sql': 5, 'customer': 6,
} %}

with

lifecycle as (

    select
        {% for column in ['lifecycle_stage', 'highest_stage'] %}
            case {{ column }}
                {% for stage, rank in ranks.items() %}
                    when '{{ stage }}' then {{ rank }}
                {% endfor %}
            end as {{ column }}_rank,
        {% endfor %}
        contact_lifecycle.*
    from {{ ref('contact_lifecycle') }} as contact_lifecycle

)

select
    contact_id,
    scoring_model,
    lifecycle_stage,
    highest_stage
from lifecycle
where
    highest_stage_rank < lifecycle_stage_rank
    or (highest_stage_rank >= 2) != (became_lead_at is not null)
    or (highest_stage_rank >= 3) != (became_mql_at is not null)
    or (highest_stage_rank >= 6) != (became_customer_at is not null)
