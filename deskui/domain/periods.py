"""The lead's measuring periods: today, this week, this month, this quarter, or from/to.

A period is a run of whole local days of the site's zone (dates are local days), turned into
a half-open UTC range [start, end) for the queries; `now` is always given, never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.clock import SITE_TIMEZONE

SITE_ZONE = SITE_TIMEZONE  # the default of every function here: Settings.site_timezone
MOST_RANGE_DAYS = 366
"""The longest from/to the lead may ask for: a year, a leap year's included."""


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    RANGE = "range"  # from/to, both days included


@dataclass(frozen=True, slots=True)
class Period:
    """Local days `first_day`..`last_day` (both included) and their UTC range [start, end)."""

    kind: PeriodKind
    first_day: date
    last_day: date
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def local_today(now: datetime, tz: str = SITE_ZONE) -> date:
    """The site's local day at `now`."""
    return _aware(now).astimezone(ZoneInfo(tz)).date()


def day_start(day: date, tz: str = SITE_ZONE) -> datetime:
    """The UTC instant the local `day` begins (local midnight)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def days_between(first_day: date, last_day: date, tz: str = SITE_ZONE) -> Period:
    """From/to: every local day from `first_day` to `last_day`, both included."""
    if last_day < first_day:
        raise ValueError("the period ends before it starts")
    return Period(
        PeriodKind.RANGE,
        first_day,
        last_day,
        day_start(first_day, tz),
        day_start(last_day + timedelta(days=1), tz),
    )


def period_at(kind: PeriodKind, now: datetime, tz: str = SITE_ZONE) -> Period:
    """Today, this week (Monday to Sunday), this month or this quarter, as of `now`; the
    whole period, its days still to come included (their deadlines are not yet due)."""
    today = local_today(now, tz)
    if kind is PeriodKind.TODAY:
        first, last = today, today
    elif kind is PeriodKind.WEEK:
        first = today - timedelta(days=today.weekday())
        last = first + timedelta(days=6)
    elif kind is PeriodKind.MONTH:
        first = today.replace(day=1)
        last = _next_month(first) - timedelta(days=1)
    elif kind is PeriodKind.QUARTER:
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = _next_month(_next_month(_next_month(first))) - timedelta(days=1)
    else:
        raise ValueError("a from/to period needs its days: use days_between")
    whole = days_between(first, last, tz)
    return Period(kind, whole.first_day, whole.last_day, whole.start, whole.end)


def trailing_days(now: datetime, count: int = 30, tz: str = SITE_ZONE) -> list[Period]:
    """The last `count` local days ending today, oldest first, one period each (the chart)."""
    today = local_today(now, tz)
    return [
        days_between(day, day, tz)
        for day in (today - timedelta(days=back) for back in range(count - 1, -1, -1))
    ]


class RangeProblem(StrEnum):
    """Why a from/to cannot be shown; each has its one line in the catalog."""

    BAD_DAY = "bad_day"  # not a day like 2026-10-01
    ENDS_BEFORE_START = "ends_before_start"
    TOO_LONG = "too_long"  # more than MOST_RANGE_DAYS


def range_problem(
    first_day: date | None, last_day: date | None, most_days: int = MOST_RANGE_DAYS
) -> tuple[str, RangeProblem] | None:
    """The first field of a from/to that is wrong ('from' or 'to') and why; None: both are
    good. A day that could not be read is None."""
    if first_day is None:
        return "from", RangeProblem.BAD_DAY
    if last_day is None:
        return "to", RangeProblem.BAD_DAY
    if last_day < first_day:
        return "to", RangeProblem.ENDS_BEFORE_START
    if (last_day - first_day).days + 1 > most_days:
        return "to", RangeProblem.TOO_LONG
    return None


def weeks_in(period: Period, tz: str = SITE_ZONE) -> list[Period]:
    """The period's weeks, Monday to Sunday, the first and last cut to the period's days (so
    the weeks' counts add up to the period's); each a from/to of its own."""
    weeks = []
    first = period.first_day
    while first <= period.last_day:
        sunday = first + timedelta(days=6 - first.weekday())
        last = min(sunday, period.last_day)
        weeks.append(days_between(first, last, tz))
        first = last + timedelta(days=1)
    return weeks


def months_in(period: Period, tz: str = SITE_ZONE) -> list[Period]:
    """The period's calendar months, the first and last cut to the period's days."""
    months = []
    first = period.first_day
    while first <= period.last_day:
        last = min(_next_month(first.replace(day=1)) - timedelta(days=1), period.last_day)
        months.append(days_between(first, last, tz))
        first = last + timedelta(days=1)
    return months


def parse_day(text: str) -> date:
    """A day typed as YYYY-MM-DD (the CLI's --from/--to)."""
    return date.fromisoformat(text.strip())


def _next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at
