"""A second, independent implementation of the documented lead-scoring rules, in plain Python.

This module is the oracle of the differential test (`test_differential.py`) and a readable
restatement of the rules. It is written from the documentation, not from the SQL:

- docs/architecture.md (staging contract: normalization, quality issues, e-mail merge),
- models/staging/_staging__docs.md (quality_issue order, surviving_contact_id),
- models/intermediate/_int__docs.md (event union, bot flags, disqualification, components),
- models/marts/_marts__docs.md (fit, engagement, lead score, grade, tier, sales-ready),
- seeds/_seeds.yml (meaning of every seed column).

All weights, lists and thresholds are read from the seed CSV files (csv module), so a change
in a seed changes the SQL and this reference alike. Nothing here generates or runs SQL.

Entry point: ``score_population(raw, as_of, now=...)`` with ``raw`` keyed like
``conftest.write_raw_tables`` ("raw_crm.contacts": [row dicts], ...). It returns one
``ContactScore`` per (contact_id, scoring_model) for every scorable contact.

Where the documentation is silent the choices are marked "undocumented:" in comments.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

UNKNOWN = "unknown"
EMPLOYEE_COUNT_MIN, EMPLOYEE_COUNT_MAX = 1, 5_000_000  # outside: impossible -> unknown
# a local part, `@`, dot-separated domain labels, a top-level domain of 2+ letters; any
# character outside printable ASCII counts as a letter (zoë@, café@, IDN domains)
VALID_EMAIL = re.compile(r"([a-z0-9._%+'-]|[^ -~])+@(([a-z0-9-]|[^ -~])+\.)+([a-z]|[^ -~]){2,}")
# removed from e-mails wherever they are: tab, LF, CR, NBSP, zero-width space/non-joiner/
# joiner, word joiner, byte order mark
EMAIL_INVISIBLE = dict.fromkeys(map(ord, "\t\n\r\u00a0\u200b\u200c\u200d\u2060\ufeff"))
EVENT_TABLES = ("web_events", "email_events", "form_submissions", "event_attendance")


# --------------------------------------------------------------------------------------------
# Small text helpers (the normalizations named in the docs)
# --------------------------------------------------------------------------------------------

def trim(value: object) -> str | None:
    """Trimmed text, blank -> None (SQL `nullif(trim(x), '')`; SQL trim removes spaces)."""
    if value is None:
        return None
    text = str(value).strip(" ")
    return text or None


def lower_trim(value: object) -> str | None:
    text = trim(value)
    return text.lower() if text is not None else None


def normalize_email(value: object) -> str | None:
    """E-mail: the invisible characters removed, then trimmed and lower-cased; blank -> None."""
    if value is None:
        return None
    return lower_trim(str(value).translate(EMAIL_INVISIBLE))


def normalize_key(value: object) -> str | None:
    """Case- and whitespace-insensitive key: lower, whitespace runs -> one space, trimmed."""
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value).lower()).strip(" ")
    return text or None


def normalize_type(value: object) -> str | None:
    """Raw event / form / status type: lower, trimmed, runs of whitespace or hyphens -> `_`."""
    text = lower_trim(value)
    if text is None:
        return None
    return re.sub(r"[\s-]+", "_", text) or None


def title_key(title: object) -> str | None:
    """Job title key: lower; every non-alphanumeric character -> space; collapsed; trimmed."""
    if title is None:
        return None
    text = re.sub(r"[^a-z0-9]+", " ", str(title).lower()).strip(" ")
    return text or None


def page_path(raw: object) -> str | None:
    """Page path: lower, trimmed, query string and fragment removed, trailing `/` removed
    except for the root page."""
    text = lower_trim(raw)
    if text is None:
        return None
    text = re.sub(r"[?#].*$", "", text, flags=re.DOTALL)
    if not text:
        return None
    if re.fullmatch(r"/+", text):
        return "/"
    return re.sub(r"/+$", "", text)


def sql_like(value: str, pattern: str) -> bool:
    """SQL LIKE: `%` matches any run of characters, `_` exactly one, the rest literally."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


MATCH_TYPES = ("like", "equals", "in", "regex", "between")
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)\s*")


def normalize_match(match_type: str | None, match_value: str | None) -> tuple[str, str]:
    """A rule's (match_type, match_value) as written in the seed, read the documented way:
    the type lower case (empty = like); the value lower case with whitespace runs as one
    space, for `in` without spaces around the `|`; a regex only trimmed (matching ignores
    case instead); a `between` range without spaces."""
    kind = normalize_key(match_type) or "like"
    raw = match_value or ""
    if kind == "regex":
        value = raw.strip(" ")
    elif kind == "between":
        value = re.sub(r"\s+", "", raw)
    elif kind == "in":
        value = re.sub(r" ?\| ?", "|", normalize_key(raw) or "")
    else:
        value = normalize_key(raw) or ""
    return kind, value


def _number(text: str) -> float | None:
    return float(text) if _NUMBER.fullmatch(text) else None


def value_matches(value: str | None, match_type: str, match_value: str) -> bool:
    """Does a value (fit attribute, event detail; None = empty) match a rule? Compared in
    lower case: like = SQL LIKE (`_` any one character); equals = the whole value (`_` is an
    underscore); in = one of the `|`-separated values; regex = a regular expression found
    anywhere, ignoring case; between = a number within low..high, ends included, an empty
    end unbounded (a value that is not a number matches nothing)."""
    text = (value or "").lower()
    if match_type == "equals":
        return text == match_value
    if match_type == "in":
        return text in match_value.split("|")
    if match_type == "regex":
        return re.search(match_value, text, flags=re.IGNORECASE) is not None
    if match_type == "between":
        number = _number(text)
        parts = match_value.split("..")
        low = _number(parts[0]) if parts[0] else None
        high = _number(parts[1]) if len(parts) > 1 and parts[1] else None
        return (number is not None and (low is None or number >= low)
                and (high is None or number <= high))
    return sql_like(text, match_value)


def clamp(value: float, lower: float | None, upper: float | None) -> float:
    if lower is not None and value < lower:
        return lower
    if upper is not None and value > upper:
        return upper
    return value


def round_half_away(value: float, digits: int = 0) -> float:
    """Round as SQL does (half away from zero), not as Python's banker's rounding."""
    factor = 10**digits
    return math.copysign(math.floor(abs(value) * factor + 0.5) / factor, value)


def as_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    return datetime.fromisoformat(str(value).replace("Z", ""))


def _raw_order_key(values: Iterable[object]) -> tuple:
    """Order raw values ascending with nulls last (tie-breaker of duplicate rows)."""
    return tuple((1, "") if v is None else (0, str(v) if not isinstance(v, (int, float)) else v)
                 for v in values)


# --------------------------------------------------------------------------------------------
# Configuration: the seeds
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    scoring_model: str
    rule_id: str
    category: str  # fit | engagement
    signal: str  # fit: attribute name; engagement: canonical event type
    match_type: str  # like | equals | in | regex | between
    match_value: str  # what the value must match, normalized (normalize_match)
    points: float
    max_points: float
    half_life_days: float | None
    reason_text: str
    count_min: float | None = None  # a count band: points once while the count is within
    count_max: float | None = None  # [count_min, count_max] (an empty end unbounded)

    @property
    def is_count_band(self) -> bool:
        return self.count_min is not None or self.count_max is not None

    def in_band(self, count: float) -> bool:
        return ((self.count_min is None or count >= self.count_min)
                and (self.count_max is None or count <= self.count_max))


@dataclass(frozen=True)
class TitleKeyword:
    keyword: str
    seniority: str | None
    department: str | None
    priority: int


@dataclass
class Config:
    models: dict[str, str | None]  # scoring_model -> product_line (None for default)
    rules: list[Rule]
    caps: dict[tuple[str, str], tuple[float, float]]  # (model, category) -> (min, max)
    settings: dict[tuple[str, str], float]  # (model, setting) -> value
    size_bands: list[tuple[str, int, int]]
    competitor_domains: set[str]
    own_domains: set[str]
    personal_domains: set[str]
    junk_names: set[str]
    excluded_industries: set[str]
    title_keywords: list[TitleKeyword]
    disqualification_rules: dict[str, tuple[int, bool]]  # reason -> (priority, enabled)
    event_type_map: dict[tuple[str, str], str]  # (source_table, raw_value) -> event type

    def rules_of(self, model: str) -> list[Rule]:
        """A model's own rules, plus every `default` rule whose rule_id it does not reuse."""
        own = [r for r in self.rules if r.scoring_model == model]
        if model == "default":
            return own
        own_ids = {r.rule_id for r in own}
        inherited = [r for r in self.rules if r.scoring_model == "default" and r.rule_id not in own_ids]
        return own + inherited

    def cap(self, model: str, category: str) -> tuple[float | None, float | None]:
        return self.caps.get((model, category), self.caps.get(("default", category), (None, None)))

    def setting(self, model: str, name: str) -> float | None:
        return self.settings.get((model, name), self.settings.get(("default", name)))


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str | None]]:
    with open(seeds_dir / f"{name}.csv", newline="", encoding="utf-8") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def _float(value: str | None) -> float | None:
    return float(value) if value is not None else None


def load_config(seeds_dir: Path = SEEDS_DIR) -> Config:
    def seed(name: str) -> list[dict[str, str | None]]:
        return _read_seed(seeds_dir, name)

    def key_set(name: str, column: str) -> set[str]:
        return {normalize_key(r[column]) for r in seed(name) if r[column] is not None}

    models = {normalize_key(r["scoring_model"]): normalize_key(r["product_line"]) for r in seed("scoring_models")}
    rules = [
        Rule(
            scoring_model=normalize_key(r["scoring_model"]),
            rule_id=r["rule_id"],
            category=normalize_key(r["category"]),
            signal=normalize_key(r["signal"]),
            match_type=normalize_match(r.get("match_type"), r["match_value"])[0],
            match_value=normalize_match(r.get("match_type"), r["match_value"])[1],
            points=float(r["points"]),
            max_points=float(r["max_points"]),
            half_life_days=_float(r["half_life_days"]),
            reason_text=r["reason_text"],
            count_min=_float(r.get("count_min")),
            count_max=_float(r.get("count_max")),
        )
        for r in seed("scoring_rules")
        if normalize_key(r["scoring_model"]) in models  # rules of unknown models apply nowhere
    ]
    return Config(
        models=models,
        rules=rules,
        caps={(normalize_key(r["scoring_model"]), normalize_key(r["category"])):
              (float(r["min_points"]), float(r["max_points"])) for r in seed("score_caps")},
        settings={(normalize_key(r["scoring_model"]), normalize_key(r["setting"])): float(r["value"])
                  for r in seed("scoring_settings")},
        size_bands=[(r["company_size_band"], int(r["min_employees"]), int(r["max_employees"]))
                    for r in seed("company_size_bands")],
        competitor_domains=key_set("competitor_domains", "domain"),
        own_domains=key_set("own_company_domains", "domain"),
        personal_domains=key_set("personal_email_domains", "domain"),
        junk_names=key_set("junk_name_values", "name_value"),
        excluded_industries=key_set("excluded_industries", "industry"),
        title_keywords=[
            TitleKeyword(normalize_key(r["keyword"]), normalize_key(r["seniority"]),
                         normalize_key(r["department"]), int(r["priority"]))
            for r in seed("title_keywords")
        ],
        disqualification_rules={
            normalize_key(r["reason_code"]): (int(r["priority"]), str(r["is_enabled"]).lower() == "true")
            for r in seed("disqualification_rules")
        },
        event_type_map={(normalize_key(r["source_table"]), normalize_key(r["raw_value"])):
                        normalize_key(r["event_type"]) for r in seed("event_type_map")},
    )


# --------------------------------------------------------------------------------------------
# Staging: accounts and contacts (one survivor per id, e-mail merge)
# --------------------------------------------------------------------------------------------

@dataclass
class Account:
    account_id: str
    domain: str | None
    industry_key: str | None
    employee_count: int | None
    country_code: str | None
    is_target_account: bool


@dataclass
class Contact:
    contact_id: str
    account_id: str | None
    email: str
    email_domain: str
    first_name: str | None
    last_name: str | None
    job_title_key: str | None
    country_code: str | None
    lead_source: str | None
    created_at: datetime
    has_email_opt_out: bool = False


def _truthy(value: object) -> bool:
    """A raw boolean: true, or text that reads as true; null or unreadable -> False."""
    return value is True or str(value).strip().lower() in ("true", "t", "1")


def _survivor_per_id(rows: list[Mapping], id_column: str, time_column: str,
                     tie_columns: list[str]) -> dict[str, Mapping]:
    """Rows sharing one (trimmed) id are copies of one record: the latest `time_column`
    survives (nulls last), then the smallest raw values. Rows without an id are dropped
    (missing_key); the other copies are older duplicates (duplicate_row)."""
    groups: dict[str, list[Mapping]] = defaultdict(list)
    for row in rows:
        key = trim(row.get(id_column))
        if key is not None:
            groups[key].append(row)

    def order(row: Mapping) -> tuple:
        t = as_datetime(row.get(time_column))
        return ((0, -t.timestamp()) if t else (1, 0), _raw_order_key(row.get(c) for c in tie_columns))

    return {key: min(copies, key=order) for key, copies in groups.items()}


def stage_accounts(rows: list[Mapping], now: datetime) -> dict[str, Account]:
    """Usable accounts by id. Excluded: missing key, older duplicates, missing created_at,
    dates after the run's start. An impossible employee count is only blanked."""
    survivors = _survivor_per_id(
        rows, "account_id", "updated_at",
        ["name", "domain", "industry", "employee_count", "annual_revenue", "country",
         "is_target_account", "created_at"],
    )
    accounts = {}
    for account_id, row in survivors.items():
        created, updated = as_datetime(row.get("created_at")), as_datetime(row.get("updated_at"))
        if created is None or created > now or (updated is not None and updated > now):
            continue
        domain = lower_trim(row.get("domain"))
        if domain is not None:
            domain = re.sub(r"^www\.", "", domain) or None
        count = row.get("employee_count")
        if count is not None and not (EMPLOYEE_COUNT_MIN <= int(count) <= EMPLOYEE_COUNT_MAX):
            count = None
        accounts[account_id] = Account(
            account_id=account_id,
            domain=domain,
            industry_key=normalize_key(row.get("industry")),
            employee_count=int(count) if count is not None else None,
            country_code=trim(row.get("country")).upper() if trim(row.get("country")) else None,
            is_target_account=bool(row.get("is_target_account")),
        )
    return accounts


def stage_contacts(rows: list[Mapping], now: datetime) -> tuple[dict[str, Contact], dict[str, str | None]]:
    """Returns the surviving contacts by id and the contact-id map: every contact id the CRM
    knows -> the contact scored for it (itself, the survivor of its e-mail, or None).

    Per id the latest updated_at copy is the record. A record with a problem of its own
    (missing e-mail, malformed e-mail, missing created_at, a date after the run's start) is
    excluded. Records sharing a normalized e-mail are one person: the oldest clean record
    (earliest created_at, then smallest contact_id) survives; the others are merged into it.
    Per the staging docs (surviving_contact_id), an excluded record whose e-mail has a clean
    survivor also points to that survivor, and its events are re-attributed to it."""
    survivors = _survivor_per_id(
        rows, "contact_id", "updated_at",
        ["account_id", "email", "first_name", "last_name", "job_title", "country",
         "lead_source", "email_opt_out", "created_at"],
    )
    records: dict[str, dict] = {}
    for contact_id, row in survivors.items():
        email = normalize_email(row.get("email"))
        created, updated = as_datetime(row.get("created_at")), as_datetime(row.get("updated_at"))
        if email is None:
            issue = "missing_email"
        elif not VALID_EMAIL.fullmatch(email):
            issue = "malformed_email"
        elif created is None:
            issue = "missing_timestamp"
        elif created > now or (updated is not None and updated > now):
            issue = "future_timestamp"
        else:
            issue = None
        records[contact_id] = {"row": row, "email": email, "created_at": created, "issue": issue}

    # survivor of each e-mail among the clean records
    email_survivor: dict[str, str] = {}
    for contact_id, rec in sorted(records.items(), key=lambda kv: (kv[1]["created_at"] or datetime.max, kv[0])):
        if rec["issue"] is None and rec["email"] not in email_survivor:
            email_survivor[rec["email"]] = contact_id

    contacts: dict[str, Contact] = {}
    id_map: dict[str, str | None] = {}
    for contact_id, rec in records.items():
        survivor = email_survivor.get(rec["email"]) if rec["email"] is not None else None
        if rec["issue"] in ("missing_email", "malformed_email"):
            survivor = None  # nothing to merge on
        id_map[contact_id] = survivor
        if rec["issue"] is None and survivor == contact_id:
            row = rec["row"]
            country = trim(row.get("country"))
            contacts[contact_id] = Contact(
                contact_id=contact_id,
                account_id=trim(row.get("account_id")),
                email=rec["email"],
                email_domain=rec["email"].split("@", 1)[1],
                first_name=trim(row.get("first_name")),
                last_name=trim(row.get("last_name")),
                job_title_key=title_key(trim(row.get("job_title"))),
                country_code=country.upper() if country else None,
                lead_source=lower_trim(row.get("lead_source")),
                created_at=rec["created_at"],
                has_email_opt_out=_truthy(row.get("email_opt_out")),
            )
    return contacts, id_map


# --------------------------------------------------------------------------------------------
# Who the contact is: title classification and fit attributes
# --------------------------------------------------------------------------------------------

def classify_title(key: str | None, keywords: list[TitleKeyword]) -> tuple[str, str]:
    """Seniority and department from the keyword map. A keyword matches whole words of the
    title key; when several match, the lowest priority wins, separately for seniority and
    department. Undocumented: among equal priorities the longer keyword, then the
    alphabetically first, wins."""
    if not key:
        return UNKNOWN, UNKNOWN
    padded = f" {key} "
    matches = [k for k in keywords if f" {k.keyword} " in padded]

    def best(attribute: str) -> str:
        candidates = [k for k in matches if getattr(k, attribute)]
        if not candidates:
            return UNKNOWN
        winner = min(candidates, key=lambda k: (k.priority, -len(k.keyword), k.keyword))
        return getattr(winner, attribute)

    return best("seniority"), best("department")


def size_band(employee_count: int | None, bands: list[tuple[str, int, int]]) -> str:
    if employee_count is not None:
        for band, low, high in bands:
            if low <= employee_count <= high:
                return band
    return UNKNOWN


@dataclass
class Profile:
    """Everything the fit rules and the disqualification rules read about one contact."""
    contact: Contact
    account: Account | None
    seniority: str
    department: str
    company_size_band: str
    email_type: str
    attributes: dict[str, str | None] = field(default_factory=dict)


def build_profile(contact: Contact, accounts: Mapping[str, Account], config: Config) -> Profile:
    account = accounts.get(contact.account_id) if contact.account_id else None
    seniority, department = classify_title(contact.job_title_key, config.title_keywords)
    band = size_band(account.employee_count if account else None, config.size_bands)
    email_type = "personal" if contact.email_domain in config.personal_domains else "corporate"
    # undocumented: the contact's own country, else its account's country
    country = contact.country_code or (account.country_code if account else None)
    attributes = {
        "seniority": seniority,
        "department": department,
        "company_size_band": band,
        "employee_count": str(account.employee_count) if account and account.employee_count is not None else None,
        "industry": account.industry_key if account else None,
        "country": country.lower() if country else None,
        "is_target_account": "true" if account and account.is_target_account else "false",
        "email_type": email_type,
        "email_opt_out": "true" if contact.has_email_opt_out else "false",
        # undocumented: runs of spaces and hyphens read as `_` (`partner portal` = partner_portal)
        "lead_source": re.sub(r"[ -]+", "_", contact.lead_source) if contact.lead_source else None,
    }
    return Profile(contact, account, seniority, department, band, email_type, attributes)


# --------------------------------------------------------------------------------------------
# What the contact did: events, canonical types, contact resolution, bot flags
# --------------------------------------------------------------------------------------------

@dataclass
class Event:
    source_table: str
    event_id: str
    contact_id: str  # the contact it is scored for (after merges)
    event_type: str  # canonical
    detail: str | None  # page path (web), campaign (e-mail), asset name (forms)
    campaign_id: str | None
    product_line: str | None
    occurred_at: datetime
    bot_reason: str | None = None


_EVENT_ID_COLUMN = {"web_events": "event_id", "email_events": "event_id",
                    "form_submissions": "submission_id", "event_attendance": "attendance_id"}
_EVENT_TIE_COLUMNS = {
    "web_events": ["contact_id", "session_id", "page_path"],
    "email_events": ["contact_id", "campaign_id", "event_type"],
    "form_submissions": ["contact_id", "form_type", "asset_name", "product_line"],
    "event_attendance": ["contact_id", "event_type", "status", "product_line"],
}


def _raw_type_and_detail(table: str, row: Mapping) -> tuple[str | None, str | None, str | None, str | None]:
    """(raw event type, detail, campaign, product line) of one raw event row."""
    if table == "web_events":
        return "page_view", page_path(row.get("page_path")), None, None
    if table == "email_events":
        campaign = trim(row.get("campaign_id"))
        return normalize_type(row.get("event_type")), campaign, campaign, None
    product_line = lower_trim(row.get("product_line"))
    if table == "form_submissions":
        asset = trim(row.get("asset_name"))
        return normalize_type(row.get("form_type")), asset.lower() if asset else None, None, product_line
    event_type, status = normalize_type(row.get("event_type")), normalize_type(row.get("status"))
    raw = f"{event_type}:{status}" if event_type is not None and status is not None else None
    return raw, None, None, product_line


def stage_events(raw: Mapping[str, list[Mapping]], id_map: Mapping[str, str | None],
                 config: Config, now: datetime) -> list[Event]:
    """Usable events (bot ones included, flagged). A raw event is excluded when it has no id,
    is an older copy of an id, has no time, is dated after the run's start, names no
    contact, has a raw type not in event_type_map, names a contact the CRM does not know,
    or a contact that is not usable (no survivor)."""
    events: list[Event] = []
    for table in EVENT_TABLES:
        rows = list(raw.get(f"raw_marketing.{table}", []))
        id_column = _EVENT_ID_COLUMN[table]
        survivors = _survivor_per_id(rows, id_column, "occurred_at", _EVENT_TIE_COLUMNS[table])
        for event_id, row in survivors.items():
            occurred = as_datetime(row.get("occurred_at"))
            raw_contact = trim(row.get("contact_id"))
            if occurred is None or occurred > now or raw_contact is None:
                continue
            raw_type, detail, campaign, product_line = _raw_type_and_detail(table, row)
            event_type = config.event_type_map.get((table, raw_type)) if raw_type else None
            if event_type is None or raw_contact not in id_map or id_map[raw_contact] is None:
                continue
            events.append(Event(table, event_id, id_map[raw_contact], event_type, detail,
                                campaign, product_line, occurred))
    # the CRM's sales activities are events too (sales_call, ...), staged like the others;
    # an activity type the map does not list scores nothing
    activities = list(raw.get("raw_crm.sales_activities", []))
    for activity_id, row in _survivor_per_id(activities, "activity_id", "occurred_at",
                                             ["contact_id", "activity_type"]).items():
        occurred = as_datetime(row.get("occurred_at"))
        raw_contact = trim(row.get("contact_id"))
        if occurred is None or occurred > now or raw_contact is None:
            continue
        event_type = config.event_type_map.get(("sales_activities", lower_trim(row.get("activity_type"))))
        if event_type is None or raw_contact not in id_map or id_map[raw_contact] is None:
            continue
        events.append(Event("sales_activities", activity_id, id_map[raw_contact], event_type, None,
                            None, None, occurred))
    flag_bots(events, config)
    return events


def flag_bots(events: list[Event], config: Config) -> None:
    """Machine activity, kept but never scored:
    - an e-mail click at most bot_click_max_seconds after the same campaign's (first)
      delivery to the same contact (link scanners click on arrival);
    - more than bot_page_views_per_minute page views by one contact in one clock minute
      (every view of that minute);
    - else more than bot_page_views_per_hour page views by one contact in one clock hour
      (every view of that hour: a bot at a sustained rate)."""
    max_seconds = config.setting("default", "bot_click_max_seconds")
    max_per_minute = config.setting("default", "bot_page_views_per_minute")
    max_per_hour = config.setting("default", "bot_page_views_per_hour")
    first_delivery: dict[tuple[str, str], datetime] = {}
    views_per_minute: dict[tuple[str, datetime], int] = defaultdict(int)
    views_per_hour: dict[tuple[str, datetime], int] = defaultdict(int)
    for e in events:
        if e.event_type == "email_delivered" and e.campaign_id is not None:
            key = (e.contact_id, e.campaign_id)
            if key not in first_delivery or e.occurred_at < first_delivery[key]:
                first_delivery[key] = e.occurred_at
        if e.event_type == "page_view":
            views_per_minute[(e.contact_id, e.occurred_at.replace(second=0, microsecond=0))] += 1
            views_per_hour[(e.contact_id, e.occurred_at.replace(minute=0, second=0, microsecond=0))] += 1
    for e in events:
        if e.event_type == "email_click" and e.campaign_id is not None:
            delivered = first_delivery.get((e.contact_id, e.campaign_id))
            if delivered is not None and 0 <= (e.occurred_at - delivered).total_seconds() <= max_seconds:
                e.bot_reason = "email_click_seconds_after_delivery"
        if e.event_type == "page_view":
            if views_per_minute[(e.contact_id, e.occurred_at.replace(second=0, microsecond=0))] > max_per_minute:
                e.bot_reason = "page_view_flood"
            elif (views_per_hour[(e.contact_id, e.occurred_at.replace(minute=0, second=0, microsecond=0))]
                  > max_per_hour):
                e.bot_reason = "page_view_sustained_rate"


def decay_factor(occurred_at: datetime, as_of: datetime, half_life_days: float | None) -> float:
    """0.5 ** (age in days / half-life); age in fractional days from seconds. No half-life
    (or a non-positive one) means the points never decay."""
    if half_life_days is None or half_life_days <= 0:
        return 1.0
    age_days = (as_of - occurred_at).total_seconds() / 86400.0
    return 0.5 ** (age_days / half_life_days)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

@dataclass
class Component:
    rule_id: str
    category: str
    reason_text: str
    event_count: int | None
    points_after_decay: float
    points_after_cap: float


@dataclass
class ContactScore:
    contact_id: str
    scoring_model: str
    fit_score: float
    engagement_score: float
    lead_score: float
    fit_grade: str
    engagement_tier: int
    score_matrix: str
    is_disqualified: bool
    disqualification_reason: str | None
    all_disqualification_reasons: list[str]
    is_sales_ready: bool
    top_reasons: str
    components: list[Component]
    # unrounded category scores, for tolerant comparisons near thresholds
    fit_points_raw: float = 0.0
    engagement_points_raw: float = 0.0


def fit_components(profile: Profile, rules: list[Rule]) -> list[Component]:
    """Each fit rule whose attribute value matches it (value_matches) gives its points
    once, capped at +/- max_points. A missing attribute matches nothing."""
    components = []
    for rule in rules:
        if rule.category != "fit":
            continue
        value = profile.attributes.get(rule.signal)
        if value is None or not value_matches(value, rule.match_type, rule.match_value):
            continue
        capped = clamp(rule.points, -abs(rule.max_points), abs(rule.max_points))
        components.append(Component(rule.rule_id, "fit", rule.reason_text, None, rule.points, capped))
    return components


def engagement_components(events: list[Event], rules: list[Rule], product_line: str | None,
                          as_of: datetime) -> list[Component]:
    """Each engagement rule earns its points for every matching human event up to as_of
    (event type = signal, event detail matching it: value_matches), each decayed by its age; the
    rule's total is capped at +/- max_points. A count band (count_min or count_max) instead
    gives its points once (capped) when the matching events - the sum of their decay factors
    when the rule has a half-life, else their number - are within [count_min, count_max];
    a band that includes 0 fires without any matching event. A product-line model ignores
    events tagged with another product line; untagged events count."""
    counted = [
        e for e in events
        if e.bot_reason is None
        and e.occurred_at <= as_of
        and (product_line is None or e.product_line is None or e.product_line == product_line)
    ]
    components = []
    for rule in rules:
        if rule.category != "engagement":
            continue
        matching = [e for e in counted
                    if e.event_type == rule.signal and value_matches(e.detail, rule.match_type, rule.match_value)]
        if rule.is_count_band:
            decayed = sum(decay_factor(e.occurred_at, as_of, rule.half_life_days) for e in matching)
            count = decayed if rule.half_life_days else len(matching)
            if rule.in_band(count):
                capped = clamp(rule.points, -abs(rule.max_points), abs(rule.max_points))
                components.append(Component(rule.rule_id, "engagement", rule.reason_text, len(matching),
                                            rule.points, capped))
            continue
        if not matching:
            continue
        after_decay = rule.points * sum(decay_factor(e.occurred_at, as_of, rule.half_life_days) for e in matching)
        capped = clamp(after_decay, -abs(rule.max_points), abs(rule.max_points))
        components.append(Component(rule.rule_id, "engagement", rule.reason_text, len(matching), after_decay, capped))
    return components


def disqualification_reasons(profile: Profile, events: list[Event], as_of: datetime, config: Config) -> list[str]:
    """Every enabled disqualification reason that applies, best (lowest priority) first.
    Event-based reasons (spam report, job application, careers views) count only human
    events up to as_of."""
    contact, account = profile.contact, profile.account
    human = [e for e in events if e.bot_reason is None and e.occurred_at <= as_of]
    page_views = [e for e in human if e.event_type == "page_view"]
    careers_views = sum(1 for e in page_views if sql_like(e.detail or "", "/careers%"))
    # careers pages viewed at least N times, and at least this share of all page views
    careers_share = config.setting("default", "job_seeker_careers_share") or 0.0
    looks_for_job = (careers_views >= config.setting("default", "job_seeker_careers_views")
                     and careers_views >= careers_share * len(page_views))
    names = {normalize_key(contact.first_name), normalize_key(contact.last_name)} - {None}
    found = {
        "own_employee": contact.email_domain in config.own_domains,
        "competitor": contact.email_domain in config.competitor_domains
        or (account is not None and account.domain in config.competitor_domains),
        "spam": any(e.event_type == "email_spam_report" for e in human) or bool(names & config.junk_names),
        "excluded_industry": account is not None and account.industry_key in config.excluded_industries,
        "student": profile.seniority == "student",
        "job_seeker": profile.seniority == "job_seeker"
        or any(e.event_type == "form_job_application" for e in human)
        or looks_for_job,
    }
    enabled = [
        (config.disqualification_rules[reason][0], reason)
        for reason, applies in found.items()
        if applies and config.disqualification_rules.get(reason, (0, False))[1]
    ]
    return [reason for _, reason in sorted(enabled)]


def _top_reasons(components: list[Component], count: int) -> str | None:
    """The `count` largest contributions (by size), then every penalty beyond them: a
    penalty is always explained."""
    shown = [c for c in components if round_half_away(c.points_after_cap) != 0 or c.points_after_cap < 0]
    shown.sort(key=lambda c: (-abs(c.points_after_cap), c.rule_id))
    shown = [c for i, c in enumerate(shown) if i < count or c.points_after_cap < 0]
    labels = [
        f"{c.reason_text} ({'+' if c.points_after_cap > 0 else ''}{int(round_half_away(c.points_after_cap))})"
        for c in shown
    ]
    return "; ".join(labels) or None


def category_points(components: list[Component], category: str, bounds: tuple[float | None, float | None]) -> float:
    """A category's score before rounding: the category cap bounds its positive points;
    penalties (negative points) apply after it, so a cap never swallows a penalty; then the
    category's minimum: max(min, min(positive, max) + penalties)."""
    low, high = bounds
    positive = sum(c.points_after_cap for c in components if c.category == category and c.points_after_cap > 0)
    penalty = sum(c.points_after_cap for c in components if c.category == category and c.points_after_cap < 0)
    return clamp(clamp(positive, None, high) + penalty, low, None)


def score_contact(profile: Profile, events: list[Event], model: str, as_of: datetime,
                  config: Config, reasons: list[str]) -> ContactScore:
    rules = config.rules_of(model)
    components = fit_components(profile, rules) + engagement_components(events, rules, config.models[model], as_of)
    fit_raw = category_points(components, "fit", config.cap(model, "fit"))
    engagement_raw = category_points(components, "engagement", config.cap(model, "engagement"))
    fit = round_half_away(fit_raw, 2)
    engagement = round_half_away(engagement_raw, 2)
    disqualified = bool(reasons)
    lead = 0.0 if disqualified else round(clamp(fit + engagement, *config.cap(model, "total")), 2)

    def s(name: str) -> float:
        return config.setting(model, name)

    grade = ("A" if fit >= s("fit_grade_a_min") else "B" if fit >= s("fit_grade_b_min")
             else "C" if fit >= s("fit_grade_c_min") else "D")
    tier = 1 if engagement >= s("engagement_tier_1_min") else 2 if engagement >= s("engagement_tier_2_min") else 3
    top = _top_reasons(components, int(s("top_reasons_count")))
    if disqualified:
        top_text = f"Disqualified: {reasons[0].replace('_', ' ')}" + (f". {top}" if top else "")
    else:
        top_text = top or "No scoring activity yet"
    return ContactScore(
        contact_id=profile.contact.contact_id,
        scoring_model=model,
        fit_score=fit,
        engagement_score=engagement,
        lead_score=lead,
        fit_grade=grade,
        engagement_tier=tier,
        score_matrix=f"{grade}{tier}",
        is_disqualified=disqualified,
        disqualification_reason=reasons[0] if reasons else None,
        all_disqualification_reasons=reasons,
        is_sales_ready=not disqualified and lead >= s("mql_threshold"),
        top_reasons=top_text,
        components=components,
        fit_points_raw=fit_raw,
        engagement_points_raw=engagement_raw,
    )


def score_population(raw: Mapping[str, Iterable[Mapping]], as_of: datetime, *,
                     now: datetime | None = None, config: Config | None = None,
                     ) -> dict[tuple[str, str], ContactScore]:
    """Score every scorable contact (usable, surviving, created by as_of) with every model.

    `now` is the start of the dbt run: rows dated after it are bad data (future_timestamp)."""
    config = config or load_config()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    raw = {k: list(v) for k, v in raw.items()}
    accounts = stage_accounts(raw.get("raw_crm.accounts", []), now)
    contacts, id_map = stage_contacts(raw.get("raw_crm.contacts", []), now)
    events = stage_events(raw, id_map, config, now)
    events_by_contact: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        events_by_contact[e.contact_id].append(e)

    scores: dict[tuple[str, str], ContactScore] = {}
    for contact_id, contact in contacts.items():
        if contact.created_at > as_of:
            continue  # not yet a contact at the scoring date
        profile = build_profile(contact, accounts, config)
        own_events = events_by_contact.get(contact_id, [])
        reasons = disqualification_reasons(profile, own_events, as_of, config)
        for model in config.models:
            scores[(contact_id, model)] = score_contact(profile, own_events, model, as_of, config, reasons)
    return scores


def resolve_events(raw: Mapping[str, Iterable[Mapping]], *, now: datetime | None = None,
                   config: Config | None = None) -> list[Event]:
    """The usable events (with bot flags) as the reference sees them: for diagnostics."""
    config = config or load_config()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    raw = {k: list(v) for k, v in raw.items()}
    _, id_map = stage_contacts(raw.get("raw_crm.contacts", []), now)
    return stage_events(raw, id_map, config, now)
