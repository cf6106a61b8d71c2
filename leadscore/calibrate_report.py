"""What `leadscore calibrate` writes: the candidate's seed files, calibration.md, a summary.

The seed files are the project's own (seeds/scoring_models.csv, scoring_rules.csv, and
disqualification_rules.csv / score_caps.csv / scoring_settings.csv when the candidate needs
rows there) with the candidate's rows added at the end: every other row is the project's
text byte for byte, so that copying the files over seeds/ adds the shadow model and changes
nothing else. Rows of an earlier candidate of the same name are replaced.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from leadscore.calibrate import (
    CANDIDATE_SUFFIX, CandidateRule, Evaluation, Result, disqualified, evidence,
    live_as_candidate,
)
from leadscore.dbt_runner import PROJECT_DIR

# The seed grammar the candidate is written in. A project seed with an older header (a
# subset of these columns) is rewritten in this one, its rows getting the defaults below.
SEED_HEADERS = {
    "scoring_models": ["scoring_model", "product_line", "is_shadow", "shadow_of", "description"],
    "scoring_rules": ["scoring_model", "rule_id", "category", "signal", "match_type",
                      "match_value", "points", "max_points", "half_life_days", "count_min",
                      "count_max", "reason_text"],
    "disqualification_rules": ["scoring_model", "reason_code", "priority", "is_enabled",
                               "description"],
    "score_caps": ["scoring_model", "category", "min_points", "max_points"],
    "scoring_settings": ["scoring_model", "setting", "value", "description"],
}
UPGRADE_DEFAULTS = {
    "scoring_models": {"is_shadow": "false", "shadow_of": ""},
    "scoring_rules": {"match_type": "like", "count_min": "", "count_max": ""},
    "disqualification_rules": {"scoring_model": "default"},
}


class SeedError(Exception):
    """A project seed the candidate cannot be written beside: one line, exit code 2."""


@dataclass(frozen=True)
class SeedFile:
    rows: list[dict[str, str]]
    header: list[str]
    text: str  # the file as it is
    spans: list[tuple[int, int]]  # per row: [first line, end line) in text.splitlines(True)
    newline: str


def read_seed(path: Path) -> SeedFile:
    if not path.is_file():
        raise SeedError(f"no seed file {path}")
    with path.open(encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    reader = csv.reader(iter(lines))
    header = next(reader, None)
    if not header:
        raise SeedError(f"{path} is empty")
    rows, spans, start = [], [], reader.line_num
    for record in reader:
        if record:
            rows.append(dict(zip(header, record)))
            spans.append((start, reader.line_num))
        start = reader.line_num
    newline = "\r\n" if text.endswith("\r\n") or "\r\n" in text[:2000] else "\n"
    return SeedFile(rows, header, text, spans, newline)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_seed(name: str, seeds_dir: Path, out_dir: Path, candidate_model: str,
               new_rows: list[dict[str, object]]) -> tuple[Path, bool]:
    """out_dir/<name>.csv: the project's seed with `new_rows` appended (and any earlier rows
    of `candidate_model` removed). Returns the path and whether the project's file had to be
    rewritten in the new grammar (its header was older)."""
    seed = read_seed(seeds_dir / f"{name}.csv")
    header = SEED_HEADERS[name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=seed.newline)
    upgraded = seed.header != header
    if upgraded:
        if not set(seed.header) <= set(header) or not set(header) - set(seed.header) <= set(
                UPGRADE_DEFAULTS.get(name, {})):
            raise SeedError(f"{seeds_dir / name}.csv has columns {', '.join(seed.header)};"
                            f" the candidate is written in {', '.join(header)}")
        writer.writerow(header)
        for row in seed.rows:
            if row.get("scoring_model", "default") != candidate_model:
                writer.writerow([row.get(c, UPGRADE_DEFAULTS[name].get(c, "")) for c in header])
        kept_text = buffer.getvalue()
    else:
        lines = seed.text.splitlines(keepends=True)
        drop = {i for row, (a, b) in zip(seed.rows, seed.spans)
                if row.get("scoring_model") == candidate_model for i in range(a, b)}
        kept_text = "".join(line for i, line in enumerate(lines) if i not in drop)
        if kept_text and not kept_text.endswith(("\n", "\r")):
            kept_text += seed.newline
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=seed.newline)
    for row in new_rows:
        writer.writerow([_cell(row.get(c)) for c in header])
    out = out_dir / f"{name}.csv"
    out.write_text(kept_text + buffer.getvalue(), encoding="utf-8", newline="")
    return out, upgraded


# --- the candidate's rows ----------------------------------------------------------------------


def candidate_name(model: str) -> str:
    return f"{model}{CANDIDATE_SUFFIX}"


def rule_rows(result: Result) -> list[dict[str, object]]:
    """scoring_rules rows of the candidate: the fitted rules, every live rule it drops set
    to 0, and (for a model other than `default`, whose own rows the candidate does not
    inherit) the live model's own rules it keeps."""
    bt, cand = result.backtest, result.candidate
    name = candidate_name(bt.model)
    rows = []
    written = set()
    for rule in sorted(cand.rules, key=_rule_order):
        live = bt.rules.get(rule.live_rule_id or "")
        if rule.origin == "kept" and (live is None or live.is_inherited or bt.model == "default"):
            continue
        rows.append(_rule_row(name, rule))
        written.add(rule.rule_id)
    if bt.model != "default":
        for live in bt.rules.values():
            if not live.is_inherited and live.rule_id not in written:
                rows.append({"scoring_model": name, "rule_id": live.rule_id,
                             "category": live.category, "signal": live.signal,
                             "match_type": "like", "match_value": live.match_value,
                             "points": live.points, "max_points": live.max_points,
                             "half_life_days": live.half_life_days,
                             "reason_text": live.reason_text})
    return rows


def _rule_order(rule: CandidateRule) -> tuple:
    origin = {"fitted": 0, "kept": 1, "dropped": 2}[rule.origin]
    return (origin, rule.category != "fit", -float(rule.points), rule.rule_id)


def _rule_row(model: str, rule: CandidateRule) -> dict[str, object]:
    return {"scoring_model": model, "rule_id": rule.rule_id, "category": rule.category,
            "signal": rule.signal, "match_type": rule.match_type,
            "match_value": rule.match_value, "points": rule.points,
            "max_points": rule.max_points, "half_life_days": rule.half_life_days,
            "count_min": rule.count_min, "count_max": rule.count_max,
            "reason_text": rule.reason_text}


def model_row(result: Result, seeds_dir: Path) -> dict[str, object]:
    bt, split = result.backtest, result.split
    live = {r["scoring_model"]: r for r in read_seed(seeds_dir / "scoring_models.csv").rows}
    product_line = live.get(bt.model, {}).get("product_line", "")
    train, test = _span(bt, split.train_snapshots), _span(bt, split.test_snapshots)
    return {"scoring_model": candidate_name(bt.model), "product_line": product_line,
            "is_shadow": True, "shadow_of": bt.model,
            "description": (
                f"Shadow candidate for {bt.model} proposed by leadscore calibrate on"
                f" {date.today():%Y-%m-%d}: fitted on the backtest snapshots {train}, checked on"
                f" {test} (lead-score AUC {_num(result.current.auc)} -> {_num(result.proposed.auc)}"
                " there). See calibration.md.")}


def disqualification_rows(result: Result, seeds_dir: Path) -> list[dict[str, object]]:
    bt, cand = result.backtest, result.candidate
    seed = read_seed(seeds_dir / "disqualification_rules.csv")
    name = candidate_name(bt.model)
    # a live model other than default may have rows of its own, which the candidate keeps
    # (default's rows apply to the candidate anyway)
    own = {r["reason_code"]: r for r in seed.rows
           if bt.model != "default" and r.get("scoring_model") == bt.model}
    default = {r["reason_code"]: r for r in seed.rows
               if r.get("scoring_model", "default") == "default"}
    rows = []
    for reason, row in sorted({**default, **own}.items()):
        if reason in cand.reasons_off:
            audit = bt.audit[("disqualification", reason)]
            rows.append({"scoring_model": name, "reason_code": reason,
                         "priority": row["priority"], "is_enabled": False,
                         "description": (
                             f"Off in the candidate: these contacts converted at"
                             f" {_pct(audit.conversion_rate_with)} against"
                             f" {_pct(audit.conversion_rate_without)} for the rest"
                             f" ({audit.contacts_with:,} contact-snapshots, scoring_rule_audit"
                             f" contradicts). Was: {row.get('description', '')}")})
        elif reason in own:
            rows.append({**row, "scoring_model": name})
    return rows


def cap_rows(result: Result, seeds_dir: Path) -> list[dict[str, object]]:
    """score_caps rows of the candidate: when it proposes other caps, or when the live model
    has caps of its own (the candidate would otherwise get default's)."""
    bt, cand = result.backtest, result.candidate
    seed = read_seed(seeds_dir / "score_caps.csv")
    has_own = any(r.get("scoring_model") == bt.model for r in seed.rows) and bt.model != "default"
    if not cand.caps_changed and not has_own:
        return []
    s = bt.settings
    name = candidate_name(bt.model)
    return [{"scoring_model": name, "category": "fit", "min_points": s.fit_min,
             "max_points": cand.fit_max},
            {"scoring_model": name, "category": "engagement", "min_points": s.engagement_min,
             "max_points": cand.engagement_max},
            {"scoring_model": name, "category": "total", "min_points": s.total_min,
             "max_points": s.total_max}]


def settings_rows(result: Result, seeds_dir: Path) -> list[dict[str, object]]:
    """The live model's own scoring_settings rows, for the candidate (none for default)."""
    model = result.backtest.model
    if model == "default":
        return []
    seed = read_seed(seeds_dir / "scoring_settings.csv")
    return [{**r, "scoring_model": candidate_name(model)}
            for r in seed.rows if r.get("scoring_model") == model]


def write_outputs(result: Result, out_dir: Path, seeds_dir: Path | None = None) -> list[Path]:
    """The seed files and calibration.md in out_dir; returns the paths written."""
    seeds_dir = seeds_dir or PROJECT_DIR / "seeds"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SeedError(f"cannot create {out_dir}: {exc.strerror}") from exc
    name = candidate_name(result.backtest.model)
    planned = {
        "scoring_models": [model_row(result, seeds_dir)],
        "scoring_rules": rule_rows(result),
        "disqualification_rules": disqualification_rows(result, seeds_dir),
        "score_caps": cap_rows(result, seeds_dir),
        "scoring_settings": settings_rows(result, seeds_dir),
    }
    written, upgraded = [], []
    for seed_name, rows in planned.items():
        if not rows and seed_name not in ("scoring_models", "scoring_rules"):
            stale = out_dir / f"{seed_name}.csv"
            if stale.exists():
                stale.unlink()
            continue
        path, was_upgraded = write_seed(seed_name, seeds_dir, out_dir, name, rows)
        written.append(path)
        if was_upgraded:
            upgraded.append(seed_name)
    report = out_dir / "calibration.md"
    report.write_text(markdown(result, [p.name for p in written], upgraded), encoding="utf-8")
    written.append(report)
    return written


# --- calibration.md ------------------------------------------------------------------------------


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None or value != value else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _span(bt, snapshots: list[int]) -> str:
    first, last = bt.snapshot_at[snapshots[0]], bt.snapshot_at[snapshots[-1]]
    return f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"


def _md_table(headers: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(out)


def _points_text(rule: CandidateRule | None) -> str:
    if rule is None or (rule.points == 0 and rule.max_points == 0):
        return "0" if rule is not None else "-"
    points = _cell(float(rule.points))
    if rule.kind == "per_event":
        return f"{points} per event, at most {_cell(float(rule.max_points))}"
    if rule.kind == "band":
        high = "" if rule.count_max is None else _cell(float(rule.count_max))
        return f"{points} once ({_cell(float(rule.count_min or 0))}..{high})"
    return points


def _match_text(rule: CandidateRule) -> str:
    value = rule.match_value.replace("|", ", ") if rule.match_type == "in" else rule.match_value
    text = f"{rule.signal} {rule.match_type} {value}"
    if rule.kind == "band":
        text += " (no such event)" if rule.count_max == 0 else ""
    return text


def _live_rule_view(result: Result, rule_id: str) -> CandidateRule | None:
    live = result.backtest.rules.get(rule_id)
    return None if live is None else live_as_candidate(result.backtest, live, "kept")


def diff_rows(result: Result) -> list[list[object]]:
    """One line per rule the candidate scores with or changes: current and candidate points
    and the evidence on the fitted snapshots."""
    bt, cand = result.backtest, result.candidate
    rows_mask = result.split.train & ~disqualified(bt, cand.reasons_off)
    out = []
    for rule in sorted(cand.rules, key=_rule_order):
        if rule.origin == "kept":
            continue
        live = _live_rule_view(result, rule.rule_id)
        shown = live if rule.origin == "dropped" else rule
        ev = evidence(bt, shown, rows_mask)
        change = ("new" if live is None else "dropped" if rule.origin == "dropped"
                  else "changed" if (rule.points, rule.max_points) != (live.points, live.max_points)
                  else "same")
        out.append([rule.category, f"`{rule.rule_id}`", _match_text(shown), rule.reason_text,
                    _points_text(live), _points_text(rule), f"{ev.contacts_with:,}",
                    _pct(ev.rate_with), _pct(ev.rate_without),
                    "n/a" if ev.lift is None else f"{ev.lift:.2f}", change])
    return out


def _evaluation_rows(result: Result) -> list[list[object]]:
    s = result.backtest.settings
    cur, new = result.current, result.proposed

    def share(e: Evaluation, pair: tuple[int, int]) -> str:
        n, conv = pair
        return f"{_pct(n / e.contacts if e.contacts else None)} ({n:,}; converted {_pct(conv / n if n else None)})"

    return [
        ["AUC (lead score)", _num(cur.auc), _num(new.auc)],
        ["top-decile conversion", _pct(cur.top_decile_rate), _pct(new.top_decile_rate)],
        [f"at or above the MQL threshold ({s.mql_threshold:g})", share(cur, cur.at_mql),
         share(new, new.at_mql)],
        [f"lead band ({s.lead_threshold:g} to below {s.mql_threshold:g})", share(cur, cur.lead_band),
         share(new, new.lead_band)],
        [f"at or above the lead threshold ({s.lead_threshold:g})", share(cur, cur.at_lead),
         share(new, new.at_lead)],
        [f"below the lead threshold", share(cur, cur.below_lead), share(new, new.below_lead)],
    ]


def _band_rows(result: Result) -> list[list[object]]:
    rows = []
    for (label, n_cur, c_cur), (_, n_new, c_new) in zip(result.current.bands, result.proposed.bands):
        rows.append([label, f"{n_cur:,}", _pct(c_cur / n_cur if n_cur else None),
                     f"{n_new:,}", _pct(c_new / n_new if n_new else None)])
    return rows


def _cap_lines(result: Result) -> list[str]:
    lines = []
    for e in result.caps:
        if e.share_above_live > 0:
            lines.append(
                f"- {e.category}: the fitted {e.category} points reach {e.reach_p99:.0f} for the"
                f" top 1% of the fitted contact-snapshots (at most {e.reach_max:.0f});"
                f" the live cap of {e.live_cap:g} cuts {_pct(e.share_above_live)} of them.")
        else:
            lines.append(f"- {e.category}: the fitted points stay within the live cap of"
                         f" {e.live_cap:g} (at most {e.reach_max:.0f}): it cuts nobody.")
        if e.candidate_cap != e.live_cap:
            lines.append(f"  The candidate's {e.category} cap: {e.candidate_cap:g}"
                         " (score_caps.csv).")
    return lines


def verdict(result: Result) -> str:
    """One sentence: does the candidate rank the newer snapshots better than the live weights?"""
    cur, new = result.current.auc, result.proposed.auc
    if cur is None or new is None:
        return ("The newer snapshots have no conversion (or nothing else): the candidate could"
                " not be checked. Do not adopt it as it is.")
    if new > cur:
        return (f"The candidate ranks the newer snapshots better than the live weights (AUC"
                f" {cur:.3f} -> {new:.3f}): worth reviewing with sales.")
    return (f"The candidate does NOT rank the newer snapshots better than the live weights (AUC"
            f" {cur:.3f} -> {new:.3f}): do not adopt it as it is; the backtest may hold too few"
            f" conversions ({result.current.conversions:,} checked) to improve on them.")


def markdown(result: Result, files: list[str], upgraded: list[str]) -> str:
    bt, split, cand = result.backtest, result.split, result.candidate
    name = candidate_name(bt.model)
    train_rows = split.train & ~disqualified(bt, cand.reasons_off)
    train_conv = int(bt.converted[train_rows].sum())
    test_conv = result.current.conversions
    audit_n = bt.settings.audit_min_contacts
    parts = [
        f"# Calibration of the `{bt.model}` scoring model: candidate `{name}`",
        "",
        f"Proposed by `leadscore calibrate` on {date.today():%Y-%m-%d} from the backtest of the"
        f" build `{bt.build_id}`. Method: L1-regularized logistic regression (scikit-learn),"
        " its weights scaled to the 100-point system and rounded (docs/calibration.md).",
        "",
        "## What was fitted, and on what it was checked",
        "",
        f"- **Fitted** on the {len(split.train_snapshots)} complete backtest snapshots"
        f" {_span(bt, split.train_snapshots)} (up to the cut {split.cut_at:%Y-%m-%d}):"
        f" {int(train_rows.sum()):,} contact-snapshots that were not disqualified,"
        f" {train_conv:,} of them converted.",
        f"- **Checked** on the {len(split.test_snapshots)} newer complete snapshots"
        f" {_span(bt, split.test_snapshots)}: {result.current.contacts:,} contact-snapshots,"
        f" {test_conv:,} converted. The candidate never saw them.",
        f"- {len(cand.counted_rules)} rules score in the candidate (at most --max-rules"
        + (f"; {len(cand.silent)} kept rules that fire for nobody not counted" if cand.silent else "")
        + ");"
        f" points per unit of log-odds {cand.scale:.1f}, chosen so that as many of the fitted"
        " contact-snapshots reach the MQL threshold as with the live weights.",
    ]
    if bt.scores_build_id and bt.build_id and bt.scores_build_id != bt.build_id:
        parts.append(f"- Note: the backtest is from build `{bt.build_id}`, the scores from"
                     f" `{bt.scores_build_id}` (a build without the evaluation models since).")
    parts += [
        "",
        f"**{verdict(result)}**",
        "",
        "## Current against candidate weights, on the newer snapshots",
        "",
        _md_table(["", f"current ({bt.model})", f"candidate ({name})"], _evaluation_rows(result)),
        "",
        "Conversion by 10-point lead-score band:",
        "",
        _md_table(["band", "current contacts", "current conversion", "candidate contacts",
                   "candidate conversion"], _band_rows(result)),
        "",
        "## Points per rule: current against candidate",
        "",
        "Evidence on the fitted snapshots (contact-snapshots not disqualified): how many the"
        " rule fires for, their conversion rate, the rate of the others, and the lift (their"
        " rate over the average). `dropped`: the live rule scores 0 in the candidate.",
        "",
        _md_table(["category", "rule", "matches", "reason", "current", "candidate", "contacts",
                   "conversion with", "without", "lift", "change"], diff_rows(result)),
        "",
        "## Kept for lack of evidence",
        "",
    ]
    kept = [r for r in cand.rules if r.origin == "kept"]
    if kept:
        parts.append(f"Fewer than {audit_n} contact-snapshots with (or without) these rules"
                     " (audit_min_contacts), in scoring_rule_audit or in the fitted snapshots:"
                     " they keep their current points.")
        parts.append("")
        parts.append(_md_table(["rule", "reason", "points", "why"], [
            [f"`{r.rule_id}`", r.reason_text, _points_text(r),
             cand.kept_reasons.get(r.rule_id, "")] for r in kept]))
    else:
        parts.append("None: every rule had enough evidence.")
    parts += ["", "## Disqualifications proposed off", ""]
    if cand.reasons_off:
        rows = []
        for reason in cand.reasons_off:
            a = bt.audit[("disqualification", reason)]
            interval = "n/a" if a.ci_low is None else f"{a.ci_low:.2f} to {a.ci_high:.2f}"
            weak = " (weak: the interval includes 0)" if a.ci_low is not None and a.ci_low <= 0 else ""
            rows.append([reason, f"{a.contacts_with:,}", f"{a.conversions_with:,}",
                         _pct(a.conversion_rate_with), _pct(a.conversion_rate_without),
                         "n/a" if a.lift is None else f"{a.lift:.2f}", interval + weak])
        parts.append("scoring_rule_audit's verdict is `contradicts`: the contacts these rules"
                     " disqualify converted at or above the rest, over the complete snapshots.")
        parts.append("")
        parts.append(_md_table(["reason", "contact-snapshots", "converted", "conversion",
                                "rest", "lift", "log-odds ratio, 95% interval"], rows))
    else:
        parts.append("None: no disqualification is contradicted by the evidence.")
    parts += ["", "## What the caps do", "",
              "A category's cap bounds its positive points; penalties apply after it.", ""]
    parts += _cap_lines(result)
    parts += [
        "",
        "## How to adopt it",
        "",
        f"1. Copy {', '.join(f'`{f}`' for f in files)} over the project's `seeds/` files of the"
        " same names: they are the project's own with the candidate's rows added at the end;"
        " every other row is unchanged.",
        f"2. `dbt build` (or `make demo`): the candidate `{name}` is scored beside"
        f" `{bt.model}` as a shadow model and reaches nobody.",
        "3. Read `marts.scoring_model_comparison` and the report (`leadscore report`) with"
        " sales: does the new points table say what they see?",
        f"4. Make it live: copy the candidate's rows over the live ones (scoring_model"
        f" `{name}` -> `{bt.model}`), or flip the flags in scoring_models (is_shadow"
        f" false for the candidate, and the live one retired). Many scores change at once, so"
        " the circuit breaker will stop the publish: publish it once with"
        " `dbt build --vars '{allow_mass_change: true}'`.",
        "",
        "## Caveats",
        "",
        "- Who a contact is (title, company) comes from the CRM's current values at every"
        " snapshot (the CRM keeps no history), so the fit rules are slightly flattered.",
        "- The outcome windows of the last fitted snapshots reach into the checked period: a"
        " deal won there can count for both (the contacts and snapshots differ).",
    ]
    if upgraded:
        parts.append(
            f"- The project's {', '.join(f'seeds/{u}.csv' for u in upgraded)} still have the"
            " older columns: the files written here are in the new grammar (match_type,"
            " count_min, count_max; is_shadow, shadow_of; scoring_model in"
            " disqualification_rules), their rows given the defaults; they build once the"
            " project's models read these columns.")
    return "\n".join(parts) + "\n"


def terminal_summary(result: Result, written: list[Path]) -> str:
    bt, cand, split = result.backtest, result.candidate, result.split
    cur, new = result.current, result.proposed
    top = sorted(cand.scoring_rules, key=lambda r: -abs(float(r.points)))[:5]
    lines = [
        f"calibrate {bt.model} -> {candidate_name(bt.model)}: fitted on"
        f" {_span(bt, split.train_snapshots)}, checked on {_span(bt, split.test_snapshots)}"
        f" ({cur.contacts:,} contact-snapshots, {cur.conversions:,} converted)",
        f"  AUC {_num(cur.auc)} -> {_num(new.auc)}; top-decile conversion"
        f" {_pct(cur.top_decile_rate)} -> {_pct(new.top_decile_rate)};"
        f" at or above MQL {_pct(cur.at_mql[0] / cur.contacts)} -> {_pct(new.at_mql[0] / new.contacts)}",
        f"  {len(cand.counted_rules)} rules; kept for lack of evidence: {len(cand.kept)};"
        f" disqualifications off: {', '.join(cand.reasons_off) or 'none'}",
        "  " + verdict(result),
        "  strongest: " + "; ".join(f"{r.reason_text} ({_cell(float(r.points))})" for r in top),
        "  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items()),
        f"  wrote {', '.join(str(p) for p in written)}",
    ]
    return "\n".join(lines)
