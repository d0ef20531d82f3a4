"""The lead's measuring periods are whole local days of the site (Asia/Shanghai), whatever
the UTC day: a Golden Week, a quarter's turn, a week across a month's end."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.periods import (
    PeriodKind,
    days_between,
    local_today,
    parse_day,
    period_at,
    trailing_days,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_today_starts_at_local_midnight_which_is_the_day_before_in_utc() -> None:
    # 2026-10-01 00:30 local is still 2026-09-30 in UTC: the period is the local day
    now = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)
    today = period_at(PeriodKind.TODAY, now)
    assert today.first_day == today.last_day == date(2026, 10, 1)
    assert today.start == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert today.end == datetime(2026, 10, 1, 16, 0, tzinfo=UTC)


def test_the_golden_week_as_from_to_is_seven_days() -> None:
    week = days_between(date(2026, 10, 1), date(2026, 10, 7))
    assert week.days == 7
    assert week.start == datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert week.end == datetime(2026, 10, 8, tzinfo=SHANGHAI)


def test_this_week_runs_monday_to_sunday_across_the_month() -> None:
    now = datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI)  # a Thursday, National Day
    week = period_at(PeriodKind.WEEK, now)
    assert (week.first_day, week.last_day) == (date(2026, 9, 28), date(2026, 10, 4))


@pytest.mark.parametrize(
    ("now", "first", "last"),
    [
        (datetime(2026, 10, 7, 23, 59, tzinfo=SHANGHAI), date(2026, 10, 1), date(2026, 12, 31)),
        (datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI), date(2026, 7, 1), date(2026, 9, 30)),
        (datetime(2027, 2, 17, 10, 0, tzinfo=SHANGHAI), date(2027, 1, 1), date(2027, 3, 31)),
    ],
)
def test_this_quarter(now: datetime, first: date, last: date) -> None:
    quarter = period_at(PeriodKind.QUARTER, now)
    assert (quarter.first_day, quarter.last_day) == (first, last)


def test_this_month_of_february_and_december() -> None:
    feb = period_at(PeriodKind.MONTH, datetime(2028, 2, 10, tzinfo=SHANGHAI))
    assert (feb.first_day, feb.last_day) == (date(2028, 2, 1), date(2028, 2, 29))
    dec = period_at(PeriodKind.MONTH, datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI))
    assert (dec.first_day, dec.last_day, dec.end) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        datetime(2027, 1, 1, tzinfo=SHANGHAI),
    )


def test_thirty_trailing_days_end_today_oldest_first() -> None:
    days = trailing_days(datetime(2026, 10, 7, 8, 0, tzinfo=SHANGHAI))
    assert len(days) == 30
    assert days[0].first_day == date(2026, 9, 8) and days[-1].first_day == date(2026, 10, 7)
    assert all(a.end == b.start for a, b in itertools.pairwise(days))


def test_a_period_ending_before_it_starts_is_refused_and_a_naive_now_too() -> None:
    with pytest.raises(ValueError):
        days_between(date(2026, 10, 7), date(2026, 10, 1))
    with pytest.raises(ValueError):
        local_today(datetime(2026, 10, 1, 9, 0))
    with pytest.raises(ValueError):
        period_at(PeriodKind.RANGE, datetime(2026, 10, 1, tzinfo=SHANGHAI))
    assert parse_day(" 2026-10-01 ") == date(2026, 10, 1)
