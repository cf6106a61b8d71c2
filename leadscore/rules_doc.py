"""Render the scoring configuration seeds as a page a sales manager can read.

`python -m leadscore.rules_doc` rewrites docs/scoring_rules.md from seeds/*.csv; a test
fails when the page is out of date, so the page always says what the seeds do.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUTPUT = ROOT / "docs" / "scoring_rules.md"


def _read_seed(name: str, seeds: Path = SEEDS) -> list[dict[str, str]]:
    with open(seeds / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _is_band(rule: dict[str, str]) -> bool:
    return bool((rule.get("count_min") or "").strip() or (rule.get("count_max") or "").strip())


def _times(value: str) -> str:
    return f"{_num(value)} time" if float(value) == 1 else f"{_num(value)} times"


def _band_phrase(rule: dict[str, str]) -> str:
    """How many times, in words: `never`, `once`, `2 to 4 times`, `5 times or more`."""
    low, high = (rule.get("count_min") or "").strip(), (rule.get("count_max") or "").strip()
    low = "" if low and float(low) == 0 else low
    if high and float(high) == 0:
        return "never"
    if low and high and float(low) == float(high):
        return "once" if float(low) == 1 else f"exactly {_times(low)}"
    if low and high:
        return f"{_num(low)} to {_times(high)}"
    if low:
        return f"{_times(low)} or more"
    return f"at most {_times(high)}"


def _num(value: str) -> str:
    if value in ("", None):
        return ""
    x = float(value)
    return str(int(x)) if x == int(x) else f"{x:g}"


def _signed(value: str) -> str:
    x = float(value)
    return ("+" if x > 0 else "") + _num(value)


# what an engagement rule's match_value is tested against, per kind of event
_DETAIL = (("page_view", "page"), ("email_", "campaign"), ("form_", "form asset"))


def _code(text: str) -> str:
    """Inline code that is safe inside a Markdown table cell (a `|` would end the cell)."""
    return "`" + text.replace("|", "\\|") + "`"


def _match_phrase(match_type: str, match_value: str) -> str | None:
    """How a rule's match reads in words, e.g. `starts with /pricing`, `is one of a, b`,
    `is 51 to 200`; None when it matches anything (like `%`)."""
    kind = (match_type or "").strip().lower() or "like"
    value = (match_value or "").strip()
    if kind == "equals":
        return f"is {_code(value)}"
    if kind == "in":
        items = [_code(item.strip()) for item in value.split("|")]
        return f"is {items[0]}" if len(items) == 1 else f"is {', '.join(items[:-1])} or {items[-1]}"
    if kind == "regex":
        return f"matches the pattern {_code(value)} (a regular expression, any case)"
    if kind == "between":
        low, _, high = value.replace(" ", "").partition("..")
        if low and high:
            return f"is {low} to {high}"
        return f"is {low} or more" if low else f"is at most {high}"
    if value == "%":
        return None
    inner = value.strip("%")
    if "%" not in inner and "_" not in inner:
        if value.startswith("%") and value.endswith("%"):
            return f"contains {_code(inner)}"
        if value.endswith("%"):
            return f"starts with {_code(inner)}"
        if value.startswith("%"):
            return f"ends with {_code(inner)}"
        return f"is {_code(value)}"
    return f"looks like {_code(value)} (`%` = anything, `_` = any one character)"


def _fit_match(rule: dict[str, str]) -> str:
    phrase = _match_phrase(rule.get("match_type", ""), rule["match_value"])
    return f"{_code(rule['signal'])} {phrase}" if phrase else f"any {_code(rule['signal'])}"


def _engagement_match(rule: dict[str, str]) -> str:
    phrase = _match_phrase(rule.get("match_type", ""), rule["match_value"])
    if phrase is None:
        return _code(rule["signal"])
    detail = next((label for prefix, label in _DETAIL if rule["signal"].startswith(prefix)), "detail")
    return f"{_code(rule['signal'])}, {detail} {phrase}"


def render(seeds: Path = SEEDS) -> str:
    def seed(name: str) -> list[dict[str, str]]:
        return _read_seed(name, seeds)

    rules = seed("scoring_rules")
    caps = {(r["scoring_model"], r["category"]): r for r in seed("score_caps")}
    settings = {r["setting"]: r for r in seed("scoring_settings") if r["scoring_model"] == "default"}
    models = seed("scoring_models")
    out: list[str] = [
        "# How leads are scored",
        "",
        "<!-- Generated from seeds/*.csv by `python -m leadscore.rules_doc`; do not edit by hand. -->",
        "",
        "Every contact gets a **fit score** (who they are) and an **engagement score** (what they",
        "did). Their sum is the **lead score** (0 to 100). Sales works contacts whose lead score is",
        f"at least **{_num(settings['mql_threshold']['value'])}** (sales-ready, the MQL threshold), best score matrix first (`A1`, `A2`, `B1`, …).",
        "",
        "## Bounds",
        "",
        "| score | lowest | highest |",
        "|---|---|---|",
    ]
    for cat, label in (("fit", "fit score"), ("engagement", "engagement score"), ("total", "lead score")):
        c = caps[("default", cat)]
        out.append(f"| {label} | {_num(c['min_points'])} | {_num(c['max_points'])} |")
    cap = float(caps[("default", "engagement")]["max_points"])
    out += [
        "",
        "The highest fit and engagement scores cap the **points a contact earns**; penalties",
        "(negative points) are subtracted **after** the cap, so a cap never swallows a penalty:",
        f"{_num(str(cap + 15))} engagement points and a penalty of 10 make an engagement score of"
        f" {_num(str(cap))} - 10 = {_num(str(cap - 10))}, not {_num(str(cap))}.",
        "A score never goes below its lowest value. The top reasons list the"
        f" {_num(settings['top_reasons_count']['value'])} biggest contributions, and every penalty.",
    ]
    out += [
        "",
        "## Grades and tiers",
        "",
        f"- Fit grade **A** from {_num(settings['fit_grade_a_min']['value'])} fit points, **B** from "
        f"{_num(settings['fit_grade_b_min']['value'])}, **C** from {_num(settings['fit_grade_c_min']['value'])}, otherwise **D**.",
        f"- Engagement tier **1** (hot) from {_num(settings['engagement_tier_1_min']['value'])} engagement points, "
        f"**2** (warm) from {_num(settings['engagement_tier_2_min']['value'])}, otherwise **3** (cold).",
        "",
        "## Fit: who the contact is",
        "",
        "Points once, when the contact matches. Job titles are read through a keyword map, so",
        "`V.P. Mktg`, `Vice President, Marketing` and `vp marketing` all count as a VP in marketing.",
        "",
        "| the contact … | matched when | points |",
        "|---|---|---|",
    ]
    for r in rules:
        if r["scoring_model"] == "default" and r["category"] == "fit":
            out.append(f"| {r['reason_text']} | {_fit_match(r)} | {_signed(r['points'])} |")
    out += [
        "",
        "## Engagement: what the contact did",
        "",
        "Points for every time the contact did it, **halved every half-life** (an action one",
        "half-life ago counts half, two half-lives ago a quarter), and **capped**: one kind of",
        "action never adds (or removes) more than its cap. Activity by bots is not scored: an",
        f"e-mail click within {_num(settings['bot_click_max_seconds']['value'])} seconds of delivery (a link scanner), or more than",
        f"{_num(settings['bot_page_views_per_minute']['value'])} page views in one minute, or more than",
        f"{_num(settings['bot_page_views_per_hour']['value'])} in one hour (a bot that keeps just under the per-minute limit).",
        "",
        "| the contact … | counted events | points each | at most | half-life (days) |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        if r["scoring_model"] == "default" and r["category"] == "engagement" and not _is_band(r):
            half = _num(r["half_life_days"]) or "never decays"
            out.append(f"| {r['reason_text']} | {_engagement_match(r)} | {_signed(r['points'])}"
                       f" | {_num(r['max_points'])} | {half} |")
    bands = [r for r in rules if r["scoring_model"] == "default" and r["category"] == "engagement" and _is_band(r)]
    if bands:
        out += [
            "",
            "### Points for how many times",
            "",
            "These rules give their points **once**, when the number of times the contact did it",
            "(up to today) is in the range; `never` also counts contacts who never did it at all.",
            "With a half-life the actions are counted with decay: one a half-life ago counts half,",
            "so a single action counts fully only at its own moment.",
            "",
            "| the contact … | counted events | how many times | points | counted |",
            "|---|---|---|---|---|",
        ]
        for r in bands:
            counted = (f"with decay (half-life {_num(r['half_life_days'])} days)"
                       if _num(r["half_life_days"]) else "every time, no decay")
            out.append(f"| {r['reason_text']} | {_engagement_match(r)} | {_band_phrase(r)}"
                       f" | {_signed(r['points'])} | {counted} |")
    out += ["", "## Scoring models (one per product line)", ""]
    for m in models:
        extra = [r for r in rules if r["scoring_model"] == m["scoring_model"] and m["scoring_model"] != "default"]
        line = f"- **{m['scoring_model']}**: {m['description']}"
        if extra:
            line += " Own rules: " + "; ".join(
                f"{r['reason_text']} ({_signed(r['points'])}, at most {_num(r['max_points'])})" for r in extra
            ) + "."
        out.append(line)
    out += [
        "",
        "## Disqualified: never routed to sales",
        "",
        "A disqualified contact keeps its fit and engagement scores (so you can see why), but its",
        "lead score is 0. When several reasons apply, the first in this list is shown.",
        "",
        "| reason | when |",
        "|---|---|",
    ]
    for r in sorted(seed("disqualification_rules"), key=lambda r: int(r["priority"])):
        if r["is_enabled"].lower() == "true":
            out.append(f"| {r['reason_code'].replace('_', ' ')} | {r['description']} |")
    s_ = {k: _num(v["value"]) for k, v in settings.items()}
    rule_names = {r["rule_id"]: r["reason_text"] for r in rules if r["scoring_model"] == "default"}
    hand_raisers = [rule_names.get(r["rule_id"], r["rule_id"]) for r in seed("lifecycle_hand_raisers")]
    out += [
        "",
        "## Lifecycle stages: where each contact stands",
        "",
        "Every contact is in exactly one stage, checked in this order (the first that holds wins):",
        "",
        "| stage | when |",
        "|---|---|",
        "| disqualified | one of the reasons above, or sales rejected the lead |",
        "| customer | an opportunity was won (for a product-line model: of that product line) |",
        "| sql | an opportunity is open |",
        "| sal | sales accepted the lead or is working it |",
        f"| mql | lead score at least **{s_['mql_threshold']}**, or a hand-raise in the last"
        f" {s_['hand_raiser_mql_hold_days']} days ({', '.join(hand_raisers).lower()}) |",
        f"| lead | lead score at least **{s_['lead_threshold']}**, or sales recycled the lead |",
        "| prospect | everyone else |",
        "",
        "Contacts move down as well as up: as engagement decays, a lead can fall back to prospect.",
        "A recycled lead becomes an MQL again only when its score crosses the MQL threshold again",
        "(or it raises a hand again). What each CRM lead status means:",
        "",
        "| lead status | effect |",
        "|---|---|",
    ]
    for r in seed("lead_status_stages"):
        out.append(f"| {r['status']} | {r['description']} |")
    signals: dict[str, str] = {}
    for r in seed("intent_signals"):
        signals.setdefault(r["signal_id"], r["label"])
    sla_hours = float(settings["mql_response_sla_minutes"]["value"]) / 60
    out += [
        "",
        "## New-MQL alerts",
        "",
        "Sales gets an alert every time a contact becomes an MQL, with the score then, the last",
        f"{s_['alert_touchpoints_count']} scored actions and the high-intent signals of the previous"
        f" {s_['intent_lookback_days']} days: {'; '.join(signals.values()).lower()}.",
        f"The first sales touch is due within **{_num(sla_hours)} hours** (later is an SLA breach).",
        "",
        "## Accounts and funnel",
        "",
        f"- An account's engagement is the sum of its {s_['account_top_contacts_count']} most engaged contacts'"
        f" engagement scores, at most {s_['account_engagement_max_points']}; a contact with at least"
        f" {s_['engaged_contact_min_engagement']} engagement points counts as engaged.",
        f"- A monthly MQL cohort of which fewer than {_num(float(settings['min_mql_to_sql_rate']['value']) * 100)}%"
        " become SQL is flagged: marketing qualifies too soon.",
    ]
    lists = {
        "Excluded industries": [r["industry"] for r in seed("excluded_industries")],
        "Competitor domains": [r["domain"] for r in seed("competitor_domains")],
        "Our own domains": [r["domain"] for r in seed("own_company_domains")],
        "Personal e-mail domains": [r["domain"] for r in seed("personal_email_domains")],
    }
    out += ["", "## Lists", ""]
    out += [f"- **{k}**: {', '.join(v)}" for k, v in lists.items()]
    out.append("")
    return "\n".join(out)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run python -m leadscore.rules_doc", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
