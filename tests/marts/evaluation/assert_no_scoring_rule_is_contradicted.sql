-- Warn: every rule whose evidence contradicts its points on this warehouse's own history
-- (marts.scoring_rule_audit, verdict contradicts; disqualifications that remove contacts
-- converting at or above the rest come first). Each row names the rule and the figures.

{{ config(severity='warn') }}

select
    scoring_model,
    rule_kind,
    rule_id,
    contacts_with,
    conversion_rate_with,
    conversion_rate_without,
    log_odds_ratio,
    current_points,
    verdict_detail
from {{ ref('scoring_rule_audit') }}
where verdict = 'contradicts'
