"""Callback rules (回访, seed 000:2.5): due dates, calling hours, sharing, coverage, generation.

Every function takes the facts and an explicit `now`; nothing here reads a clock or a database.
Calling hours are local by nature, so they are read in the calendar's zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

import chinese_calendar

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.clock import SITE_TIMEZONE
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import CallbackOutcome, CallbackPurpose
from deskui.domain.visible_text import drives_terminal

WEEK = timedelta(days=7)
SEARCH_DAYS = 62  # a slot is always found within two months of any holiday run


class DaySet(StrEnum):
    """Which days a window applies to."""

    WORKING = "working"  # the calendar's working days (调休 included)
    WEEKDAYS = "weekdays"  # the listed weekdays, except official holidays
    EVERY_DAY = "every_day"


@dataclass(frozen=True, slots=True)
class CallingWindow:
    start: time
    end: time
    days: DaySet = DaySet.WORKING
    weekdays: frozenset[int] = frozenset(range(5))
    """Monday = 0; read only when `days` is WEEKDAYS."""


@dataclass(frozen=True, slots=True)
class CallingHours:
    windows: tuple[CallingWindow, ...]
    source: str = "site"
    """"site" (the default calling hours) or "contact" (their convenient hours)."""


DEFAULT_CALLING_HOURS = CallingHours(
    (CallingWindow(time(9, 30), time(11, 30)), CallingWindow(time(14, 30), time(17, 30)))
)
"""Never in the customer's rest time (seed 000:2.5.2.1): mornings after they settle in and
afternoons after the lunch break, on working days only. A site may change it."""


DEFAULT_REST_HOURS: tuple[tuple[time, time], ...] = ((time(12, 0), time(14, 0)),)
"""The customer's lunch rest (seed 000:2.5.2.1 避免在客户休息时打扰): never called then, whatever
the calling hours say."""


@dataclass(frozen=True, slots=True)
class CallbackRules:
    """What a site may tune; the defaults are the seeds' own or a front desk's usual."""

    window: timedelta = WEEK
    """Due within one week of the triggering event (seed 000:2.5.2.1)."""
    gift_window: timedelta = timedelta(days=3)
    """Gift arrival confirmed within 3 days of sending (seed 000:2.5.5.1)."""
    calling_hours: CallingHours = DEFAULT_CALLING_HOURS
    rest_hours: tuple[tuple[time, time], ...] = DEFAULT_REST_HOURS
    """The customer's rest time, cut out of every calling window (seed 000:2.5.2.1)."""
    shared_after: timedelta = timedelta(minutes=30)
    """A personal callback overdue this long goes to the shared queue (site setting)."""
    occasion_lead: timedelta = timedelta(days=3)
    """Special-occasion callbacks fall due this long before the date."""
    occasion_grace: timedelta = timedelta(hours=4)
    """A special occasion whose lead time has already passed is due this long after it is
    planned, so a generated callback is never overdue the moment it is made."""
    occasion_horizon: timedelta = timedelta(days=14)
    """How far ahead special occasions are generated."""
    period: str = "month"
    """The coverage period: "month" or "quarter" (100% of customers each period)."""
    survey_day: int = 10
    """Survey forms due by this day of each quarter's first month (seed 000:2.5.3)."""
    confirm_purposes: frozenset[str] = frozenset()
    """Purposes always confirmed with the customer's sales head before calling (seed
    000:2.5.2.1); a customer's own flag asks for it too."""


# -- due dates -------------------------------------------------------------------------------


def callback_due_at(
    purpose: CallbackPurpose | str, event_at: datetime, rules: CallbackRules
) -> datetime:
    """Within one week of the event, unless the rule says otherwise (gift: 3 days)."""
    window = rules.gift_window if purpose == CallbackPurpose.GIFT_ARRIVAL else rules.window
    return _utc(event_at) + window


# -- calling hours ---------------------------------------------------------------------------

_TIME = r"(\d{1,2})(?:[:：点时.](\d{2}))?[点时]?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|~|～|至|到|to)\s*" + _TIME)
_WEEKDAY_NAMES = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_DAY_RANGE = re.compile(
    r"(?:周|星期)([一二三四五六日天])\s*(?:至|到|-|~|～)\s*(?:周|星期)?([一二三四五六日天])"
    r"|\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-|to|–)\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*",
    re.IGNORECASE,
)
_HALF_DAY = {
    "上午": (time(9, 0), time(12, 0)),
    "morning": (time(9, 0), time(12, 0)),
    "下午": (time(14, 0), time(18, 0)),
    "afternoon": (time(14, 0), time(18, 0)),
}


def parse_convenient_hours(text: str) -> CallingHours | None:
    """A contact's convenient hours (`工作日 9:00-11:30`, `周一至周六 10:00-18:00`,
    `weekdays 14:00-17:00`, `下午`), or None when nothing in it reads as hours."""
    folded = text.strip().lower()
    if not folded:
        return None
    days, weekdays = DaySet.WORKING, frozenset(range(5))
    if match := _DAY_RANGE.search(folded):
        first = _WEEKDAY_NAMES[(match.group(1) or match.group(3)).lower()[:3]]
        last = _WEEKDAY_NAMES[(match.group(2) or match.group(4)).lower()[:3]]
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days, weekdays = DaySet.WEEKDAYS, frozenset(span)
    elif any(word in folded for word in ("每天", "每日", "daily", "every day", "any day")):
        days = DaySet.EVERY_DAY
    windows: list[CallingWindow] = []
    for match in _RANGE.finditer(folded):
        start = _time(match.group(1), match.group(2))
        end = _time(match.group(3), match.group(4))
        if start is None or end is None or start >= end:
            continue
        windows.append(CallingWindow(start, end, days, weekdays))
    if not windows:
        for word, (start, end) in _HALF_DAY.items():
            if word in folded:
                windows.append(CallingWindow(start, end, days, weekdays))
    if not windows:
        return None
    return CallingHours(tuple(sorted(windows, key=lambda w: w.start)), source="contact")


def calling_hours_for(convenient: Sequence[str], rules: CallbackRules) -> CallingHours:
    """The first contact's parseable convenient hours, else the site's default hours; the
    rest time is cut out of either (seed 000:2.5.2.1)."""
    for text in convenient:
        hours = parse_convenient_hours(text)
        if hours is not None:
            return without_rest(hours, rules.rest_hours)
    return without_rest(rules.calling_hours, rules.rest_hours)


def without_rest(hours: CallingHours, rest: Sequence[tuple[time, time]]) -> CallingHours:
    """`hours` with every rest range cut out (9:00-18:00 less 12:00-14:00 is two windows)."""
    windows = list(hours.windows)
    if not any(r0 < w.end and w.start < r1 for r0, r1 in rest for w in windows):
        return hours  # nothing to cut: the same object (the site's hours stay recognisable)
    for rest_start, rest_end in rest:
        cut: list[CallingWindow] = []
        for w in windows:
            if rest_end <= w.start or w.end <= rest_start:
                cut.append(w)
                continue
            if w.start < rest_start:
                cut.append(CallingWindow(w.start, rest_start, w.days, w.weekdays))
            if rest_end < w.end:
                cut.append(CallingWindow(rest_end, w.end, w.days, w.weekdays))
        windows = cut
    if not windows:  # a rest time covering every window: keep the hours rather than none
        return hours
    return CallingHours(tuple(sorted(windows, key=lambda w: w.start)), hours.source)


def in_rest(at: datetime, rest: Sequence[tuple[time, time]], calendar: BusinessCalendar) -> bool:
    """Whether `at` falls in the customer's rest time, local to the site."""
    local = _utc(at).astimezone(calendar.tz).time().replace(tzinfo=None)
    return any(start <= local < end for start, end in rest)


class MoveReason(StrEnum):
    """Why a callback was moved; the catalog says it in words (callbacks.reason.*)."""

    HOLIDAY = "holiday"
    NON_WORKING_DAY = "non_working_day"
    CONTACT_HOURS = "contact_hours"
    SITE_HOURS = "site_hours"
    REST_TIME = "rest_time"


@dataclass(frozen=True, slots=True)
class Placement:
    at: datetime
    """When to call, UTC."""
    reason: MoveReason | None = None
    """None when the wanted time was already allowed."""
    holiday: str = ""
    """The holiday's name when the reason is a holiday."""

    @property
    def moved(self) -> bool:
        return self.reason is not None


def _day_allowed(window: CallingWindow, day: date, calendar: BusinessCalendar) -> bool:
    if window.days is DaySet.EVERY_DAY:
        return True
    if window.days is DaySet.WORKING:
        return calendar.is_working_day(day)
    return day.weekday() in window.weekdays and holiday_name(day) == ""


def is_allowed(at: datetime, hours: CallingHours, calendar: BusinessCalendar) -> bool:
    local = _utc(at).astimezone(calendar.tz)
    return any(
        w.start <= local.time().replace(tzinfo=None) < w.end
        and _day_allowed(w, local.date(), calendar)
        for w in hours.windows
    )


def next_allowed(at: datetime, hours: CallingHours, calendar: BusinessCalendar) -> datetime:
    """The first instant at or after `at` inside the calling hours."""
    local = _utc(at).astimezone(calendar.tz)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        starts = []
        for window in hours.windows:
            if not _day_allowed(window, day, calendar):
                continue
            begin = datetime.combine(day, window.start, tzinfo=calendar.tz)
            end = datetime.combine(day, window.end, tzinfo=calendar.tz)
            if end <= local:
                continue
            starts.append(max(begin, local))
        if starts:
            return min(starts).astimezone(UTC)
    raise ValueError("no calling hours within two months: check the site's calling hours")


def last_window_start(
    latest: datetime, now: datetime, hours: CallingHours, calendar: BusinessCalendar
) -> datetime | None:
    """The start of the last calling window that begins after `now` and by `latest`, or None."""
    local_latest = _utc(latest).astimezone(calendar.tz)
    local_now = _utc(now).astimezone(calendar.tz)
    for offset in range(SEARCH_DAYS):
        day = local_latest.date() - timedelta(days=offset)
        if day < local_now.date():
            return None
        starts = [
            datetime.combine(day, w.start, tzinfo=calendar.tz)
            for w in hours.windows
            if _day_allowed(w, day, calendar)
        ]
        fitting = [s for s in starts if local_now < s <= local_latest]
        if fitting:
            return max(fitting).astimezone(UTC)
    return None


def place_call(
    at: datetime,
    hours: CallingHours,
    calendar: BusinessCalendar,
    rest: Sequence[tuple[time, time]] = DEFAULT_REST_HOURS,
) -> Placement:
    """Keep `at` if the customer may be called then; else the next allowed slot and why.

    `hours` are expected with the rest time already cut out (`calling_hours_for`); `rest`
    only names the reason when `at` falls in it.
    """
    if is_allowed(at, hours, calendar):
        return Placement(_utc(at))
    local_day = _utc(at).astimezone(calendar.tz).date()
    name = holiday_name(local_day)
    if name:
        reason = MoveReason.HOLIDAY
    elif not calendar.is_working_day(local_day) and hours.source == "site":
        reason = MoveReason.NON_WORKING_DAY
    elif in_rest(at, rest, calendar):
        reason = MoveReason.REST_TIME
    elif hours.source == "contact":
        reason = MoveReason.CONTACT_HOURS
    else:
        reason = MoveReason.SITE_HOURS
    return Placement(next_allowed(at, hours, calendar), reason, name)


def check_booking(
    at: datetime,
    now: datetime,
    hours: CallingHours,
    calendar: BusinessCalendar,
    rest: Sequence[tuple[time, time]] = DEFAULT_REST_HOURS,
) -> Placement:
    """A time an agent books (a busy customer's callback, a promised reply): `Placement(at)`
    when the customer may be called then, else the next allowed slot after `now` and why,
    for the form to offer (never moved silently: the agent typed it)."""
    placement = place_call(at, hours, calendar, rest)
    if placement.moved and placement.at <= _utc(now):
        return Placement(next_allowed(now, hours, calendar), placement.reason, placement.holiday)
    return placement


FAR_BOOKING_DAYS = 31
"""A booked time further out than this is asked about before it is kept (issue 26): a
callback is made within a week (seed 000:2.5.2), so a month and a day out is most likely a
slip of the month or the year."""


class BookingDoubt(StrEnum):
    """Why a booked time is worth a second look before it is kept (issue 26)."""

    FAR = "far"
    """More than FAR_BOOKING_DAYS away."""
    UNKNOWN_YEAR = "unknown_year"
    """In a year the business calendar has no official schedule for (nor the site's own
    entry for that day): its working days and holidays are guessed from the weekday."""


def booking_doubts(
    at: datetime, now: datetime, calendar: BusinessCalendar, far_days: int = FAR_BOOKING_DAYS
) -> tuple[BookingDoubt, ...]:
    """What the agent is told about a booked time before it is kept: `at` 32 days out, or on
    a day of a year the calendar does not know (2027-01-01 was accepted silently)."""
    doubts: list[BookingDoubt] = []
    if _utc(at) - _utc(now) > timedelta(days=far_days):
        doubts.append(BookingDoubt.FAR)
    if not calendar.is_official(_utc(at).astimezone(calendar.tz).date()):
        doubts.append(BookingDoubt.UNKNOWN_YEAR)
    return tuple(doubts)


def holiday_name(day: date) -> str:
    """The official holiday's English name (`National Day`), or "" on other days; screens say
    it through `calendar.holiday_key`."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return str(name) if is_holiday and name else ""


# -- sharing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenCallback:
    id: int
    agent_id: int | None
    due_at: datetime
    shared: bool


def to_share(callbacks: Iterable[OpenCallback], now: datetime, rules: CallbackRules) -> list[int]:
    """Personal callbacks overdue by the site's minutes: to the shared queue, so they are not
    lost while their agent is at lunch or off shift."""
    limit = _utc(now) - rules.shared_after
    return [c.id for c in callbacks if not c.shared and _utc(c.due_at) <= limit]


def section(due_at: datetime, now: datetime, tz: str | tzinfo) -> str:
    """ "overdue", "today" or "upcoming", by the local day of `now`."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if _utc(due_at) < _utc(now):
        return "overdue"
    if _utc(due_at).astimezone(zone).date() == _utc(now).astimezone(zone).date():
        return "today"
    return "upcoming"


def newly_due(due_at: datetime, seen_at: datetime | None, now: datetime) -> bool:
    """A callback fell due since the agent last opened the queue: the desk says so until
    they open it again (issue 6: "due callbacks make the queue's header stand out")."""
    if _utc(due_at) > _utc(now):
        return False
    return seen_at is None or _utc(due_at) > _utc(seen_at)


# -- confirmation with the sales head (seed 000:2.5.2.1) ---------------------------------------


class Confirmation(StrEnum):
    """Where a callback stands with the sales head's confirmation."""

    NOT_NEEDED = "not_needed"
    NEEDED = "needed"  # not asked yet: the script waits
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # the sales head said not now: ask again before calling


def needs_sales_confirmation(customer_flag: bool, purpose: str, rules: CallbackRules) -> bool:
    """回访前必须与营销部门负责人沟通确认: when the customer is flagged or the site lists the
    purpose, the sales head confirms before the call (seed 000:2.5.2.1)."""
    return customer_flag or str(purpose) in rules.confirm_purposes


def confirmation_state(
    customer_flag: bool, purpose: str, confirmed: bool | None, rules: CallbackRules
) -> Confirmation:
    """`confirmed` is the last recorded answer: None (none yet), True or False."""
    if not needs_sales_confirmation(customer_flag, purpose, rules):
        return Confirmation.NOT_NEEDED
    if confirmed is None:
        return Confirmation.NEEDED
    return Confirmation.CONFIRMED if confirmed else Confirmation.DECLINED


def may_start_script(state: Confirmation) -> bool:
    """The script starts only once confirmation is not needed or was given."""
    return state in (Confirmation.NOT_NEEDED, Confirmation.CONFIRMED)


# -- coverage and routine generation ----------------------------------------------------------


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """The first day of the period holding `day` and the first day of the next one."""
    if period == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        months = 3
    elif period == "month":
        start = date(day.year, day.month, 1)
        months = 1
    else:
        raise ValueError(f"unknown coverage period {period!r}")
    month = start.month - 1 + months
    return start, date(start.year + month // 12, month % 12 + 1, 1)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday of the week holding `day` and the next Monday (seed 000:2.5.2.1: within a week)."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


@dataclass(frozen=True, slots=True)
class CoverageShare:
    """Customers called back in a period out of all customers (seed 000:2.5.2.1: 100%)."""

    covered: int
    total: int

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down so 99.6% never reads as 100%; None with no customers."""
        return None if self.total == 0 else self.covered * 100 // self.total


def uncovered(customer_ids: Iterable[int], covered: Iterable[int]) -> list[int]:
    """Customers without a callback in the period (seed 000:2.5.2.1: 100% called back)."""
    seen = set(covered)
    return sorted(cid for cid in customer_ids if cid not in seen)


@dataclass(frozen=True, slots=True)
class PlannedCallback:
    customer_id: int
    agent_id: int
    purpose: CallbackPurpose
    due_at: datetime
    contact_id: int | None = None
    occasion: str = ""
    """For special occasions: `birthday:2026-11-30`, `holiday:2027-01-01`, ... (no duplicates)."""


def plan_routine(
    customers: Mapping[int, int | None],
    agents: Sequence[int],
    load: Mapping[int, int],
    now: datetime,
    rules: CallbackRules,
    period_end: datetime,
) -> list[PlannedCallback]:
    """Routine callbacks for uncovered customers, each to its assigned agent when that agent
    is active, else to whoever has the fewest open callbacks (ties by id).

    `customers` maps customer id to assigned agent id; `load` counts open callbacks per agent.
    Due within the week, never after the period ends.
    """
    if not agents:
        return []
    counts = {agent: load.get(agent, 0) for agent in agents}
    due = min(_utc(now) + rules.window, _utc(period_end) - timedelta(minutes=1))
    due = max(due, _utc(now))
    planned = []
    for customer_id in sorted(customers):
        assigned = customers[customer_id]
        agent = assigned if assigned in counts else min(counts, key=lambda a: (counts[a], a))
        counts[agent] += 1
        planned.append(PlannedCallback(customer_id, agent, CallbackPurpose.ROUTINE, due))
    return planned


# -- special occasions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OccasionFacts:
    customer_id: int
    agent_id: int | None
    contract_signed_on: date | None
    birthdays: tuple[tuple[int, date], ...] = field(default_factory=tuple)
    """(contact id, birthday) of the customer's contacts."""
    founded_on: date | None = None
    """The company's founding date: its anniversary is called for (公司成立纪念日)."""


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion period a lead recorded (促销活动期, seed 000:2.5.1.2)."""

    id: int
    name: str
    starts_on: date
    ends_on: date


PROMOTION_NAME_LIMIT = limit(FieldKind.COMPANY)
"""A promotion's name (its column is String(120))."""


def promotion_name_problem(name: str) -> FieldProblem | None:
    """A promotion's name too long for its column, or holding a character that would drive
    the terminal of every desk listing the promotions (ESC, NUL, a bidi override): refused.
    Markup is text, kept as typed."""
    if len(name) > PROMOTION_NAME_LIMIT:
        return FieldProblem(
            "name",
            "callbacks.error.too_long",
            (("limit", PROMOTION_NAME_LIMIT), ("length", len(name))),
        )
    if drives_terminal(name):
        return FieldProblem("name", "callbacks.error.control")
    return None


def promotion_problems(name: str, starts_on: date | None, ends_on: date | None) -> list[str]:
    """Catalog keys of what is wrong with a promotion as typed (empty when it may be saved)."""
    problems = []
    if not name.strip():
        problems.append("name")
    if starts_on is None:
        problems.append("starts_on")
    if ends_on is None:
        problems.append("ends_on")
    elif starts_on is not None and ends_on < starts_on:
        problems.append("ends_before_start")
    return problems


def holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """The first day of each official holiday run between `start` and `end` (inclusive)."""
    found: list[tuple[date, str]] = []
    day = start - timedelta(days=1)
    previous = holiday_name(day)
    while day < end:
        day += timedelta(days=1)
        name = holiday_name(day)
        if name and name != previous:
            found.append((day, name))
        previous = name
    return found


def _anniversary(on: date, start: date, end: date) -> date | None:
    for year in (start.year, start.year + 1):
        try:
            candidate = on.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = date(year, 3, 1)
        if start <= candidate <= end and candidate.year > on.year:
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class Occasion:
    """What a special-occasion callback is for, read back from `Callback.occasion`."""

    kind: str
    """holiday | birthday | anniversary (of our cooperation) | founding (the company's own
    anniversary) | promotion"""
    day: date | None = None
    name: str = ""
    """The holiday's name as the calendar gives it (`National Day`), or the promotion's."""

    @property
    def holiday_key(self) -> str:
        """`national_day` for `National Day`: a catalog key part, "" when unknown."""
        return HOLIDAY_KEYS.get(self.name, "")


HOLIDAY_KEYS: dict[str, str] = {h.value: h.name for h in chinese_calendar.Holiday}


def parse_occasion(text: str) -> Occasion | None:
    """`holiday:2026-10-01:National Day`, `birthday:2026-11-30`, `anniversary:2026-12-01`,
    `founding:2026-12-01`, `promotion:7` or `promotion:7:<name>` (the name as the store
    adds it)."""
    kind, _, rest = text.partition(":")
    if kind == "promotion":
        _, _, name = rest.partition(":")
        return Occasion(kind, None, name)
    if kind not in ("holiday", "birthday", "anniversary", "founding"):
        return None
    day_text, _, name = rest.partition(":")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return None
    return Occasion(kind, day, name)


def plan_occasions(
    facts: Sequence[OccasionFacts],
    now: datetime,
    rules: CallbackRules,
    calendar: BusinessCalendar,
    fallback_agent: int,
    promotions: Sequence[Promotion] = (),
) -> list[PlannedCallback]:
    """Special-occasion callbacks (seed 000:2.5.1.2) for holidays, contacts' birthdays,
    anniversaries of the cooperation and of the company's founding (公司成立纪念日), and
    promotions inside the horizon, due `occasion_lead` before the date; a promotion already
    running (recorded late) is still called during its period."""
    today = _utc(now).astimezone(calendar.tz).date()
    end = today + rules.occasion_horizon
    holidays = holidays_between(today, end)
    running = [p for p in promotions if p.starts_on <= end and p.ends_on >= today]
    planned: list[PlannedCallback] = []

    def due(day: date) -> datetime:
        at = datetime.combine(day, time(9, 30), tzinfo=calendar.tz) - rules.occasion_lead
        return max(at.astimezone(UTC), _utc(now) + rules.occasion_grace)

    for fact in facts:
        agent = fact.agent_id or fallback_agent
        for day, name in holidays:
            planned.append(
                PlannedCallback(
                    fact.customer_id,
                    agent,
                    CallbackPurpose.SPECIAL_OCCASION,
                    due(day),
                    occasion=f"holiday:{day.isoformat()}:{name}",
                )
            )
        for contact_id, birthday in fact.birthdays:
            on = _anniversary(birthday, today, end)
            if on is not None:
                planned.append(
                    PlannedCallback(
                        fact.customer_id,
                        agent,
                        CallbackPurpose.SPECIAL_OCCASION,
                        due(on),
                        contact_id=contact_id,
                        occasion=f"birthday:{on.isoformat()}",
                    )
                )
        if fact.contract_signed_on is not None:
            on = _anniversary(fact.contract_signed_on, today, end)
            if on is not None:
                planned.append(
                    PlannedCallback(
                        fact.customer_id,
                        agent,
                        CallbackPurpose.SPECIAL_OCCASION,
                        due(on),
                        occasion=f"anniversary:{on.isoformat()}",
                    )
                )
        if fact.founded_on is not None:  # seed 000:2.5.1.2: 公司成立纪念日
            on = _anniversary(fact.founded_on, today, end)
            if on is not None:
                planned.append(
                    PlannedCallback(
                        fact.customer_id,
                        agent,
                        CallbackPurpose.SPECIAL_OCCASION,
                        due(on),
                        occasion=f"founding:{on.isoformat()}",
                    )
                )
        for promotion in running:
            planned.append(
                PlannedCallback(
                    fact.customer_id,
                    agent,
                    CallbackPurpose.SPECIAL_OCCASION,
                    due(promotion.starts_on),
                    occasion=f"promotion:{promotion.id}",
                )
            )
    return planned


# -- quarterly survey forms --------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def survey_due(year: int, quarter: int, rules: CallbackRules) -> date:
    """By the 10th of the quarter's first month (seed 000:2.5.3)."""
    return date(year, 3 * (quarter - 1) + 1, rules.survey_day)


def survey_quarters_due(
    first_day: date, last_day: date, rules: CallbackRules
) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter whose forms fall due on a day from `first_day` to
    `last_day` (both included): the quarters a period's "forms in by the 10th" counts."""
    due = []
    for year in range(first_day.year, last_day.year + 1):
        for quarter in range(1, 5):
            if first_day <= survey_due(year, quarter, rules) <= last_day:
                due.append((year, quarter))
    return due


@dataclass(frozen=True, slots=True)
class SurveyQuarter:
    """The quarter whose survey forms are being collected, and when they are due."""

    year: int
    quarter: int
    starts_at: datetime
    """The quarter's first instant, UTC (the countdown's start)."""
    due_on: date
    due_at: datetime
    """The end of the due day, UTC: forms handed in on the 10th are on time."""

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


def survey_quarter(now: datetime, rules: CallbackRules, tz: str = SITE_TIMEZONE) -> SurveyQuarter:
    """The current quarter's survey forms: due by `survey_day` of its first month."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    today = _utc(now).astimezone(zone).date()
    year, quarter = quarter_of(today)
    due_on = survey_due(year, quarter, rules)
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return SurveyQuarter(
        year,
        quarter,
        datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
        due_on,
        datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC),
    )


def survey_late(now: datetime, quarter: SurveyQuarter) -> bool:
    """The due day is over (forms handed in on the 10th itself are on time)."""
    return _utc(now) >= quarter.due_at


def survey_days_left(now: datetime, quarter: SurveyQuarter) -> int:
    """Whole days to the end of the due day, as the countdown shows them (0 on the due day);
    once late, minus the whole days since (0 on the first day late: see `survey_late`)."""
    if survey_late(now, quarter):
        return -((_utc(now) - quarter.due_at) // timedelta(days=1))
    return (quarter.due_at - _utc(now)) // timedelta(days=1)


SURVEY_SCORES = range(1, 6)
"""A form's overall satisfaction: 1 (very unsatisfied) to 5 (very satisfied)."""

SURVEY_FROM_LIMIT = limit(FieldKind.NAME)
"""Who handed a form in (its column is String(80))."""
SURVEY_NOTE_LIMIT = limit(FieldKind.NOTE)
"""A form's note, as long as any note may be."""


def survey_problems(received_from: str, note: str, year: int, quarter: int) -> list[FieldProblem]:
    """What is wrong with a survey form as recorded (empty when it may be): who handed it in,
    present, of a name's length; a note of a note's length; neither holding a character that
    would drive a terminal (ESC, NUL, a bidi override; the note keeps its line breaks); a
    quarter 1 to 4 of a year the desk could be run in."""
    problems = []
    if not received_from.strip():
        problems.append(FieldProblem("received_from", "team.survey.error.from_required"))
    for name, text, most in (
        ("received_from", received_from, SURVEY_FROM_LIMIT),
        ("note", note, SURVEY_NOTE_LIMIT),
    ):
        if len(text) > most:
            said = (("limit", most), ("length", len(text)))
            problems.append(FieldProblem(name, "team.survey.error.too_long", said))
        elif drives_terminal(text, lines=name == "note"):
            problems.append(FieldProblem(name, "team.survey.error.control"))
    if quarter not in range(1, 5) or year not in range(2000, 2101):
        problems.append(FieldProblem("quarter", "team.survey.error.bad_quarter"))
    return problems


def missing_surveys(
    departments: Iterable[str],
    submitted: Iterable[tuple[str, int, int]],
    now: datetime,
    rules: CallbackRules,
    tz: str = SITE_TIMEZONE,
) -> list[tuple[str, date, bool]]:
    """(department, due date, late?) for each sales department without this quarter's form."""
    from zoneinfo import ZoneInfo

    today = _utc(now).astimezone(ZoneInfo(tz)).date()
    year, quarter = quarter_of(today)
    due = survey_due(year, quarter, rules)
    have = {(d, y, q) for d, y, q in submitted}
    return [
        (code, due, today > due)
        for code in sorted(set(departments))
        if (code, year, quarter) not in have
    ]


# -- the call's outcome ------------------------------------------------------------------------


def outcome_of(answers: Mapping[str, object]) -> CallbackOutcome | None:
    """The outcome a finished script's answers mean: a problem found on an equipment check
    counts as unsatisfied (it needs a follow-up)."""
    value = str(answers.get("satisfaction", "") or "")
    if value in {o.value for o in CallbackOutcome}:
        return CallbackOutcome(value)
    for key in ("running", "resolved", "arrived"):  # equipment check, after complaint, gift
        value = str(answers.get(key, "") or "")
        if value in ("problem", "no"):
            return CallbackOutcome.UNSATISFIED
        if value in ("normal", "yes"):
            return CallbackOutcome.SATISFIED
    return None


def needs_follow_up(outcome: CallbackOutcome | None) -> bool:
    """Unsatisfied opens a follow-up ticket owned by the agent (seed 000:2.3)."""
    return outcome is CallbackOutcome.UNSATISFIED


def _time(hour: str, minute: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return time(h, m)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("callback rules need timezone-aware instants")
    return instant.astimezone(UTC)


# -- the time a busy customer gives -------------------------------------------------------------

_BOOKED = re.compile(
    r"^\s*(?:(?P<word>今天|明天|后天|today|tomorrow)\s*)?"
    r"(?:(?:(?P<y>\d{4})[-/.年])?(?P<mo>\d{1,2})[-/.月](?P<d>\d{1,2})日?\s+)?"
    r"(?P<h>\d{1,2})(?:[:：点](?P<mi>\d{2})?分?)?\s*$",
    re.IGNORECASE,
)


def parse_booked_time(text: str, now: datetime, tz: str = SITE_TIMEZONE) -> datetime | None:
    """The time a busy customer gave (`15:30`, `明天 10:00`, `11-25 15:00`,
    `2026-11-25 15:00`), local to the site, as UTC; None when it does not read as a time."""
    from zoneinfo import ZoneInfo

    match = _BOOKED.match(text.strip())
    if match is None:
        return None
    zone = ZoneInfo(tz)
    today = _utc(now).astimezone(zone).date()
    word = (match.group("word") or "").lower()
    shift = {"明天": 1, "tomorrow": 1, "后天": 2}.get(word, 0)
    try:
        if match.group("mo"):
            year = int(match.group("y") or today.year)
            day = date(year, int(match.group("mo")), int(match.group("d")))
        else:
            day = today + timedelta(days=shift)
        clock = time(int(match.group("h")), int(match.group("mi") or 0))
    except ValueError:
        return None
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


# -- a callback's script (issue 24: the screen walks it, the service replays it) --------------

CALLBACK_SCRIPTS: dict[str, str] = {
    CallbackPurpose.ROUTINE: "callback_routine",
    CallbackPurpose.EQUIPMENT_CHECK: "callback_equipment",
    CallbackPurpose.SPECIAL_OCCASION: "callback_special_occasion",
    CallbackPurpose.NEW_PRODUCT: "callback_new_product",
    CallbackPurpose.AFTER_COMPLAINT: "callback_after_complaint",
    CallbackPurpose.GIFT_ARRIVAL: "callback_gift_arrival",
}
"""The script read on a callback of each purpose (deskui/scripts/<locale>/<name>.toml)."""


def callback_script(purpose: str) -> str:
    """The script's name for a callback's purpose (the routine one for any other)."""
    return CALLBACK_SCRIPTS.get(purpose, "callback_routine")


BOOKING_FIELD = "booked_at"
"""The field of the step that books a time: its end is a booking, not a result."""
