"""Site settings: what a site may tune, as typed by a lead, and the rules they make.

The seeds leave some limits to the site (calling hours, when an overdue personal callback
goes to the shared queue, how long mail may wait to be signed for, ...). Each is a
`SiteSetting` with its unit, default and bounds; the database keeps the text a lead typed,
and `site_rules` turns those texts into the rule objects the rest of the code reads.
A stored text that no longer parses (an older version, a hand edit) falls back to the
default and is reported by `invalid_settings`, never raised at a desk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from deskui.domain.callbacks import CallbackRules, CallingHours, parse_convenient_hours
from deskui.domain.calls import PhoneRules
from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.department_legs import LegPolicy
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.model import CallbackPurpose, Severity
from deskui.domain.phone import normalise_phone
from deskui.domain.visible_text import drives_terminal, visible

MAX_TEXT = limit(FieldKind.SHORT_TEXT)


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    MEGABYTES = "megabytes"
    CHOICE = "choice"
    HOURS_RANGES = "hours_ranges"
    PURPOSES = "purposes"
    SECONDS = "seconds"
    NUMBERS = "numbers"
    NAMES = "names"


NUMERIC = frozenset({Unit.MINUTES, Unit.HOURS, Unit.DAYS, Unit.MEGABYTES, Unit.SECONDS})
"""Units typed as a whole number within the setting's bounds."""


@dataclass(frozen=True, slots=True)
class SiteSetting:
    key: str
    unit: Unit
    default: str
    low: int = 1
    high: int = 0
    choices: tuple[str, ...] = ()
    group: str = ""
    """Which part of the desk it tunes: shown as a heading on the settings screen."""


SETTINGS: tuple[SiteSetting, ...] = (
    SiteSetting("first_contact.normal", Unit.HOURS, "24", 1, 168, group="tickets"),
    SiteSetting("first_contact.urgent", Unit.HOURS, "8", 1, 72, group="tickets"),
    SiteSetting("first_contact.critical", Unit.HOURS, "4", 1, 24, group="tickets"),
    SiteSetting("repeat_contact", Unit.HOURS, "12", 1, 24, group="tickets"),
    # seed 002:2.3.2: a critical record goes to the CS manager and the company's leadership
    SiteSetting("escalation.leadership", Unit.NAMES, "", group="tickets"),
    SiteSetting("callback.window", Unit.DAYS, "7", 1, 31, group="callbacks"),
    SiteSetting(
        "callback.calling_hours", Unit.HOURS_RANGES, "9:30-11:30, 14:30-17:30", group="callbacks"
    ),
    SiteSetting("callback.rest_hours", Unit.HOURS_RANGES, "12:00-14:00", group="callbacks"),
    SiteSetting("callback.shared_after", Unit.MINUTES, "30", 5, 1440, group="callbacks"),
    SiteSetting(
        "callback.period", Unit.CHOICE, "month", choices=("month", "quarter"), group="callbacks"
    ),
    SiteSetting("callback.confirm_purposes", Unit.PURPOSES, "", group="callbacks"),
    SiteSetting("handover.ack", Unit.MINUTES, "30", 5, 480, group="handover"),
    SiteSetting("leg.accept", Unit.HOURS, "2", 1, 72, group="departments"),
    SiteSetting("leg.plan", Unit.HOURS, "4", 1, 72, group="departments"),
    SiteSetting("leg.inform", Unit.HOURS, "4", 1, 72, group="departments"),
    SiteSetting("mail.sign_within", Unit.HOURS, "4", 1, 72, group="front_desk"),
    SiteSetting("attachment.limit", Unit.MEGABYTES, "10", 1, 200, group="front_desk"),
    SiteSetting(
        "attachment.storage",
        Unit.CHOICE,
        "database",
        choices=("database", "folder"),
        group="front_desk",
    ),
    SiteSetting("signin.lock", Unit.MINUTES, "15", 1, 1440, group="accounts"),
    SiteSetting("desk.idle_lock", Unit.MINUTES, "10", 1, 480, group="accounts"),
    SiteSetting(
        "privacy.masked",
        Unit.CHOICE,
        "department",
        choices=("department", "department_agent", "nobody"),
        group="accounts",
    ),
    # issue 28 (PIPL): closed records' personal fields anonymised after this; 0 keeps them
    SiteSetting("privacy.retention", Unit.DAYS, "0", 0, 3650, group="accounts"),
    # issue 28: the desks' logs and crash reports kept this long (DESKUI_LOG_DAYS overrides)
    SiteSetting("log.days", Unit.DAYS, "30", 1, 3650, group="accounts"),
    # issue 25: the phone bridge and the desks' calls
    SiteSetting("phone.missed_within", Unit.HOURS, "2", 1, 24, group="phone"),
    SiteSetting("phone.ringing_sweep", Unit.MINUTES, "10", 1, 240, group="phone"),
    SiteSetting("phone.talking_sweep", Unit.MINUTES, "120", 10, 1440, group="phone"),
    SiteSetting("phone.wrap_up", Unit.SECONDS, "30", 0, 600, group="phone"),
    SiteSetting("phone.service_level", Unit.SECONDS, "20", 1, 600, group="phone"),
    SiteSetting("phone.block_list", Unit.NUMBERS, "", group="phone"),
)
MASKED_ROLES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "department": frozenset({"department"}),
        "department_agent": frozenset({"department", "agent"}),
        "nobody": frozenset(),
    }
)
"""Who sees customers' contact details masked, by the site's choice (issue 16)."""
BY_KEY: Mapping[str, SiteSetting] = MappingProxyType({s.key: s for s in SETTINGS})

Value = int | str | CallingHours | frozenset[str] | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """Why a typed value cannot be a setting: a catalog key and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()


_INTEGER = re.compile(r"^\s*(\d{1,6})\s*$")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")
"""Numbers are written with spaces inside (021-5555 0101): only commas separate them."""


def parse_setting(setting: SiteSetting, text: str) -> Value | SettingProblem:
    """The value a lead typed, or why it cannot be one (pure; no exception escapes)."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        return SettingProblem("site.error.too_long", (("max", MAX_TEXT),))
    if setting.unit in NUMERIC:
        match = _INTEGER.match(text)
        if match is None:
            return SettingProblem(
                "site.error.number", (("low", setting.low), ("high", setting.high))
            )
        number = int(match.group(1))
        if not setting.low <= number <= setting.high:
            return SettingProblem(
                "site.error.range", (("low", setting.low), ("high", setting.high))
            )
        return number
    if setting.unit is Unit.CHOICE:
        if text not in setting.choices:
            return SettingProblem("site.error.choice", (("choices", " / ".join(setting.choices)),))
        return text
    if setting.unit is Unit.NUMBERS:
        return _numbers(text)
    if setting.unit is Unit.NAMES:
        return _names(text)
    if setting.unit is Unit.HOURS_RANGES:
        hours = parse_convenient_hours(text)
        if hours is None:
            return SettingProblem("site.error.hours")
        return replace(hours, source="site")
    purposes = frozenset(word for word in _SEPARATORS.split(text) if word)
    unknown = sorted(purposes - {str(p) for p in CallbackPurpose})
    if unknown:
        return SettingProblem(
            "site.error.purposes",
            (("unknown", ", ".join(unknown)), ("known", ", ".join(CallbackPurpose))),
        )
    return purposes


def _names(text: str) -> tuple[str, ...] | SettingProblem:
    """Account names (the company's leadership told of a critical record), each once."""
    names: list[str] = []
    for word in _LIST_SEPARATORS.split(text):
        word = word.strip()
        if not word:
            continue
        if len(word) > limit(FieldKind.NAME) or drives_terminal(word):
            return SettingProblem("site.error.names", (("name", visible(word[:40])),))
        if word not in names:
            names.append(word)
    return tuple(names)


def names_not_accounts(names: tuple[str, ...], accounts: frozenset[str]) -> SettingProblem | None:
    """A list of account names naming someone who is no active account of the desk: the
    first such name (a critical record told to nobody is no escalation)."""
    for name in names:
        if name not in accounts:
            return SettingProblem("site.error.names", (("name", visible(name[:40])),))
    return None


def _numbers(text: str) -> tuple[str, ...] | SettingProblem:
    """A list of phone numbers (the block list), each normalised as the bridge compares it."""
    numbers: list[str] = []
    for word in _LIST_SEPARATORS.split(text):
        word = word.strip()
        if not word:
            continue
        parsed = normalise_phone(word)
        if not parsed.valid or parsed.e164 is None:
            return SettingProblem("site.error.numbers", (("number", word[:40]),))
        if parsed.e164 not in numbers:
            numbers.append(parsed.e164)
    return tuple(numbers)


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Every site-tunable rule, built from the stored settings (defaults where unset)."""

    policy: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    callbacks: CallbackRules = field(default_factory=CallbackRules)
    legs: LegPolicy = field(default_factory=LegPolicy)
    sign_within_hours: int = 4
    attachment_limit_bytes: int = 10 * 1024 * 1024
    attachment_storage: str = "database"
    signin_lock: timedelta = timedelta(minutes=15)
    """How long five wrong passwords lock an account (issue 16)."""
    idle_lock: timedelta = timedelta(minutes=10)
    """How long a desk may sit untouched before it locks behind the password."""
    masked_roles: frozenset[str] = frozenset({"department"})
    """Roles shown phones, e-mail and personal notes masked (`138****5678`)."""
    phone: PhoneRules = field(default_factory=PhoneRules)
    """The phone bridge's and the desks' call rules (issue 25)."""
    retention_days: int = 0
    """Records closed longer ago than this have their personal fields anonymised by
    `deskui privacy purge` (issue 28); 0: kept until a person asks."""
    leadership: tuple[str, ...] = ()
    """The company's leaders told of a critical record, by account name (seed 002:2.3.2)."""
    log_days: int = 30
    """The desks' logs and crash reports older than this are deleted, at a desk's start
    and by the purge's timer (issue 28; the host's DESKUI_LOG_DAYS overrides it)."""


def setting_values(stored: Mapping[str, str]) -> dict[str, Value]:
    """Every setting's value: the stored text where it parses, else the default."""
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        parsed = parse_setting(setting, stored.get(setting.key, setting.default))
        if isinstance(parsed, SettingProblem):
            parsed = parse_setting(setting, setting.default)
        assert not isinstance(parsed, SettingProblem), setting.key  # defaults always parse
        values[setting.key] = parsed
    return values


def invalid_settings(stored: Mapping[str, str]) -> list[str]:
    """Stored keys whose text does not parse (they run on the default) or are unknown."""
    return sorted(
        key
        for key, text in stored.items()
        if key not in BY_KEY or isinstance(parse_setting(BY_KEY[key], text), SettingProblem)
    )


def site_rules(stored: Mapping[str, str]) -> SiteRules:
    """The rules every deadline, queue and limit reads, from the stored setting texts."""
    v = setting_values(stored)

    def number(key: str) -> int:
        value = v[key]
        assert isinstance(value, int), key  # a number's setting parses to an int
        return value

    def hours(key: str) -> timedelta:
        return timedelta(hours=number(key))

    def minutes(key: str) -> timedelta:
        return timedelta(minutes=number(key))

    policy = DeadlinePolicy(
        first_contact=MappingProxyType(
            {
                Severity.NORMAL: hours("first_contact.normal"),
                Severity.URGENT: hours("first_contact.urgent"),
                Severity.CRITICAL: hours("first_contact.critical"),
            }
        ),
        repeat_contact_interval=hours("repeat_contact"),
        callback_window=timedelta(days=number("callback.window")),
        handover_ack=minutes("handover.ack"),
    )
    calling_hours = v["callback.calling_hours"]
    assert isinstance(calling_hours, CallingHours)
    rest = v["callback.rest_hours"]
    assert isinstance(rest, CallingHours)
    purposes = v["callback.confirm_purposes"]
    assert isinstance(purposes, frozenset)
    callbacks = replace(
        CallbackRules(),
        window=policy.callback_window,
        calling_hours=calling_hours,
        rest_hours=tuple((w.start, w.end) for w in rest.windows),
        shared_after=minutes("callback.shared_after"),
        period=str(v["callback.period"]),
        confirm_purposes=purposes,
    )
    legs = replace(
        LegPolicy(),
        accept=hours("leg.accept"),
        plan=hours("leg.plan"),
        inform=hours("leg.inform"),
    )
    return SiteRules(
        policy=policy,
        callbacks=callbacks,
        legs=legs,
        sign_within_hours=number("mail.sign_within"),
        attachment_limit_bytes=number("attachment.limit") * 1024 * 1024,
        attachment_storage=str(v["attachment.storage"]),
        signin_lock=minutes("signin.lock"),
        idle_lock=minutes("desk.idle_lock"),
        masked_roles=MASKED_ROLES[str(v["privacy.masked"])],
        retention_days=number("privacy.retention"),
        phone=PhoneRules(
            missed_within=hours("phone.missed_within"),
            ringing_sweep=minutes("phone.ringing_sweep"),
            talking_sweep=minutes("phone.talking_sweep"),
            wrap_up=timedelta(seconds=int(v["phone.wrap_up"])),  # type: ignore[arg-type]
            service_level=timedelta(seconds=int(v["phone.service_level"])),  # type: ignore[arg-type]
            block_list=tuple(v["phone.block_list"]),  # type: ignore[arg-type]
        ),
        leadership=tuple(v["escalation.leadership"]),  # type: ignore[arg-type]
        log_days=number("log.days"),
    )
