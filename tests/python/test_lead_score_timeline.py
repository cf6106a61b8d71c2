"""The lead score timeline against brute force.

int_lead_score_timeline finds when each contact's lead score crossed the lead and MQL
thresholds with running sums and bisection (docs/architecture.md). Here the score is
recomputed the slow, obvious way, from every earlier event, at every scored event and one
millisecond before and after every change of the timeline: the band the timeline says
the contact was in must be the band of that score, every time. Once with the shipped
rules, once with count bands added (plain and decayed counts, a band that decay enters
from above, bands from 0 that every contact starts with). Also the lifecycle marts'
invariants that need more than one SQL query.
"""

from __future__ import annotations

import bisect
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_END_DATE, query

import reference_scoring as ref
from leadscore.dbt_runner import DbtResult, run_dbt

AS_OF = datetime.fromisoformat(DEMO_END_DATE)
SAMPLE_SIZE = 120

# count bands added to the shipped rules for the second run (columns of seed scoring_rules)
BAND_RULES = [
    ("default", "band_views_1", "engagement", "page_view", "like", "%", 2, 2, None, 1, 1,
     "Visited the website once"),
    ("default", "band_views_2_4", "engagement", "page_view", "like", "%", 5, 5, None, 2, 4,
     "Visited the website 2 to 4 times"),
    ("default", "band_views_5", "engagement", "page_view", "like", "%", 9, 9, None, 5, None,
     "Visited the website 5 times or more"),
    ("default", "band_never_visited", "engagement", "page_view", "like", "%", -4, 4, None, None, 0,
     "Never visited the website"),
    ("default", "band_no_trial", "engagement", "form_free_trial", "like", "%", 1, 1, None, 0, 0,
     "Has not started a trial"),
    # decayed: three quick pricing views are above the band, and decay brings them into it
    ("default", "band_pricing_recent", "engagement", "page_view", "like", "/pricing%", 8, 8, 30, 1, 2,
     "Viewed pricing once or twice lately"),
    ("default", "band_clicks", "engagement", "email_click", "regex", "^cmp_01", 4, 4, 30, 1.5, 3,
     "Clicked a few spring campaigns lately"),
]


@dataclass(frozen=True)
class TimelineRule:
    rule_id: str
    signal: str
    match_type: str
    match_value: str
    points: float
    max_points: float
    half_life_days: float | None
    count_min: float | None
    count_max: float | None

    @property
    def is_count_band(self) -> bool:
        return self.count_min is not None or self.count_max is not None

    def in_band(self, count: float) -> bool:
        return ((self.count_min is None or count >= self.count_min)
                and (self.count_max is None or count <= self.count_max))


def _config(warehouse: Path) -> dict[str, tuple]:
    rows = query(warehouse, """
        select scoring_model, product_line, fit_min_points, fit_max_points, engagement_min_points,
               engagement_max_points, total_min_points, total_max_points, lead_threshold, mql_threshold
        from intermediate.int_scoring_model_config""")
    return {r[0]: r[1:] for r in rows}


def _rules(warehouse: Path) -> dict[str, list[TimelineRule]]:
    rules: dict[str, list[TimelineRule]] = {}
    for model, *fields in query(warehouse, """
            select scoring_model, rule_id, signal, match_type, match_value, points, max_points,
                   half_life_days, count_min, count_max
            from intermediate.int_scoring_rules_effective
            where category = 'engagement' and points != 0"""):
        rules.setdefault(model, []).append(TimelineRule(*fields))
    return rules


def _decay(age_days: float, half_life: float | None) -> float:
    return 0.5 ** (age_days / half_life) if half_life and half_life > 0 else 1.0


def _brute_force_score(events: list[tuple[TimelineRule, datetime]], band_rules: list[TimelineRule],
                       fit: float, bounds: tuple, at: datetime) -> float:
    """The lead score at `at` from scratch: every rule's points from its earlier events
    (per event: decayed, summed, capped; a count band: its points once while the count,
    decayed or plain, is within it; bands from 0 without any event too), then the
    arithmetic of scored_contacts: the engagement cap bounds the positive points, the
    penalties apply after it, then the minimum; fit + engagement to the cent, bounded."""
    emin, emax, tmin, tmax = bounds
    totals: dict[str, float] = {}
    counts: dict[str, float] = {}
    rules: dict[str, TimelineRule] = {r.rule_id: r for r in band_rules}
    for rule, occurred_at in events:
        if occurred_at <= at:
            rules[rule.rule_id] = rule
            weight = _decay((at - occurred_at).total_seconds() / 86400, rule.half_life_days)
            totals[rule.rule_id] = totals.get(rule.rule_id, 0.0) + rule.points * weight
            counts[rule.rule_id] = counts.get(rule.rule_id, 0.0) + (
                weight if rule.half_life_days else 1.0)
    positive = penalty = 0.0
    for rule_id, rule in rules.items():
        cap = abs(rule.max_points)
        points = 0.0
        if rule.is_count_band:
            if rule.in_band(counts.get(rule_id, 0.0)):
                points = min(max(rule.points, -cap), cap)
        else:
            points = min(max(totals[rule_id], -cap), cap)
        if points > 0:
            positive += points
        else:
            penalty += points
    engagement = max(min(positive, emax) + penalty, emin)
    return min(max(fit + round(engagement, 2), tmin), tmax)


def check_timeline(warehouse: Path, pairs: list[tuple[str, str]]) -> tuple[list, int, int]:
    """(mismatches, probes, decay changes) of the timeline of these (contact, model) pairs."""
    config, all_rules = _config(warehouse), _rules(warehouse)
    mismatches, probes, decay_changes = [], 0, 0
    for contact_id, model in pairs:
        product_line, fmin, fmax, emin, emax, tmin, tmax, lead_t, mql_t = config[model]
        rules = all_rules.get(model, [])
        positive, penalty = query(
            warehouse, "select coalesce(sum(case when points_after_cap > 0 then points_after_cap end), 0),"
                       " coalesce(sum(case when points_after_cap < 0 then points_after_cap end), 0)"
                       " from intermediate.int_score_components"
                       " where contact_id = ? and scoring_model = ? and category = 'fit'", [contact_id, model])[0]
        fit = round(max(min(positive, fmax) + penalty, fmin), 2)
        raw_events = query(warehouse, """
            select event_type, event_detail, occurred_at
            from intermediate.int_engagement_events_resolved
            where contact_id = ? and not is_excluded and not is_bot_activity and occurred_at <= ?
              and (? is null or product_line is null or product_line = ?)""",
                           [contact_id, AS_OF, product_line, product_line])
        events = [(rule, occurred_at) for event_type, detail, occurred_at in raw_events for rule in rules
                  if rule.signal == event_type and ref.value_matches(detail, rule.match_type, rule.match_value)]
        band_rules = [r for r in rules if r.is_count_band]
        changes = query(warehouse, "select changed_at, band_rank, lead_score, change_kind"
                                   " from intermediate.int_lead_score_timeline"
                                   " where contact_id = ? and scoring_model = ? and changed_at is not null"
                                   " order by changed_at, change_order", [contact_id, model])
        times = [c[0] for c in changes]
        start = query(warehouse, "select band_rank from intermediate.int_lead_score_timeline"
                                 " where contact_id = ? and scoring_model = ? and change_kind = 'start'",
                      [contact_id, model])

        def band(score: float) -> int:
            return 2 if score >= mql_t else 1 if score >= lead_t else 0

        def timeline_band(at: datetime) -> int:
            i = bisect.bisect_right(times, at)
            return changes[i - 1][1] if i else (start[0][0] if start else 0)

        def score(at: datetime) -> float:
            return _brute_force_score(events, band_rules, fit, (emin, emax, tmin, tmax), at)

        # every event, a millisecond either side of every change, and the scoring date; not the
        # exact moment of a decay crossing: there the score sits on the rounding boundary
        # (74.995 rounds either way in the last bit), so the band is a coin toss
        ms = timedelta(milliseconds=1)
        moments = ({at for _, at in events} | {t - ms for t in times} | {t + ms for t in times}
                   | {c[0] for c in changes if c[3] == "event"} | {AS_OF})
        for at in sorted(moments):
            probes += 1
            if band(score(at)) != timeline_band(at):
                mismatches.append((contact_id, model, at, score(at), timeline_band(at)))
        for at, _, lead_score, kind in changes:
            decay_changes += kind == "decay"
            if abs(float(lead_score) - score(at)) > 0.011:
                mismatches.append((contact_id, model, at, "score", float(lead_score), score(at)))
    return mismatches, probes, decay_changes


def test_timeline_matches_brute_force(demo_warehouse: tuple[Path, DbtResult]) -> None:
    warehouse, _ = demo_warehouse
    pairs = query(warehouse, "select distinct contact_id, scoring_model from intermediate.int_lead_score_timeline"
                             " order by 1, 2")
    assert len(pairs) > 50, "too few contacts cross a threshold to test anything"
    sample = random.Random(7).sample(pairs, min(SAMPLE_SIZE, len(pairs)))
    mismatches, probes, decay_changes = check_timeline(warehouse, sample)
    assert decay_changes > 0, "the sample has no decay crossing: nothing tests the bisection"
    assert not mismatches, f"{len(mismatches)} of {probes} probes disagree, e.g. {mismatches[:5]}"


@pytest.fixture(scope="module")
def band_warehouse(demo_warehouse: tuple[Path, DbtResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse with BAND_RULES added to the rules, rebuilt from the
    rules on with the data tests (the timeline agrees with scored_contacts, an alert's
    score with the timeline, the backtest's last snapshot with scored_contacts)."""
    root = tmp_path_factory.mktemp("bands")
    warehouse = root / "bands.duckdb"
    shutil.copy(demo_warehouse[0], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        columns = [c[0] for c in con.execute("describe scoring_config.scoring_rules").fetchall()]
        con.executemany(f"insert into scoring_config.scoring_rules ({', '.join(columns)})"
                        f" values ({', '.join('?' for _ in columns)})", BAND_RULES)
    finally:
        con.close()
    result = run_dbt("build", warehouse, select=["int_scoring_rules_effective+"],
                     exclude=["resource_type:seed", "resource_type:unit_test"],
                     dbt_vars={"as_of": DEMO_END_DATE}, target_path=root / "target")
    assert result.success, result.failures()
    return warehouse


def test_timeline_with_count_bands_matches_brute_force(band_warehouse: Path) -> None:
    """With count bands the score can also rise between events (decay brings a count down
    into a band): such moments are rows of the timeline, found to the microsecond."""
    by_kind = dict(query(band_warehouse, "select change_kind || ':' || coalesce(rule_id, ''), count(*)"
                                         " from intermediate.int_lead_score_timeline group by 1"))
    assert by_kind.get("decay:band_pricing_recent", 0) > 0, by_kind
    rising = query(band_warehouse, """
        select distinct contact_id, scoring_model from (
            select *, lag(band_rank) over (partition by contact_id, scoring_model
                                           order by changed_at, change_order) as previous_rank
            from intermediate.int_lead_score_timeline)
        where change_kind = 'decay' and band_rank > previous_rank order by 1, 2""")
    assert rising, "no band entered by decay moved a contact up: nothing tests the rise"
    pairs = query(band_warehouse, "select distinct contact_id, scoring_model from intermediate.int_lead_score_timeline"
                                  " order by 1, 2")
    sample = sorted(set(random.Random(11).sample(pairs, min(SAMPLE_SIZE, len(pairs))) + rising[:40]))
    mismatches, probes, _ = check_timeline(band_warehouse, sample)
    assert not mismatches, f"{len(mismatches)} of {probes} probes disagree, e.g. {mismatches[:5]}"


def test_count_bands_reach_every_contact_and_snapshot(band_warehouse: Path) -> None:
    """A band from 0 (never visited) fires for every contact without a page view, at the
    scoring date and at every backtest snapshot, contacts without any event included."""
    [(missing,)] = query(band_warehouse, """
        select count(*) from marts.scored_contacts as s
        where s.scoring_model = 'default'
          and not exists (select 1 from intermediate.int_engagement_events_resolved as e
                          where e.contact_id = s.contact_id and e.event_type = 'page_view'
                            and not e.is_excluded and not e.is_bot_activity and e.occurred_at <= ?)
          and not exists (select 1 from intermediate.int_score_components as c
                          where c.contact_id = s.contact_id and c.scoring_model = 'default'
                            and c.rule_id = 'band_never_visited')""", [AS_OF])
    assert missing == 0
    per_snapshot = query(band_warehouse, """
        select b.snapshot_number, count(*) as contacts, count(c.contact_id) as never_visited
        from intermediate.int_backtest_contacts as b
        left join intermediate.int_score_backtest_components as c
            on b.contact_id = c.contact_id and b.snapshot_number = c.snapshot_number
            and c.scoring_model = 'default' and c.rule_id = 'band_never_visited'
        group by 1 order by 1""")
    assert len(per_snapshot) > 1 and all(n > 0 for _, _, n in per_snapshot)
    # earlier snapshots: fewer events, so at least as large a share has not visited yet
    shares = [n / total for _, total, n in per_snapshot]
    assert shares[0] >= shares[-1]


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
