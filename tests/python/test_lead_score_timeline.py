"""The lead score timeline against brute force.

int_lead_score_timeline finds when each contact's lead score crossed the lead and MQL
thresholds with running sums and bisection (docs/architecture.md). Here the score is
recomputed the slow, obvious way, from every earlier event, at every scored event and one
millisecond before and after every change of the timeline: the band the timeline says
the contact was in must be the band of that score, every time. Also the lifecycle marts'
invariants that need more than one SQL query.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DEMO_END_DATE, query

from leadscore.dbt_runner import DbtResult

AS_OF = datetime.fromisoformat(DEMO_END_DATE)
SAMPLE_SIZE = 120


def _config(warehouse: Path) -> dict[str, tuple]:
    rows = query(warehouse, """
        select scoring_model, product_line, fit_min_points, fit_max_points, engagement_min_points,
               engagement_max_points, total_min_points, total_max_points, lead_threshold, mql_threshold
        from intermediate.int_scoring_model_config""")
    return {r[0]: r[1:] for r in rows}


def _brute_force_score(events: list[tuple], fit: float, bounds: tuple, at: datetime) -> float:
    """The lead score at `at` from scratch: every rule's decayed sum of its earlier events,
    capped, summed, bounded, rounded like scored_contacts."""
    emin, emax, tmin, tmax = bounds
    per_rule: dict[str, list[float]] = {}
    for rule_id, points, cap, half_life, occurred_at in events:
        if occurred_at <= at:
            age = (at - occurred_at).total_seconds() / 86400
            decay = 0.5 ** (age / half_life) if half_life and half_life > 0 else 1.0
            per_rule.setdefault(rule_id, [0.0, cap])[0] += points * decay
    engagement = sum(min(max(total, -cap), cap) for total, cap in per_rule.values())
    return min(max(fit + round(min(max(engagement, emin), emax), 2), tmin), tmax)


def test_timeline_matches_brute_force(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    config = _config(warehouse)
    pairs = query(warehouse, "select distinct contact_id, scoring_model from intermediate.int_lead_score_timeline"
                             " order by 1, 2")
    assert len(pairs) > 50, "too few contacts cross a threshold to test anything"
    sample = random.Random(7).sample(pairs, min(SAMPLE_SIZE, len(pairs)))
    mismatches, probes, decay_changes = [], 0, 0
    for contact_id, model in sample:
        product_line, fmin, fmax, emin, emax, tmin, tmax, lead_t, mql_t = config[model]
        fit_points = query(warehouse, "select coalesce(sum(points_after_cap), 0) from intermediate.int_score_components"
                                      " where contact_id = ? and scoring_model = ? and category = 'fit'",
                           [contact_id, model])[0][0]
        fit = round(min(max(fit_points, fmin), fmax), 2)
        events = query(warehouse, """
            select r.rule_id, r.points, r.max_points, r.half_life_days, e.occurred_at
            from intermediate.int_engagement_events_unioned as e
            inner join intermediate.int_scoring_rules_effective as r
                on e.event_type = r.signal and coalesce(e.event_detail, '') like r.match_value
            where e.contact_id = ? and r.scoring_model = ? and r.category = 'engagement' and r.points != 0
              and not e.is_excluded and not e.is_bot_activity and e.occurred_at <= ?
              and (? is null or e.product_line is null or e.product_line = ?)""",
                       [contact_id, model, AS_OF, product_line, product_line])
        changes = query(warehouse, "select changed_at, band_rank, lead_score, change_kind"
                                   " from intermediate.int_lead_score_timeline"
                                   " where contact_id = ? and scoring_model = ? and changed_at is not null"
                                   " order by changed_at, change_order", [contact_id, model])
        times = [c[0] for c in changes]

        def band(score: float) -> int:
            return 2 if score >= mql_t else 1 if score >= lead_t else 0

        def timeline_band(at: datetime) -> int:
            i = bisect.bisect_right(times, at)
            return changes[i - 1][1] if i else band(fit)

        def score(at: datetime) -> float:
            return _brute_force_score(events, fit, (emin, emax, tmin, tmax), at)

        # every event, a millisecond either side of every change, and the scoring date; not the
        # exact moment of a decay crossing: there the score sits on the rounding boundary
        # (74.995 rounds either way in the last bit), so the band is a coin toss
        ms = timedelta(milliseconds=1)
        moments = ({e[-1] for e in events} | {t - ms for t in times} | {t + ms for t in times}
                   | {c[0] for c in changes if c[3] == "event"} | {AS_OF})
        for at in sorted(moments):
            probes += 1
            if band(score(at)) != timeline_band(at):
                mismatches.append((contact_id, model, at, score(at), timeline_band(at)))
        for at, _, lead_score, kind in changes:
            decay_changes += kind == "decay"
            if abs(float(lead_score) - score(at)) > 0.011:
                mismatches.append((contact_id, model, at, "score", float(lead_score), score(at)))
    assert decay_changes > 0, "the sample has no decay crossing: nothing tests the bisection"
    assert not mismatches, f"{len(mismatches)} of {probes} probes disagree, e.g. {mismatches[:5]}"


@pytest.mark.parametrize("model", ["default", "analytics"])
def test_alert_touchpoints_precede_the_alert(demo_warehouse: tuple[Path, DbtResult], model: str) -> None:
    """An alert lists touchpoints (at most the configured count) and they are not later than it."""
    warehouse, _ = demo_warehouse
    rows = query(warehouse, "select became_mql_at, touchpoints, touchpoint_count from marts.mql_alerts"
                            " where scoring_model = ?", [model])
    assert rows, f"no MQL alerts for {model} on the demo data"
    limit = query(warehouse, "select alert_touchpoints_count from intermediate.int_scoring_model_config"
                             " where scoring_model = ?", [model])[0][0]
    for became_mql_at, touchpoints, count in rows:
        assert 0 <= count <= limit
        for label in (touchpoints or "").split("; ") if touchpoints else []:
            at = datetime.fromisoformat(label.rsplit(" at ", 1)[1])
            assert at <= became_mql_at, (label, became_mql_at)
