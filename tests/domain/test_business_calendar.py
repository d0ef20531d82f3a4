"""Working days and hours (deskui.domain.calendar), with dates read from chinese_calendar 1.11."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Shanghai wall time, returned in UTC like the app's clock."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def cal() -> BusinessCalendar:
    return BusinessCalendar()


# --- National Day Golden Week 2026 (and the Mid-Autumn Festival just before it) ---


@pytest.mark.parametrize("day", range(1, 8))
def test_golden_week_days_are_holidays(cal: BusinessCalendar, day: int) -> None:
    assert not cal.is_working_day(date(2026, 10, day))


@pytest.mark.parametrize(
    "day",
    [date(2026, 9, 20), date(2026, 10, 10)],  # Sunday and Saturday make-up working days (调休)
)
def test_golden_week_make_up_days_are_working(cal: BusinessCalendar, day: date) -> None:
    assert day.weekday() >= 5
    assert cal.is_working_day(day)


def test_mid_autumn_friday_is_a_holiday(cal: BusinessCalendar) -> None:
    assert not cal.is_working_day(date(2026, 9, 25))


def test_next_working_day_after_golden_week(cal: BusinessCalendar) -> None:
    assert cal.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)  # make-up Saturday
    assert cal.next_working_day(date(2026, 10, 10)) == date(2026, 10, 12)


def test_add_working_days_across_golden_week(cal: BusinessCalendar) -> None:
    start = local(2026, 9, 30, 15, 0)
    assert cal.add_working_days(start, 1) == local(2026, 10, 8, 15, 0)
    assert cal.add_working_days(start, 2) == local(2026, 10, 9, 15, 0)
    assert cal.add_working_days(start, 3) == local(2026, 10, 10, 15, 0)
    assert cal.add_working_days(start, 4) == local(2026, 10, 12, 15, 0)


def test_add_working_days_across_mid_autumn(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 9, 24, 10, 0), 1) == local(2026, 9, 28, 10, 0)


def test_call_on_a_holiday_counts_from_the_next_working_morning(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 10, 3, 11, 0), 1) == local(2026, 10, 9, 9, 0)


def test_make_up_sunday_starts_the_count(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 9, 19, 10, 0), 0) == local(2026, 9, 20, 9, 0)
    assert cal.add_working_days(local(2026, 9, 19, 10, 0), 1) == local(2026, 9, 21, 9, 0)


# --- Spring Festival 2026: holidays 15-23 February, make-up Saturdays 14 and 28 February ---


@pytest.mark.parametrize("day", range(15, 24))
def test_spring_festival_days_are_holidays(cal: BusinessCalendar, day: int) -> None:
    assert not cal.is_working_day(date(2026, 2, day))


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 2, 28)])
def test_spring_festival_make_up_saturdays(cal: BusinessCalendar, day: date) -> None:
    assert day.weekday() == 5
    assert cal.is_working_day(day)


def test_add_working_days_across_spring_festival(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 2, 13, 16, 0), 1) == local(2026, 2, 14, 16, 0)
    assert cal.add_working_days(local(2026, 2, 14, 16, 0), 1) == local(2026, 2, 24, 16, 0)
    # after hours on the make-up Saturday: counting starts on 24 February at 09:00
    assert cal.add_working_days(local(2026, 2, 14, 20, 0), 1) == local(2026, 2, 25, 9, 0)
    assert cal.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)


def test_new_year_2026_make_up_sunday(cal: BusinessCalendar) -> None:
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 4))


# --- weekends, working hours and UTC midnight ---


def test_plain_weekend(cal: BusinessCalendar) -> None:
    assert not cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)


def test_inside_hours_keeps_the_time_of_day(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 3, 6, 17, 0), 1) == local(2026, 3, 9, 17, 0)
    assert cal.add_working_days(local(2026, 3, 4, 10, 30), 2) == local(2026, 3, 6, 10, 30)


def test_friday_evening_counts_from_monday_morning(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 3, 6, 19, 0), 1) == local(2026, 3, 10, 9, 0)


def test_end_of_hours_is_already_after_hours(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 3, 5, 18, 0), 1) == local(2026, 3, 9, 9, 0)
    assert cal.add_working_days(local(2026, 3, 5, 17, 59), 1) == local(2026, 3, 6, 17, 59)


def test_early_morning_starts_at_opening(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 3, 5, 7, 0), 1) == local(2026, 3, 6, 9, 0)


def test_monday_morning_in_shanghai_is_sunday_in_utc(cal: BusinessCalendar) -> None:
    instant = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)  # Sunday in UTC
    assert instant.astimezone(SHANGHAI) == datetime(2026, 3, 9, 7, 30, tzinfo=SHANGHAI)
    due = cal.add_working_days(instant, 1)
    assert due == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Shanghai


def test_saturday_morning_in_shanghai_is_friday_in_utc(cal: BusinessCalendar) -> None:
    instant = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)  # Friday in UTC, Saturday 04:00 local
    assert cal.add_working_days(instant, 1) == local(2026, 3, 10, 9, 0)


def test_golden_week_eve_across_utc_midnight(cal: BusinessCalendar) -> None:
    instant = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 1 October 00:30 in Shanghai
    assert cal.add_working_days(instant, 1) == local(2026, 10, 9, 9, 0)


def test_result_is_utc_and_input_zone_does_not_matter(cal: BusinessCalendar) -> None:
    new_york = datetime(2026, 3, 5, 21, 0, tzinfo=ZoneInfo("America/New_York"))  # Fri 10:00
    due = cal.add_working_days(new_york, 1)
    assert due.tzinfo == UTC
    assert due == local(2026, 3, 9, 10, 0)


def test_zero_days_inside_hours_is_the_same_instant(cal: BusinessCalendar) -> None:
    instant = local(2026, 3, 5, 11, 15)
    assert cal.add_working_days(instant, 0) == instant


def test_end_of_working_day(cal: BusinessCalendar) -> None:
    assert cal.end_of_working_day(local(2026, 9, 30, 10, 0)) == local(2026, 9, 30, 18, 0)
    assert cal.end_of_working_day(local(2026, 9, 30, 8, 0)) == local(2026, 9, 30, 18, 0)
    assert cal.end_of_working_day(local(2026, 9, 30, 19, 0)) == local(2026, 10, 8, 18, 0)
    assert cal.end_of_working_day(local(2026, 10, 4, 12, 0)) == local(2026, 10, 8, 18, 0)


def test_custom_hours_and_zone() -> None:
    cal = BusinessCalendar(tz="Asia/Urumqi", workday_start=time(10, 0), workday_end=time(19, 30))
    urumqi = ZoneInfo("Asia/Urumqi")
    instant = datetime(2026, 3, 5, 19, 0, tzinfo=urumqi)
    assert cal.add_working_days(instant, 1) == datetime(2026, 3, 6, 19, 0, tzinfo=urumqi)
    assert cal.end_of_working_day(instant) == datetime(2026, 3, 5, 19, 30, tzinfo=urumqi)


def test_naive_instants_are_refused(cal: BusinessCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(datetime(2026, 3, 5, 10, 0), 1)
    with pytest.raises(ValueError):
        cal.end_of_working_day(datetime(2026, 3, 5, 10, 0))


def test_negative_days_are_refused(cal: BusinessCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(local(2026, 3, 5, 10, 0), -1)


def test_hours_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(workday_start=time(18, 0), workday_end=time(9, 0))


# --- site overrides ---


def test_overrides_beat_the_official_schedule() -> None:
    cal = BusinessCalendar(
        overrides={
            date(2026, 3, 11): False,  # site closed on a Wednesday
            date(2026, 3, 7): True,  # site open on a Saturday
            date(2026, 10, 5): True,  # desk staffed during Golden Week
            date(2026, 10, 10): False,  # site skips the make-up Saturday
        }
    )
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.is_working_day(date(2026, 10, 5))
    assert not cal.is_working_day(date(2026, 10, 10))
    assert cal.next_working_day(date(2026, 3, 6)) == date(2026, 3, 7)
    assert cal.next_working_day(date(2026, 10, 1)) == date(2026, 10, 5)
    assert cal.add_working_days(local(2026, 3, 10, 12, 0), 1) == local(2026, 3, 12, 12, 0)


def test_overrides_are_copied() -> None:
    overrides = {date(2026, 3, 11): False}
    cal = BusinessCalendar(overrides=overrides)
    overrides[date(2026, 3, 11)] = True
    assert not cal.is_working_day(date(2026, 3, 11))


# --- beyond chinese_calendar's years: Monday to Friday plus overrides, never an exception ---


def test_2027_falls_back_to_weekdays(cal: BusinessCalendar) -> None:
    assert cal.is_working_day(date(2027, 1, 1))  # a Friday; the official holiday is unknown
    assert not cal.is_working_day(date(2027, 1, 2))
    assert not cal.is_working_day(date(2027, 1, 3))
    assert cal.is_working_day(date(2027, 1, 4))
    assert cal.next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_2027_fallback_every_day_of_the_year(cal: BusinessCalendar) -> None:
    day = date(2027, 1, 1)
    while day.year == 2027:
        assert cal.is_working_day(day) == (day.weekday() < 5)
        day += timedelta(days=1)


def test_2027_overrides_apply_and_are_official() -> None:
    cal = BusinessCalendar(overrides={date(2027, 1, 1): False, date(2027, 2, 6): True})
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 6))  # a Saturday
    assert cal.is_official(date(2027, 1, 1))
    assert not cal.is_official(date(2027, 1, 4))


def test_is_official(cal: BusinessCalendar) -> None:
    assert cal.is_official(date(2026, 10, 1))
    assert cal.is_official(date(2004, 1, 1))
    assert not cal.is_official(date(2027, 1, 1))
    assert not cal.is_official(date(2003, 12, 31))


def test_unknown_years(cal: BusinessCalendar) -> None:
    assert cal.unknown_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert cal.unknown_years(date(2026, 12, 1), date(2027, 1, 31)) == [2027]
    assert cal.unknown_years(date(2026, 6, 1), date(2028, 1, 5)) == [2027, 2028]
    assert cal.unknown_years(date(2003, 6, 1), date(2004, 6, 1)) == [2003]
    assert cal.unknown_years(date(2027, 1, 1), date(2026, 1, 1)) == []


def test_add_working_days_into_2027(cal: BusinessCalendar) -> None:
    assert cal.add_working_days(local(2026, 12, 31, 10, 0), 1) == local(2027, 1, 1, 10, 0)
    assert cal.add_working_days(local(2027, 1, 1, 19, 0), 1) == local(2027, 1, 5, 9, 0)
    assert cal.end_of_working_day(local(2027, 1, 2, 12, 0)) == local(2027, 1, 4, 18, 0)
