"""The lead-scoring report: one self-contained HTML page a marketing manager can read.

    leadscore report --duckdb warehouse/lead_scoring_published.duckdb \\
        --out warehouse/lead_scoring_report.html [--scoring-model default]

It reads only schema `marts`, so it works on the published copy (what BI tools read) as well
as on a build warehouse. The page has a headline block (how well each model's lead score
ranks buyers, from `score_evaluation`; the rules the data contradicts, from
`scoring_rule_audit`; which build and scoring date the figures come from, from
`publish_log`) and one chart per question, drawn with Vega-Altair. The Vega, Vega-Lite and
Vega-Embed JavaScript is embedded in the page (vl-convert's bundle), so the page opens
offline: no script, style or font is fetched from anywhere.

A section is one small function `(ReportContext) -> Section`, listed in `SECTIONS` with the
marts it needs; a section whose marts are missing is replaced by a note. To add a section,
write the function and append one `SectionSpec`.

Exit codes: 0 written, 2 a user error (no such file, no marts in it, unknown scoring model)
reported in one line.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from leadscore import db

log = logging.getLogger(__name__)

SCHEMA = "marts"
# The evaluation marts (dbt tag `evaluation`): left out of a build with
# `--exclude tag:evaluation`, and then missing until a full build is published.
EVALUATION_MARTS = ("score_backtest", "score_evaluation", "score_band_conversion",
                    "scoring_rule_audit", "threshold_tradeoff", "threshold_recommendation",
                    "scoring_model_comparison")

# Colours, one place. Verdicts of the rules audit: contradicting rules stand out in red.
VERDICT_COLORS = {"contradicts": "#c62828", "inconclusive": "#9e9e9e", "supports": "#2e7d32"}
ACCENT, MUTED, THRESHOLD_COLOR = "#1f5fa8", "#b0b7c3", "#e07b00"
CHART_WIDTH = 720

# How the AUC of a lead score reads in words: the word of the first bound it reaches.
AUC_WORDS: tuple[tuple[float, str], ...] = (
    (0.9, "excellent"), (0.8, "strong"), (0.7, "useful"), (0.6, "weak"),
    (0.0, "close to a coin toss"))


class ReportError(Exception):
    """A problem the user fixes (path, a warehouse without marts, a model name): one line."""


# --------------------------------------------------------------------------- reading the marts


def _plain(value: Any) -> Any:
    """A value as JSON can carry it (Decimal -> float, dates -> ISO text)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Marts:
    """Read-only queries on schema `marts` of one DuckDB file."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [SCHEMA]).fetchall()
        self.tables: frozenset[str] = frozenset(name for (name,) in rows)

    def has(self, *tables: str) -> bool:
        return all(t in self.tables for t in tables)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [{n: _plain(v) for n, v in zip(names, row)} for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None


@dataclass(frozen=True)
class ReportContext:
    marts: Marts
    scoring_model: str  # the model detailed by the single-model charts
    scoring_models: tuple[str, ...]  # every model in scored_contacts, the chosen one first
    source: Path


# --------------------------------------------------------------------------- page pieces


@dataclass(frozen=True)
class Section:
    """One part of the page: a heading, a sentence or two on how to read it, its charts (Altair
    charts, drawn in that order) and any HTML after them (a table, a note; already escaped)."""

    key: str
    title: str
    intro: str
    charts: tuple[Any, ...] = ()
    after_html: str = ""


@dataclass(frozen=True)
class SectionSpec:
    build: Callable[[ReportContext], Section]
    key: str
    title: str
    needs: tuple[str, ...] = ()  # marts the section reads; missing -> a note instead


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(value: float | None) -> str:
    """A rate as a percentage: two decimals under 1%, one above (0.98%, 7.7%, 86.0%)."""
    if value is None:
        return "n/a"
    return f"{value * 100:.2f}%" if abs(value) < 0.01 else f"{value * 100:.1f}%"


def _figure(name: str, value: Any, shown: str, model: str | None = None) -> str:
    """A headline figure in the DOM: the text shown, and the exact value in data-value, so a
    test (or a curious reader) can check the page against the marts."""
    attrs = f' data-figure="{_e(name)}"'
    if model is not None:
        attrs += f' data-scoring-model="{_e(model)}"'
    raw = "" if value is None else (repr(float(value)) if isinstance(value, float) else str(value))
    return f'<span class="figure"{attrs} data-value="{_e(raw)}">{_e(shown)}</span>'


def auc_word(auc: float | None) -> str:
    if auc is None:
        return "not measurable (no buyers)"
    return next(word for bound, word in AUC_WORDS if auc >= bound)


def _data(rows: list[dict[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=rows)


def _threshold_rules(thresholds: list[dict[str, Any]]) -> Any:
    """Vertical rules at the current lead and MQL thresholds, with a label on top."""
    import altair as alt

    base = alt.Chart(_data(thresholds))
    rule = base.mark_rule(color=THRESHOLD_COLOR, strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="threshold:Q")
    text = base.mark_text(color=THRESHOLD_COLOR, align="left", dx=3, baseline="top",
                          fontWeight="bold").encode(
        x="threshold:Q", y=alt.value(2), text="label:N")
    return rule + text


def _current_thresholds(ctx: ReportContext, model: str) -> list[dict[str, Any]]:
    """The model's current lead and MQL thresholds (flagged rows of threshold_tradeoff)."""
    if not ctx.marts.has("threshold_tradeoff"):
        return []
    return ctx.marts.rows(
        """
        select threshold, case when is_mql_threshold then 'MQL ' else 'lead ' end
                          || cast(threshold as varchar) as label
        from marts.threshold_tradeoff
        where scoring_model = ? and (is_lead_threshold or is_mql_threshold)
        order by threshold
        """, [model])


# --------------------------------------------------------------------------- the sections


@dataclass(frozen=True)
class Headline:
    """The headline figures of one model: its lead score over all complete snapshots
    (score_evaluation) and its rules the data contradicts (scoring_rule_audit)."""

    scoring_model: str
    auc: float | None
    base_rate: float | None
    top_decile_conversion_rate: float | None
    top_decile_lift: float | None
    contradicting_rules: int | None  # None without scoring_rule_audit
    rules: int | None

    def figure(self, name: str, shown: str | None = None) -> str:
        value = getattr(self, name)
        if shown is None:
            shown = {"auc": _auc, "top_decile_lift": _lift}.get(name, _pct)(value)
        return _figure(name, value, shown, self.scoring_model)


def headlines(ctx: ReportContext) -> list[Headline]:
    """The headline of every model in score_evaluation, the chosen model first."""
    audit: dict[str, tuple[int, int]] = {}
    if ctx.marts.has("scoring_rule_audit"):
        audit = {r["scoring_model"]: (int(r["contradicting"]), int(r["rules"]))
                 for r in ctx.marts.rows(
                     "select scoring_model, count(*) filter (where verdict = 'contradicts')"
                     " as contradicting, count(*) as rules from marts.scoring_rule_audit"
                     " group by scoring_model")}
    rows = ctx.marts.rows(
        """
        select scoring_model, auc, base_rate, top_decile_conversion_rate, top_decile_lift
        from marts.score_evaluation
        where score_name = 'lead_score' and snapshot_at is null
        """)
    order = {name: i for i, name in enumerate(ctx.scoring_models)}
    rows.sort(key=lambda r: (order.get(r["scoring_model"], len(order)), r["scoring_model"]))
    return [Headline(**r, contradicting_rules=audit.get(r["scoring_model"], (None, None))[0],
                     rules=audit.get(r["scoring_model"], (None, None))[1]) for r in rows]


def _headline_sentence(h: Headline) -> str:
    text = (f"How well the <b>{_e(h.scoring_model)}</b> model's lead score ranks buyers: "
            f"<b>{_e(auc_word(h.auc))}</b> (AUC {h.figure('auc')}). {h.figure('base_rate')} of "
            "the contacts bought within the outcome window after a snapshot; the best-scored "
            f"tenth bought at {h.figure('top_decile_conversion_rate')}, "
            f"{h.figure('top_decile_lift')} the average.")
    if h.contradicting_rules is not None:
        text += (f" The data contradicts {h.figure('contradicting_rules', str(h.contradicting_rules))}"
                 f" of its {h.rules} rules (see the rules audit below).")
    return f'<p class="lead">{text}</p>'


def _headline_table(heads: Sequence[Headline], chosen: str) -> str:
    head = ("<tr><th>Scoring model</th><th>AUC of the lead score</th><th>In words</th>"
            "<th>Base rate</th><th>Top 10% convert</th><th>Lift of the top 10%</th>"
            "<th>Rules contradicted</th></tr>")
    body = []
    for h in heads:
        rules = ("n/a" if h.contradicting_rules is None else
                 h.figure("contradicting_rules", f"{h.contradicting_rules} of {h.rules}"))
        cells = [_e(h.scoring_model), h.figure("auc"), _e(auc_word(h.auc)), h.figure("base_rate"),
                 h.figure("top_decile_conversion_rate"), h.figure("top_decile_lift"), rules]
        cls = ' class="chosen"' if h.scoring_model == chosen else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (f'<table class="figures" data-table="headline"><thead>{head}</thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def headline_section(ctx: ReportContext) -> Section:
    """How well each model's lead score ranks buyers, the rules the data contradicts, and
    which build the figures come from."""
    parts = [_build_line(ctx)]
    if not ctx.marts.has("score_evaluation"):
        parts.append('<p class="note" data-missing="score_evaluation">How well the scores '
                     "predict is not in this warehouse: see the note at the top.</p>")
        return Section("headline", "The headline", "", after_html="\n".join(parts))
    heads = headlines(ctx)
    chosen = [h for h in heads if h.scoring_model == ctx.scoring_model]
    parts += [_headline_sentence(h) for h in chosen]
    parts.append(_headline_table(heads, ctx.scoring_model))
    parts.append(
        '<p class="hint">AUC: pick one contact who bought and one who did not; the AUC is the '
        "chance the buyer had the higher score (0.5 is a coin toss, 0.7 useful, 0.8 strong). "
        "Base rate: the share of contacts who bought within the outcome window. Lift: how many "
        "times the base rate the best-scored 10% convert. Measured by replaying the scores at "
        "past snapshots (the backtest) and checking who bought afterwards.</p>")
    return Section("headline", "The headline", "", after_html="\n".join(parts))


def _auc(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _lift(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}×"


def _build_line(ctx: ReportContext) -> str:
    """Which build and scoring date the figures come from (publish_log's live build), and
    the evaluation marts' own build when they were carried over from an earlier one."""
    m = ctx.marts
    live = None
    if m.has("publish_log"):
        live = m.one("select build_id, max(as_of) as as_of, max(published_at) as published_at"
                     " from marts.publish_log where is_live group by build_id"
                     " order by max(build_started_at) desc limit 1")
    if live is None:
        live = m.one("select max(build_id) as build_id, max(as_of) as as_of,"
                     " null as published_at from marts.scored_contacts")
    assert live is not None
    as_of = str(live["as_of"] or "")[:10]
    text = ("Figures from build " + _figure("build_id", live["build_id"], live["build_id"])
            + ", scored as of " + _figure("as_of", as_of, as_of))
    if live["published_at"]:
        text += f", published {_e(str(live['published_at'])[:16])} UTC"
    else:
        text += " (a build warehouse: not the published copy)"
    text += f" &middot; read from <code>{_e(ctx.source)}</code>."
    if m.has("score_evaluation"):
        ev = m.one("select max(build_id) as build_id, max(as_of) as as_of"
                   " from marts.score_evaluation")
        if ev and ev["build_id"] and ev["build_id"] != live["build_id"]:
            text += (" The evaluation figures were carried over from build "
                     + _figure("evaluation_build_id", ev["build_id"], ev["build_id"])
                     + f" (as of {_e(str(ev['as_of'])[:10])}): the latest build left them out.")
    return f'<p class="build">{text}</p>'


def distribution_section(ctx: ReportContext) -> Section:
    import altair as alt

    rows = ctx.marts.rows(
        """
        select scoring_model,
               cast(least(floor(lead_score / 5) * 5, 95) as integer) as bin_start,
               cast(least(floor(lead_score / 5) * 5, 95) + 5 as integer) as bin_end,
               case when is_disqualified then 'disqualified (never sent to sales)'
                    else 'scored' end as status,
               count(*) as contacts
        from marts.scored_contacts
        group by all
        order by 1, 2, 4
        """)
    charts = []
    for model in ctx.scoring_models:
        mine = [r for r in rows if r["scoring_model"] == model]
        bars = alt.Chart(_data(mine), title=model).mark_bar(stroke="white", strokeWidth=0.5).encode(
            x=alt.X("bin_start:Q", bin="binned", title="lead score",
                    scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=list(range(0, 101, 10)))),
            x2="bin_end:Q",
            y=alt.Y("sum(contacts):Q", title="contacts", stack="zero"),
            color=alt.Color("status:N", title=None,
                            scale=alt.Scale(domain=["scored", "disqualified (never sent to sales)"],
                                            range=[ACCENT, MUTED]),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("status:N", sort="descending"),
            tooltip=[alt.Tooltip("bin_start:Q", title="score from"),
                     alt.Tooltip("bin_end:Q", title="to below"),
                     alt.Tooltip("status:N"), alt.Tooltip("contacts:Q", format=",")],
        )
        thresholds = _current_thresholds(ctx, model)
        layer = bars + _threshold_rules(thresholds) if thresholds else bars
        charts.append(layer.properties(width=330, height=170))
    chart = alt.concat(*charts, columns=2).resolve_scale(y="independent")
    total = ctx.marts.one(
        "select count(*) filter (where scoring_model = ?) as contacts,"
        " count(*) filter (where scoring_model = ? and is_sales_ready) as ready"
        " from marts.scored_contacts", [ctx.scoring_model, ctx.scoring_model]) or {}
    lines = (" The dashed lines are the current lead and MQL thresholds."
             if ctx.marts.has("threshold_tradeoff") else "")
    intro = ("How many contacts have each lead score (0 to 100), per scoring model. Most "
             "contacts score low and a few score high: that is what a score should do, so "
             f"sales can start at the top.{lines} Grey contacts are disqualified and never go "
             "to sales.")
    after = ""
    if total.get("contacts"):
        after = (f'<p class="hint">{_e(ctx.scoring_model)} model: {total["ready"]:,} of '
                 f'{total["contacts"]:,} contacts ({_pct(total["ready"] / total["contacts"])}) '
                 "are sales-ready now (at or above the MQL threshold, not disqualified).</p>")
    return Section("distribution", "How the lead scores are spread", intro, (chart,), after)


def band_section(ctx: ReportContext) -> Section:
    import altair as alt

    rows = ctx.marts.rows(
        """
        select band_type, band, band_order, contacts, conversions, conversion_rate,
               ci_low, ci_high
        from marts.score_band_conversion
        where scoring_model = ? and band_type in ('lead_score_band', 'fit_grade',
                                                  'engagement_tier')
        order by band_type, band_order
        """, [ctx.scoring_model])
    titles = {"lead_score_band": ("Lead score band", "descending"),
              "fit_grade": ("Fit grade (A = ideal fit)", "ascending"),
              "engagement_tier": ("Engagement tier (1 = hot)", "ascending")}
    scored = [r for r in rows if r["band_type"] == "lead_score_band"]
    base_rate = (sum(r["conversions"] for r in scored) / sum(r["contacts"] for r in scored)
                 if scored and sum(r["contacts"] for r in scored) else None)
    charts = []
    for band_type, (title, direction) in titles.items():
        mine = [dict(r, base_rate=base_rate) for r in rows if r["band_type"] == band_type]
        if not mine:
            continue
        order = sorted(mine, key=lambda r: r["band_order"], reverse=direction == "descending")
        x = alt.X("band:N", title=title, sort=[r["band"] for r in order],
                  axis=alt.Axis(labelAngle=0))
        base = alt.Chart(_data(mine))
        tooltip = [alt.Tooltip("band:N"), alt.Tooltip("contacts:Q", format=","),
                   alt.Tooltip("conversions:Q", format=","),
                   alt.Tooltip("conversion_rate:Q", title="conversion", format=".2%"),
                   alt.Tooltip("ci_low:Q", title="95% interval from", format=".2%"),
                   alt.Tooltip("ci_high:Q", title="to", format=".2%")]
        bars = base.mark_bar(color=ACCENT, opacity=0.85).encode(
            x=x, y=alt.Y("conversion_rate:Q", title="converted within the window",
                          axis=alt.Axis(format="%")), tooltip=tooltip)
        errors = base.mark_errorbar(ticks=True, color="#222").encode(
            x=x, y=alt.Y("ci_low:Q", title="converted within the window"), y2="ci_high:Q")
        layer = bars + errors
        if base_rate is not None:
            layer += base.mark_rule(color=THRESHOLD_COLOR, strokeDash=[4, 3]).encode(
                y="mean(base_rate):Q")
        width = 330 if band_type == "lead_score_band" else 150
        charts.append(layer.properties(width=width, height=220, title=title))
    chart = alt.hconcat(*charts).resolve_scale(y="independent")
    intro = ("The share of contacts in each band who bought within the outcome window after a "
             "past snapshot. Bars are the rate; the black whiskers are its 95% interval (where "
             "the true rate most likely lies: wide for small bands); the dashed line is the "
             f"average{' (' + _pct(base_rate) + ')' if base_rate is not None else ''}. "
             "Higher bands should convert more, left to right.")
    return Section("bands", f"Who buys, by band ({ctx.scoring_model} model)", intro, (chart,))


def roc_section(ctx: ReportContext) -> Section:
    import altair as alt

    rows = ctx.marts.rows(
        """
        with totals as (
            select scoring_model, contacts_at_or_above as contacts,
                   conversions_at_or_above as conversions
            from marts.threshold_tradeoff where threshold = 0
        )
        select t.scoring_model, t.threshold, t.recall as tpr,
               case when totals.contacts > totals.conversions then
                   1.0 * (t.contacts_at_or_above - t.conversions_at_or_above)
                   / (totals.contacts - totals.conversions) end as fpr,
               t.precision, t.contacts_per_snapshot
        from marts.threshold_tradeoff as t
        inner join totals using (scoring_model)
        where t.recall is not null
        order by t.scoring_model, t.threshold desc
        """)
    aucs: dict[str, float] = {}
    if ctx.marts.has("score_evaluation"):
        aucs = {r["scoring_model"]: r["auc"] for r in ctx.marts.rows(
            "select scoring_model, auc from marts.score_evaluation"
            " where score_name = 'lead_score' and snapshot_at is null and auc is not null")}
    names = {m: (f"{m} (AUC {aucs[m]:.2f})" if m in aucs else m) for m in ctx.scoring_models}
    points = []
    for model in ctx.scoring_models:
        mine = [r for r in rows if r["scoring_model"] == model]
        if not mine:
            continue
        # the curve starts where no contact is flagged (a threshold above every score)
        points.append({"model": names[model], "threshold": None, "order": -1, "tpr": 0.0,
                       "fpr": 0.0, "label": "above 100"})
        for i, r in enumerate(mine):
            points.append({"model": names[model], "threshold": r["threshold"], "order": i,
                           "tpr": r["tpr"], "fpr": r["fpr"], "label": str(r["threshold"]),
                           "precision": r["precision"]})
    domain = [names[m] for m in ctx.scoring_models if any(p["model"] == names[m] for p in points)]
    color = alt.Color("model:N", title="scoring model", scale=alt.Scale(domain=domain),
                      legend=alt.Legend(orient="bottom-right", fillColor="white"))
    base = alt.Chart(_data(points))
    x = alt.X("fpr:Q", title="share of non-buyers flagged (false alarms)",
              axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("tpr:Q", title="share of buyers caught", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    lines = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, order="order:Q")
    dots = base.mark_point(filled=True, size=30).encode(
        x=x, y=y, color=color,
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("label:N", title="threshold"),
                 alt.Tooltip("tpr:Q", title="buyers caught", format=".1%"),
                 alt.Tooltip("fpr:Q", title="non-buyers flagged", format=".1%"),
                 alt.Tooltip("precision:Q", title="of the flagged, bought", format=".1%")])
    chance = alt.Chart(_data([{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 1}])).mark_line(
        color="#999", strokeDash=[5, 4]).encode(x="fpr:Q", y="tpr:Q")
    chart = (chance + lines + dots).properties(width=420, height=380)
    intro = ("Each point is a possible threshold: everyone at or above it is flagged for sales. "
             "Up means more of the buyers are caught, right means more people who never buy are "
             "flagged too. A curve that climbs steeply near the left edge is a score that "
             "finds buyers without many false alarms; the dashed diagonal is picking at random. "
             "The AUC in the legend is the area under the curve (from the exact scores; the "
             "curve steps by 5 points).")
    return Section("roc", "Does the score find the buyers? (ROC curve)", intro, (chart,))


def rules_section(ctx: ReportContext) -> Section:
    import altair as alt

    rows = ctx.marts.rows(
        """
        select audit_rank, rule_kind, rule_id, reason_text, contacts_with, conversion_rate_with,
               conversion_rate_without, lift, log_odds_ratio, ci_low, ci_high, current_points,
               verdict, verdict_detail
        from marts.scoring_rule_audit
        where scoring_model = ?
        order by audit_rank
        """, [ctx.scoring_model])
    seen: set[str] = set()
    for r in rows:
        label = r["reason_text"] or r["rule_id"]
        if label in seen:
            label = f"{label} ({r['rule_id']})"
        seen.add(label)
        r["label"] = label
        r["points"] = _points(r["rule_kind"], r["current_points"])
        if r["log_odds_ratio"] is not None:
            r["odds_ratio"] = math.exp(r["log_odds_ratio"])
            r["or_low"] = math.exp(r["ci_low"])
            r["or_high"] = math.exp(r["ci_high"])
    charted = [r for r in rows if r["log_odds_ratio"] is not None]
    contradicting = [r for r in rows if r["verdict"] == "contradicts"]
    order = [r["label"] for r in charted]
    red = [r["label"] for r in charted if r["verdict"] == "contradicts"]
    y = alt.Y("label:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=330, labelFontSize=11,
                            labelColor=alt.ExprRef(
                                f"indexof({json.dumps(red)}, datum.value) >= 0"
                                f" ? '{VERDICT_COLORS['contradicts']}' : '#333'"),
                            labelFontWeight=alt.ExprRef(
                                f"indexof({json.dumps(red)}, datum.value) >= 0"
                                " ? 'bold' : 'normal'")))
    x_scale = alt.Scale(type="log", domain=[0.01, 100], clamp=True)
    x_axis = alt.Axis(values=[0.01, 0.1, 0.5, 1, 2, 10, 100], format="~g", orient="top")
    verdicts = list(VERDICT_COLORS)
    color = alt.Color("verdict:N", scale=alt.Scale(domain=verdicts,
                                                   range=[VERDICT_COLORS[v] for v in verdicts]),
                      legend=alt.Legend(orient="bottom", title="verdict"))
    tooltip = [alt.Tooltip("label:N", title="rule"), alt.Tooltip("rule_id:N"),
               alt.Tooltip("points:N", title="today"), alt.Tooltip("verdict:N"),
               alt.Tooltip("contacts_with:Q", title="contact-snapshots with it", format=","),
               alt.Tooltip("conversion_rate_with:Q", title="bought, with it", format=".2%"),
               alt.Tooltip("conversion_rate_without:Q", title="bought, without it", format=".2%"),
               alt.Tooltip("odds_ratio:Q", title="odds ratio", format=".2f"),
               alt.Tooltip("verdict_detail:N", title="what the data says")]
    base = alt.Chart(_data(charted))
    highlight = alt.Chart(_data([{"label": lab} for lab in red])).mark_rect(
        color=VERDICT_COLORS["contradicts"], opacity=0.08).encode(y=y)
    one = alt.Chart(_data([{"x": 1}])).mark_rule(color="#555").encode(x="x:Q")
    errors = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("or_low:Q", scale=x_scale, axis=x_axis,
                title="odds of buying with the rule ÷ without (log scale; 1 = no difference)"),
        x2="or_high:Q", y=y, color=color)
    dots = base.mark_point(filled=True, opacity=1).encode(
        x=alt.X("odds_ratio:Q", scale=x_scale), y=y, color=color,
        size=alt.condition(alt.datum.verdict == "contradicts", alt.value(90), alt.value(40)),
        shape=alt.condition(alt.datum.verdict == "contradicts", alt.value("diamond"),
                            alt.value("circle")),
        tooltip=tooltip)
    chart = (highlight + one + errors + dots).properties(width=360, height=15 * len(charted))
    not_shown = len(rows) - len(charted)
    intro = (f"For every rule of the {_e(ctx.scoring_model)} model: how much more (right of 1) or less (left of 1) "
             "the contacts it fired for went on to buy than everyone else, with the 95% interval. "
             "A rule that gives points should sit right of 1, a penalty or a disqualification "
             "left of it. Red rules are contradicted by the data: they come first.")
    after = ""
    if contradicting:
        head = ("<tr><th>#</th><th>Rule</th><th>Points today</th><th>Bought with it</th>"
                "<th>Bought without it</th><th>What the data says</th></tr>")
        body = "".join(
            f'<tr data-rule="{_e(r["rule_id"])}"><td>{r["audit_rank"]}</td><td>{_e(r["label"])}</td>'
            f'<td>{_e(r["points"])}</td><td>{_pct(r["conversion_rate_with"])}</td>'
            f'<td>{_pct(r["conversion_rate_without"])}</td><td>{_e(r["verdict_detail"])}</td></tr>'
            for r in contradicting)
        after += (f"<h3>The {len(contradicting)} rules to review</h3>"
                  f'<table class="rules" data-table="contradicting-rules"><thead>{head}</thead>'
                  f"<tbody>{body}</tbody></table>")
    else:
        after += "<p>The data contradicts none of the rules.</p>"
    if not_shown:
        after += (f'<p class="hint">{not_shown} rule(s) fired for nobody (or everybody) in the '
                  "backtest and are not drawn.</p>")
    return Section("rules", f"Does each rule earn its points? ({ctx.scoring_model} model)",
                   intro, (chart,), after)


def _points(rule_kind: str, points: float | None) -> str:
    if rule_kind == "disqualification":
        return "disqualifies"
    if not points:
        return "0 points"
    return f"{points:+g} points"


def threshold_section(ctx: ReportContext) -> Section:
    import altair as alt

    rows = ctx.marts.rows(
        """
        select threshold, precision, recall, contacts_per_snapshot, new_contacts_per_snapshot,
               median_days_to_conversion, is_lead_threshold, is_mql_threshold
        from marts.threshold_tradeoff
        where scoring_model = ?
        order by threshold
        """, [ctx.scoring_model])
    long = []
    for r in rows:
        for measure, key in (("precision: of those at or above, bought", "precision"),
                             ("recall: of all buyers, were at or above", "recall")):
            if r[key] is not None:
                long.append({"threshold": r["threshold"], "measure": measure, "value": r[key]})
    x = alt.X("threshold:Q", title="lead-score threshold", scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(values=list(range(0, 101, 10))))
    rates = alt.Chart(_data(long)).mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title="share", axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=None,
                        legend=alt.Legend(orient="bottom", labelLimit=400),
                        scale=alt.Scale(range=[ACCENT, "#8e24aa"])),
        tooltip=[alt.Tooltip("threshold:Q"), alt.Tooltip("measure:N"),
                 alt.Tooltip("value:Q", format=".1%")])
    volume = alt.Chart(_data(rows)).mark_bar(color=MUTED, size=14).encode(
        x=x, y=alt.Y("new_contacts_per_snapshot:Q", title="new contacts per month"),
        tooltip=[alt.Tooltip("threshold:Q"),
                 alt.Tooltip("new_contacts_per_snapshot:Q", title="newly at or above, per month",
                             format=",.1f"),
                 alt.Tooltip("contacts_per_snapshot:Q", title="at or above at any time",
                             format=",.0f"),
                 alt.Tooltip("median_days_to_conversion:Q", title="median days to buying",
                             format=".0f")])
    thresholds = _current_thresholds(ctx, ctx.scoring_model)
    top, bottom = rates, volume
    if thresholds:
        top = rates + _threshold_rules(thresholds)
        bottom = volume + _threshold_rules(thresholds)
    chart = alt.vconcat(top.properties(width=CHART_WIDTH - 120, height=220),
                        bottom.properties(width=CHART_WIDTH - 120, height=120)
                        ).resolve_scale(x="shared")
    current = {t["label"].split()[0]: t["threshold"] for t in thresholds}
    by_threshold = {r["threshold"]: r for r in rows}
    mql = by_threshold.get(current.get("MQL"))
    said = ""
    if mql is not None and mql["precision"] is not None:
        said = (f" At the MQL threshold ({mql['threshold']}) about "
                f"{mql['new_contacts_per_snapshot']:,.0f} new contacts a month reach sales, "
                f"{_pct(mql['precision'])} of them buy, and they include {_pct(mql['recall'])} "
                "of all buyers.")
    intro = ("What if the threshold moved? Lower it and sales gets more contacts (grey bars: new "
             "contacts reaching the threshold per month) who buy less often (precision) but "
             "misses fewer buyers (recall); raise it and the reverse. The dashed lines are the "
             "current lead and MQL thresholds." + said)
    return Section("thresholds", f"Where to set the threshold ({ctx.scoring_model} model)",
                   intro, (chart,))


def funnel_section(ctx: ReportContext) -> Section:
    import altair as alt

    row = ctx.marts.one(
        """
        select count(*) as cohorts, min(mql_cohort_month) as first, max(mql_cohort_month) as last,
               coalesce(sum(mqls), 0) as mqls, coalesce(sum(reached_sal), 0) as sal,
               coalesce(sum(reached_sql), 0) as sql, coalesce(sum(reached_customer), 0) as customer
        from marts.funnel_conversion where scoring_model = ?
        """, [ctx.scoring_model])
    if not row or not row["cohorts"]:
        return Section("funnel", f"The funnel ({ctx.scoring_model} model)",
                       "No contact has become an MQL yet, so there is no funnel to show.")
    mqls = row["mqls"]
    stages = [("MQL (marketing-qualified)", mqls), ("SAL (sales accepted)", row["sal"]),
              ("SQL (opportunity)", row["sql"]), ("customer (won)", row["customer"])]
    data = [{"stage": s, "contacts": n, "order": i,
             "label": f"{n:,}" + (f"  ({_pct(n / mqls)} of MQLs)" if i and mqls else "")}
            for i, (s, n) in enumerate(stages)]
    y = alt.Y("stage:N", sort=[s for s, _ in stages], title=None,
              axis=alt.Axis(labelLimit=220, labelFontSize=12))
    base = alt.Chart(_data(data))
    bars = base.mark_bar(color=ACCENT, height=28).encode(
        x=alt.X("contacts:Q", title="contacts", scale=alt.Scale(domain=[0, max(mqls, 1) * 1.35])),
        y=y, tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("contacts:Q", format=",")])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x="contacts:Q", y=y, text="label:N")
    chart = (bars + labels).properties(width=CHART_WIDTH - 240, height=170)
    span = f"{row['first'][:7]} to {row['last'][:7]}"
    intro = (f"Where the MQLs of all {row['cohorts']} monthly cohorts ({span}) got to by the "
             "scoring date: accepted by sales (SAL), an opportunity (SQL), a won deal. Recent "
             "cohorts have had less time, so these rates still rise.")
    return Section("funnel", f"The funnel ({ctx.scoring_model} model)", intro, (chart,))


def _threshold_cell(value: Any) -> str:
    return "none meets the targets" if value is None else f"{float(value):g}"


def _recommendation_row(r: dict[str, Any]) -> str:
    model, recommended = r["scoring_model"], r["recommended_mql_threshold"]
    cells = [
        _e(model),
        _threshold_cell(r["current_mql_threshold"]),
        _figure("recommended_mql_threshold", recommended, _threshold_cell(recommended), model),
        f"{_pct(r['current_mql_precision'])} / {_pct(r['recommended_mql_precision'])}",
        f"{_pct(r['current_mql_recall'])} / {_pct(r['recommended_mql_recall'])}",
        f"{(r['current_mqls_per_month'] or 0):,.1f} / {(r['recommended_mqls_per_month'] or 0):,.1f}",
        f"{_threshold_cell(r['current_lead_threshold'])} / "
        f"{_threshold_cell(r['recommended_lead_threshold'])}",
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def recommendation_section(ctx: ReportContext) -> Section:
    """The thresholds the history recommends for the sales team's targets (never applied)."""
    rows = ctx.marts.rows(
        """
        select scoring_model, current_mql_threshold, recommended_mql_threshold,
               current_mql_precision, recommended_mql_precision, current_mql_recall,
               recommended_mql_recall, current_mqls_per_month, recommended_mqls_per_month,
               current_lead_threshold, recommended_lead_threshold, target_min_precision,
               target_monthly_mql_capacity, target_lead_lift, recommendation
        from marts.threshold_recommendation
        order by scoring_model != ?, scoring_model
        """, [ctx.scoring_model])
    if not rows:
        return Section("recommendation", "Recommended thresholds", "No model to recommend for.")
    head = rows[0]
    targets = (f"MQLs should convert at least {_pct(head['target_min_precision'])}"
               if head["target_min_precision"] else "no conversion target")
    if head["target_monthly_mql_capacity"]:
        targets += f", at most {head['target_monthly_mql_capacity']:,.0f} new MQLs a month"
    body = "".join(_recommendation_row(r) for r in rows)
    # the reason in words goes under the table: a long sentence in a column squeezes the figures
    why = "".join(f"<li><b>{_e(r['scoring_model'])}</b>: {_e(r['recommendation'])}</li>"
                  for r in rows)
    table = ('<table class="figures" data-table="recommendation"><tr><th>model</th>'
             "<th>MQL threshold now</th><th>recommended</th><th>MQLs who buy (now / recommended)</th>"
             "<th>buyers caught (now / recommended)</th><th>new MQLs a month (now / recommended)</th>"
             "<th>lead threshold (now / recommended)</th></tr>" + body
             + f'</table><ul class="why">{why}</ul>')
    intro = ("The MQL threshold the history recommends for the sales team's targets (" + targets
             + "; settings target_min_precision, target_monthly_mql_capacity and target_lead_lift in "
             "scoring_settings): the lowest threshold that meets them, because it misses the fewest "
             "buyers. Nothing changes by itself: the thresholds move only when someone edits "
             "lead_threshold and mql_threshold.")
    return Section("recommendation", "Recommended thresholds", intro, after_html=table)


def _comparison_row(r: dict[str, Any]) -> str:
    shadow = r["shadow_model"]
    cells = [
        f"{_e(r['live_model'])} → {_e(shadow)}",
        _figure("comparison_contacts", r["contacts"], f"{r['contacts']:,}", shadow),
        f"{r['grade_changes']:,}",
        f"{r['matrix_changes']:,}",
        f"{r['sales_ready_changes']:,}",
        _figure("comparison_stage_changes", r["stage_changes"], f"{r['stage_changes']:,}", shadow),
        f"{r['score_ups']:,} up / {r['score_downs']:,} down",
        f"{(r['live_mqls_per_month'] or 0):,.1f} → {(r['shadow_mqls_per_month'] or 0):,.1f}",
        f"{_auc(r['live_auc'])} → {_auc(r['shadow_auc'])}",
        f"{_pct(r['live_top_decile_conversion_rate'])} → {_pct(r['shadow_top_decile_conversion_rate'])}",
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def comparison_section(ctx: ReportContext) -> Section:
    """Live model against its shadow candidate(s): what adopting one would change."""
    import altair as alt

    rows = ctx.marts.rows(
        """
        select live_model, shadow_model, contacts, grade_changes, matrix_changes,
               sales_ready_changes, stage_changes, score_ups, score_downs, mean_score_change,
               live_mqls_per_month, shadow_mqls_per_month, live_auc, shadow_auc,
               live_top_decile_conversion_rate, shadow_top_decile_conversion_rate
        from marts.scoring_model_comparison
        order by live_model, shadow_model
        """)
    if not rows:
        return Section("comparison", "Candidate scoring models",
                       "No shadow model is set up. `leadscore calibrate` proposes one, fitted on your "
                       "own history, as a shadow model scored beside the live one: it is evaluated "
                       "here, never synced to the CRM or alerted, until you adopt it.")
    long = []
    for r in rows:
        pair = f"{r['live_model']} vs {r['shadow_model']}"
        for who, auc in (("live: " + r["live_model"], r["live_auc"]),
                         ("shadow: " + r["shadow_model"], r["shadow_auc"])):
            if auc is not None:
                long.append({"pair": pair, "model": who, "auc": auc})
    # bars start at 0.5 (a coin toss), the left edge of the axis: clipped there, not drawn past it
    chart = alt.Chart(_data(long)).mark_bar(clip=True).encode(
        x=alt.X("auc:Q", title="backtest AUC of the lead score", scale=alt.Scale(domain=[0.5, 1])),
        y=alt.Y("model:N", title=None, axis=alt.Axis(labelLimit=300)),
        row=alt.Row("pair:N", title=None),
        color=alt.Color("model:N", legend=None, scale=alt.Scale(range=[MUTED, ACCENT])),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("auc:Q", format=".3f")],
    ).properties(width=CHART_WIDTH - 320, height=60)
    body = "".join(_comparison_row(r) for r in rows)
    table = ('<table class="figures"><tr><th>live → shadow</th><th>contacts</th>'
             "<th>grade changes</th><th>matrix changes</th><th>sales-ready changes</th>"
             "<th>stage changes</th><th>scores</th><th>MQLs a month</th><th>AUC</th>"
             "<th>top-10% conversion</th></tr>" + body + "</table>")
    intro = ("A shadow model (is_shadow in seed scoring_models, e.g. the candidate `leadscore calibrate` "
             "writes) is scored, backtested and evaluated beside the live one in every build, but never "
             "synced to the CRM, never alerted and never put on the lifecycle. This is what adopting it "
             "would change today, and how both ranked the buyers of the past year. Adopt it by copying "
             "its rows over the live model's in the seeds (or flipping is_shadow) and running dbt build.")
    return Section("comparison", "Candidate scoring models", intro, (chart,), table)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(headline_section, "headline", "The headline"),
    SectionSpec(distribution_section, "distribution", "How the lead scores are spread",
                ("scored_contacts",)),
    SectionSpec(band_section, "bands", "Who buys, by band", ("score_band_conversion",)),
    SectionSpec(roc_section, "roc", "Does the score find the buyers? (ROC curve)",
                ("threshold_tradeoff",)),
    SectionSpec(rules_section, "rules", "Does each rule earn its points?",
                ("scoring_rule_audit",)),
    SectionSpec(threshold_section, "thresholds", "Where to set the threshold",
                ("threshold_tradeoff",)),
    SectionSpec(recommendation_section, "recommendation", "Recommended thresholds",
                ("threshold_recommendation",)),
    SectionSpec(comparison_section, "comparison", "Candidate scoring models",
                ("scoring_model_comparison",)),
    SectionSpec(funnel_section, "funnel", "The funnel", ("funnel_conversion",)),
)


def _missing_section(spec: SectionSpec, ctx: ReportContext) -> Section:
    missing = [t for t in spec.needs if not ctx.marts.has(t)]
    evaluation = any(t in EVALUATION_MARTS for t in missing)
    why = (" (an evaluation mart: see the note at the top)" if evaluation
           else " (built before it)")
    note = (f'<p class="note" data-missing="{_e(",".join(missing))}">Not in this warehouse: '
            + ", ".join(f"<code>marts.{_e(t)}</code>" for t in missing) + f"{why}.</p>")
    return Section(spec.key, spec.title, "", after_html=note)


def build_sections(ctx: ReportContext,
                   specs: Sequence[SectionSpec] = SECTIONS) -> list[Section]:
    return [spec.build(ctx) if ctx.marts.has(*spec.needs) else _missing_section(spec, ctx)
            for spec in specs]


# --------------------------------------------------------------------------- the page

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1d232b; background: #f6f7f9; margin: 0; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 6px; border-top: 1px solid #e3e6ea; padding-top: 18px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p { margin: 6px 0 10px; max-width: 78ch; }
p.lead { font-size: 17px; }
p.hint, p.build { color: #55606e; font-size: 13px; }
p.note, div.notice { background: #fff4e5; border-left: 4px solid #e07b00; padding: 10px 14px; }
nav { font-size: 14px; margin: 8px 0 0; }
nav a { margin-right: 14px; color: #1f5fa8; text-decoration: none; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0 12px; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e3e6ea; text-align: left;
         vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
table.figures td:nth-child(n+2) { text-align: right; }
ul.why { font-size: 14px; margin: 0 0 12px; padding-left: 20px; max-width: 78ch; }
table.figures tr.chosen td { font-weight: 600; background: #f3f7fc; }
table.rules td:first-child { color: #c62828; font-weight: 600; }
.figure { font-variant-numeric: tabular-nums; }
.chart { margin: 10px 0 6px; min-height: 40px; }
code { font-size: 90%; background: #f0f2f5; padding: 1px 4px; border-radius: 3px; }
"""

RENDER_JS = """
(function () {
  var specs = JSON.parse(document.getElementById('report-specs').textContent);
  var jobs = Object.keys(specs).map(function (id) {
    var el = document.getElementById(id);
    return vegaEmbed(el, specs[id], {actions: false, renderer: 'svg'})
      .then(function () { el.setAttribute('data-rendered', 'true'); })
      .catch(function (err) {
        el.setAttribute('data-rendered', 'error');
        console.error('chart ' + id + ' failed: ' + err);
      });
  });
  Promise.all(jobs).then(function () {
    document.body.setAttribute('data-charts-rendered', String(jobs.length));
  });
})();
"""


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no `</script>`, no `<!--`)."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def vega_javascript() -> str:
    """Vega, Vega-Lite and Vega-Embed in one script (vl-convert's bundle, for the Vega-Lite
    version Altair writes): sets window.vegaEmbed, fetches nothing."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    known = vlc.get_vegalite_versions()
    bundle = vlc.javascript_bundle(vl_version=f"v{wanted}" if wanted in known else None)
    return bundle.replace("</script", "<\\/script")


def render_page(ctx: ReportContext, sections: Sequence[Section], notices: Sequence[str],
                javascript: str) -> str:
    specs: dict[str, Any] = {}
    body: list[str] = []
    for section in sections:
        body.append(f'<section id="{_e(section.key)}" data-section="{_e(section.key)}">')
        body.append(f"<h2>{_e(section.title)}</h2>")
        if section.intro:
            body.append(f'<p class="intro">{section.intro}</p>')
        for i, chart in enumerate(section.charts):
            chart_id = f"chart-{section.key}-{i + 1}"
            specs[chart_id] = chart.to_dict()
            body.append(f'<div class="chart" id="{chart_id}" data-chart="{chart_id}"></div>')
        if section.after_html:
            body.append(section.after_html)
        body.append("</section>")
    nav = "".join(f'<a href="#{_e(s.key)}">{_e(s.title)}</a>' for s in sections[1:])
    notice_html = "".join(f'<div class="notice" data-notice="{_e(key)}">{text}</div>'
                          for key, text in _notices(notices))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lead scoring report</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>Lead scoring: how well the scores work</h1>
<p class="hint">For marketing and sales: does the lead score put the buyers on top, which rules
earn their points, and where to set the thresholds. Every figure is measured on the past:
the scores were replayed at earlier dates and compared with who bought afterwards.</p>
<nav>{nav}</nav>
{notice_html}
{''.join(body)}
</main>
<script type="application/json" id="report-specs">{_script_json(specs)}</script>
<script>{javascript}</script>
<script>{RENDER_JS}</script>
</body>
</html>
"""


def _notices(keys: Sequence[str]) -> list[tuple[str, str]]:
    texts = {
        "evaluation-missing": (
            "<b>How well the scores predict is not in this warehouse.</b> The evaluation marts "
            "(" + ", ".join(f"<code>{t}</code>" for t in EVALUATION_MARTS) + ") are missing: it "
            "was built with <code>dbt build --exclude tag:evaluation</code> and no full build "
            "has been published since. Run a full <code>dbt build</code> to fill in the charts "
            "below that need them."),
    }
    return [(key, texts[key]) for key in keys]


# --------------------------------------------------------------------------- entry points


def _scoring_models(marts: Marts, chosen: str) -> tuple[str, ...]:
    names = [r["scoring_model"] for r in marts.rows(
        "select distinct scoring_model from marts.scored_contacts order by 1")]
    if chosen not in names:
        raise ReportError(f"no scoring model {chosen!r} in marts.scored_contacts "
                          f"(models: {', '.join(names) or 'none'})")
    return (chosen, *[n for n in names if n != chosen])


def build_report(duckdb_path: Path, out: Path, scoring_model: str = "default") -> Path:
    """Write the report of `duckdb_path` (schema marts) to `out`; raises ReportError."""
    if not duckdb_path.is_file():
        raise ReportError(f"warehouse {duckdb_path} does not exist: run `make demo` "
                          "(or `dbt build`) first")
    try:
        con = db.connect(duckdb_path, read_only=True)
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ReportError(f"cannot open {duckdb_path}: {first}") from exc
    try:
        con.execute("SET TimeZone = 'UTC'")
        marts = Marts(con)
        if not marts.has("scored_contacts"):
            raise ReportError(f"{duckdb_path} has no marts.scored_contacts: it is not a built "
                              "lead-scoring warehouse (run `dbt build` first)")
        ctx = ReportContext(marts, scoring_model, _scoring_models(marts, scoring_model),
                            duckdb_path)
        sections = build_sections(ctx)
    finally:
        con.close()
    notices = [] if any(t in marts.tables for t in EVALUATION_MARTS) else ["evaluation-missing"]
    page = render_page(ctx, sections, notices, vega_javascript())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duckdb", type=Path,
                        default=Path("warehouse/lead_scoring_published.duckdb"),
                        help="warehouse to read schema marts from (default %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("warehouse/lead_scoring_report.html"),
                        help="HTML file to write (default %(default)s)")
    parser.add_argument("--scoring-model", default="default",
                        help="scoring model the single-model charts detail (default %(default)s)")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        path = build_report(args.duckdb, args.out, args.scoring_model)
    except ReportError as exc:
        print(f"report: error: {exc}", file=sys.stderr)
        return 2
    size = path.stat().st_size
    log.info("wrote %s (%.1f MB) in %.1f s", path, size / 1e6, time.perf_counter() - started)
    print(path)
    return 0
