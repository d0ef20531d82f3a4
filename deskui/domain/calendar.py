"""Working days and hours: China's official schedule, the site's overrides, a fallback.

"Within one working day" (seed 001:6.4) and every deadline counted in working days need the
official holidays and the make-up working days (调休) that move weekends around them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

from deskui.domain.clock import SITE_TIMEZONE
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.visible_text import drives_terminal

_SATURDAY = 5

HOLIDAY_KEYS: dict[str, str] = {
    "New Year's Day": "new_year",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "tomb_sweeping",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat",
    "National Day": "national_day",
    "Mid-autumn Festival": "mid_autumn",
    "Anti-Fascist 70th Day": "anti_fascist_70th",
}
"""chinese_calendar names its holidays in English: each has a catalog key (holiday.*) so a
zh-CN screen says 国庆节, never "National Day"."""


def holiday_key(name: str) -> str:
    """The catalog key of an official holiday's name; `holiday.official` for one not listed."""
    return f"holiday.{HOLIDAY_KEYS.get(name, 'official')}"


@cache
def _official_year(year: int) -> bool:
    """Whether chinese_calendar has the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # 1.11 knows 2004-2026 only
        return False
    return True


class BusinessCalendar:
    """The site's working days and hours, in its own time zone."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        tz: str = SITE_TIMEZONE,
        workday_start: time = time(9, 0),
        workday_end: time = time(18, 0),
    ) -> None:
        if workday_start >= workday_end:
            raise ValueError("workday_start must be before workday_end")
        self._overrides: dict[date, bool] = dict(overrides or {})
        self.tz = ZoneInfo(tz)
        self.workday_start = workday_start
        self.workday_end = workday_end

    def is_working_day(self, day: date) -> bool:
        """Site override first, then the official schedule, else Monday to Friday."""
        override = self._overrides.get(day)
        if override is not None:
            return override
        if _official_year(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < _SATURDAY  # no official data: an on-screen notice says so

    def is_official(self, day: date) -> bool:
        """True when the day's status is known rather than guessed from the weekday."""
        return day in self._overrides or _official_year(day.year)

    def unknown_years(self, start: date, end: date) -> list[int]:
        """Years between `start` and `end` (inclusive) without an official schedule."""
        return [year for year in range(start.year, end.year + 1) if not _official_year(year)]

    def overrides_in(self, year: int) -> int:
        """How many days of `year` the site has entered itself."""
        return sum(1 for day in self._overrides if day.year == year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, instant: datetime, days: int) -> datetime:
        """`days` working days after `instant`, keeping its local time of day.

        Outside working hours the count starts at the next working day's start:
        Friday 19:00 plus one working day is Tuesday 09:00 (Monday is the whole day given).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        start = self._working_start(self._local(instant))
        day = start.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._utc(day, start.timetz())

    def end_of_working_day(self, instant: datetime) -> datetime:
        """When the working day in progress at `instant` ends, else the next one's end."""
        start = self._working_start(self._local(instant))
        return self._utc(start.date(), self.workday_end)

    def add_working_time(self, instant: datetime, span: timedelta) -> datetime:
        """`span` of working hours after `instant`: hours outside the working day do not
        count (a missed call's callback within 2 working hours, issue 25)."""
        local = self._working_start(self._local(instant))
        remaining = span
        while True:
            left = self._at(local.date(), self.workday_end) - local
            if remaining <= left:
                return (local + remaining).astimezone(UTC)
            remaining -= left
            local = self._at(self.next_working_day(local.date()), self.workday_start)

    def _working_start(self, local: datetime) -> datetime:
        """`local` if inside working hours; else the start of the next working hours."""
        day = local.date()
        if self.is_working_day(day) and local.time() < self.workday_end:
            if local.time() < self.workday_start:  # early in the morning: the day starts at 9
                return self._at(day, self.workday_start)
            return local
        return self._at(self.next_working_day(day), self.workday_start)

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("the calendar needs a timezone-aware instant")
        return instant.astimezone(self.tz)

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at.replace(tzinfo=None), tzinfo=self.tz)

    def _utc(self, day: date, at: time) -> datetime:
        return self._at(day, at).astimezone(UTC)


DAY_NOTE_LIMIT = limit(FieldKind.SHORT_TEXT)
"""A marked day's note (the holiday's name, "make-up day for the Spring Festival")."""


def day_note_problem(note: str) -> FieldProblem | None:
    """A marked day's note too long for its column, or holding a character that would drive
    the terminal of every desk that lists the days (ESC, NUL, a bidi override): refused."""
    if len(note) > DAY_NOTE_LIMIT:
        return FieldProblem(
            "note", "calendar.note_too_long", (("limit", DAY_NOTE_LIMIT), ("length", len(note)))
        )
    if drives_terminal(note):
        return FieldProblem("note", "calendar.note_control")
    return None
