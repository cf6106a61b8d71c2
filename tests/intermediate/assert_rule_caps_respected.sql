-- No rule contributes more than its cap (in absolute value) to one contact's score.

select
    contact_id,
    scoring_model,
    rule_id,
    points_after_cap,
    max_points
from {{ ref('int_score_components') }}
where abs(points_after_cap) > abs(max_points) + 0.000001
