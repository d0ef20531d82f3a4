"""The lead's measuring periods are whole local days of the site (Asia/Shanghai), whatever
the UTC day: a Golden Week, a quarter's turn, a week across a month's end."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.periods import (
    MOST_RANGE_DAYS,
    PeriodKind,
    RangeProblem,
    days_between,
    local_today,
    months_in,
    parse_day,
    period_at,
    range_problem,
    trailing_days,
    weeks_in,
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


# -- from/to, typed on the measures screen ------------------------------------------------------


def test_a_from_to_across_golden_week_and_a_month_end_is_whole_local_days() -> None:
    # 2026-09-28 (Monday) to 2026-10-11 (Sunday): the month's end, then the Golden Week
    first, last = date(2026, 9, 28), date(2026, 10, 11)
    assert range_problem(first, last) is None
    period = days_between(first, last)
    assert period.kind is PeriodKind.RANGE and period.days == 14
    assert period.start == datetime(2026, 9, 27, 16, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 11, 16, 0, tzinfo=UTC)
    weeks = weeks_in(period)
    assert [(w.first_day, w.last_day) for w in weeks] == [
        (date(2026, 9, 28), date(2026, 10, 4)),
        (date(2026, 10, 5), date(2026, 10, 11)),
    ]
    months = months_in(period)
    assert [(m.first_day, m.last_day) for m in months] == [
        (date(2026, 9, 28), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 11)),
    ]
    # the slices meet: each begins at the local midnight the one before ends
    assert months[0].end == months[1].start == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert weeks[0].start == period.start and weeks[-1].end == period.end


def test_the_golden_week_cut_into_weeks_starts_on_its_thursday() -> None:
    weeks = weeks_in(days_between(date(2026, 10, 1), date(2026, 10, 7)))
    assert [(w.first_day, w.last_day, w.days) for w in weeks] == [
        (date(2026, 10, 1), date(2026, 10, 4), 4),  # Thursday to Sunday
        (date(2026, 10, 5), date(2026, 10, 7), 3),
    ]
    assert sum(w.days for w in weeks) == 7


def test_a_quarter_cut_into_months_and_a_one_day_range() -> None:
    quarter = period_at(PeriodKind.QUARTER, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert [(m.first_day, m.last_day) for m in months_in(quarter)] == [
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ]
    assert len(weeks_in(quarter)) == 14  # Thu 10-01 ... Thu 12-31, cut at both ends
    day = days_between(date(2026, 10, 31), date(2026, 10, 31))
    assert [(w.first_day, w.last_day) for w in weeks_in(day)] == [(day.first_day, day.last_day)]
    assert [(m.first_day, m.last_day) for m in months_in(day)] == [(day.first_day, day.last_day)]


def test_a_leap_february_month_end() -> None:
    months = months_in(days_between(date(2028, 2, 27), date(2028, 3, 2)))
    assert [(m.first_day, m.last_day) for m in months] == [
        (date(2028, 2, 27), date(2028, 2, 29)),
        (date(2028, 3, 1), date(2028, 3, 2)),
    ]


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (None, date(2026, 10, 7), ("from", RangeProblem.BAD_DAY)),
        (date(2026, 10, 1), None, ("to", RangeProblem.BAD_DAY)),
        (date(2026, 10, 7), date(2026, 10, 1), ("to", RangeProblem.ENDS_BEFORE_START)),
        (date(2026, 1, 1), date(2027, 1, 2), ("to", RangeProblem.TOO_LONG)),  # 367 days
        (date(2026, 1, 1), date(2026, 12, 31), None),  # a whole year
        (date(2028, 1, 1), date(2028, 12, 31), None),  # a leap year: 366 days
        (date(2026, 10, 1), date(2026, 10, 1), None),  # one day
    ],
)
def test_a_from_to_is_refused_with_the_field_to_fix(
    first: date | None, last: date | None, problem: tuple[str, RangeProblem] | None
) -> None:
    assert range_problem(first, last) == problem


def test_the_longest_from_to_is_a_leap_year() -> None:
    assert MOST_RANGE_DAYS == 366
    assert range_problem(date(2026, 1, 1), date(2026, 1, 10), most_days=9) == (
        "to",
        RangeProblem.TOO_LONG,
    )
