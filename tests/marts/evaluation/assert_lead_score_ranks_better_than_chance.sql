-- Warn: on this warehouse's own history the lead score of a scoring model ranks who
-- converts poorly (AUC below 0.6 over all complete backtest snapshots) or not in order (a
-- better-scored decile converts clearly less than a worse one). The default rules may not
-- fit this business: read marts.scoring_rule_audit, and `leadscore calibrate` proposes
-- weights fitted on this data.

{{ config(severity='warn') }}

select
    scoring_model,
    contacts,
    conversions,
    auc,
    is_monotone
from {{ ref('score_evaluation') }}
where
    score_name = 'lead_score'
    and snapshot_at is null
    and conversions > 0
    and (auc < 0.6 or not is_monotone)
