"""Booked times and the customer's rest (seed 000:2.5.2.1 避免在客户休息时打扰), with explicit
dates: lunch, a Sunday, Golden Week 2026-10-01..07, Spring Festival 2026-02-15..23 with its
make-up Saturdays 02-14 and 02-28."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import HOLIDAY_KEYS, BusinessCalendar, holiday_key
from deskui.domain.callbacks import (
    DEFAULT_CALLING_HOURS,
    CallbackRules,
    CallingHours,
    CallingWindow,
    MoveReason,
    OccasionFacts,
    calling_hours_for,
    check_booking,
    holiday_name,
    last_window_start,
    plan_occasions,
    without_rest,
)
from deskui.domain.complaint import COMMIT_REPLY, callable_problem, check_commitment
from deskui.domain.site import site_rules

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
RULES = CallbackRules()
HOURS = calling_hours_for([], RULES)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def test_lunch_is_refused_with_the_afternoon_slot() -> None:
    placement = check_booking(at(2026, 11, 23, 12, 30), MONDAY_9, HOURS, CAL)
    assert placement.moved and placement.reason is MoveReason.REST_TIME
    assert placement.at == at(2026, 11, 23, 14, 30).astimezone(UTC)


def test_a_time_inside_the_calling_hours_is_kept() -> None:
    placement = check_booking(at(2026, 11, 24, 15, 0), MONDAY_9, HOURS, CAL)
    assert not placement.moved and placement.at == at(2026, 11, 24, 15, 0)


def test_a_sunday_is_refused_with_monday_morning() -> None:
    placement = check_booking(at(2026, 11, 29, 10, 0), MONDAY_9, HOURS, CAL)
    assert placement.reason is MoveReason.NON_WORKING_DAY
    assert placement.at == at(2026, 11, 30, 9, 30)


def test_national_day_is_refused_with_the_first_slot_after_golden_week() -> None:
    now = at(2026, 9, 28, 9, 0)
    placement = check_booking(at(2026, 10, 2, 10, 0), now, HOURS, CAL)
    assert placement.reason is MoveReason.HOLIDAY and placement.holiday == "National Day"
    assert placement.at == at(2026, 10, 8, 9, 30)


def test_spring_festival_make_up_saturdays_count_as_working() -> None:
    now = at(2026, 2, 10, 9, 0)
    # Saturday 14 February is a make-up working day: a booking at 10:00 stands
    assert not check_booking(at(2026, 2, 14, 10, 0), now, HOURS, CAL).moved
    # the holiday itself (15-23) is refused, the next slot is Tuesday 24th
    placement = check_booking(at(2026, 2, 17, 10, 0), now, HOURS, CAL)
    assert placement.reason is MoveReason.HOLIDAY and placement.holiday == "Spring Festival"
    assert placement.at == at(2026, 2, 24, 9, 30)
    # Saturday 28 February works too; an ordinary Saturday (7 March) does not
    assert not check_booking(at(2026, 2, 28, 15, 0), now, HOURS, CAL).moved
    assert check_booking(at(2026, 3, 7, 15, 0), now, HOURS, CAL).moved


def test_a_refused_time_already_past_offers_the_next_slot_after_now() -> None:
    now = at(2026, 11, 23, 15, 0)
    placement = check_booking(at(2026, 11, 23, 12, 30), now, HOURS, CAL)
    assert placement.moved and placement.at == now.astimezone(UTC)


def test_the_rest_time_is_cut_out_of_wide_site_hours() -> None:
    wide = CallingHours((CallingWindow(time(9, 0), time(18, 0)),))
    cut = without_rest(wide, RULES.rest_hours)
    assert [(w.start, w.end) for w in cut.windows] == [
        (time(9, 0), time(12, 0)),
        (time(14, 0), time(18, 0)),
    ]
    placement = check_booking(at(2026, 11, 23, 12, 30), MONDAY_9, cut, CAL)
    assert placement.reason is MoveReason.REST_TIME and placement.at == at(2026, 11, 23, 14, 0)


def test_a_contacts_own_hours_lose_the_rest_time_too() -> None:
    hours = calling_hours_for(["工作日 10:00-16:00"], RULES)
    assert [(w.start, w.end) for w in hours.windows] == [
        (time(10, 0), time(12, 0)),
        (time(14, 0), time(16, 0)),
    ]


def test_default_hours_need_no_cut_and_stay_the_same() -> None:
    assert calling_hours_for([], RULES) is DEFAULT_CALLING_HOURS


def test_the_site_sets_its_rest_time() -> None:
    rules = site_rules({"callback.rest_hours": "11:30-13:30"}).callbacks
    assert rules.rest_hours == ((time(11, 30), time(13, 30)),)
    assert site_rules({}).callbacks.rest_hours == ((time(12, 0), time(14, 0)),)


def test_a_promised_reply_at_lunch_is_refused_with_the_slot() -> None:
    at_lunch = "2026-11-23 12:30"
    _, problem = check_commitment(COMMIT_REPLY, at_lunch, MONDAY_9, CAL, HOURS)
    assert problem is not None and problem.key == "complaint.err.out_of_hours"
    assert dict(problem.values) == {"slot": "2026-11-23 14:30"}
    _, problem = check_commitment(COMMIT_REPLY, "2026-11-23 15:00", MONDAY_9, CAL, HOURS)
    assert problem is None


def test_a_promised_reply_offers_the_last_slot_before_its_limit() -> None:
    # Friday 17:45: one working day is Monday 17:45; Monday 17:50 is past it and out of hours,
    # the next slot (Tuesday 09:30) is too late, so the last window start before the limit
    friday = at(2026, 11, 27, 17, 45)
    latest = at(2026, 11, 30, 17, 45)
    problem = callable_problem("promised_at", at(2026, 11, 30, 17, 40), friday, HOURS, CAL, latest)
    assert problem is not None and dict(problem.values) == {"slot": "2026-11-30 14:30"}
    assert last_window_start(latest, friday, HOURS, CAL) == at(2026, 11, 30, 14, 30)


def test_an_occasion_whose_lead_time_passed_is_not_overdue_when_made() -> None:
    # a birthday two days ahead has its three-day lead already behind: due a little after
    # now, never at now
    now = at(2026, 11, 23, 10, 0)
    facts = [OccasionFacts(1, 7, None, ((5, date(1980, 11, 25)),))]
    planned = plan_occasions(facts, now, RULES, CAL, fallback_agent=9)
    assert planned and all(p.due_at > now for p in planned)
    assert planned[0].due_at == (now + RULES.occasion_grace).astimezone(UTC)


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2026, 10, 1), "holiday.national_day"),
        (date(2026, 2, 17), "holiday.spring_festival"),
        (date(2026, 1, 1), "holiday.new_year"),
        (date(2026, 9, 25), "holiday.mid_autumn"),
    ],
)
def test_holidays_have_catalog_names(day: date, key: str) -> None:
    assert holiday_key(holiday_name(day)) == key


def test_every_chinese_calendar_holiday_has_a_key() -> None:
    import chinese_calendar

    assert {h.value for h in chinese_calendar.Holiday} <= set(HOLIDAY_KEYS)
    assert holiday_key("Some New Day") == "holiday.official"


def test_a_booking_a_month_and_a_day_out_or_in_an_unknown_year_is_doubted() -> None:
    """Issue 26: 32 days out, or 2027-01-01 (no official schedule yet), is said before it
    is kept; 31 days out in a known year is not; a day the site entered itself is known."""
    from deskui.domain.callbacks import BookingDoubt, booking_doubts

    sh = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=sh)
    calendar = BusinessCalendar()
    assert booking_doubts(now + timedelta(days=31), now, calendar) == ()
    assert booking_doubts(now + timedelta(days=32), now, calendar) == (BookingDoubt.FAR,)
    new_year = datetime(2027, 1, 1, 10, 0, tzinfo=sh)
    assert booking_doubts(new_year, now, calendar) == (BookingDoubt.FAR, BookingDoubt.UNKNOWN_YEAR)
    soon = datetime(2026, 12, 25, 10, 0, tzinfo=sh)
    early = datetime(2026, 12, 28, 10, 0, tzinfo=sh)  # fewer than 32 days from 11-28
    later = datetime(2026, 11, 28, 9, 0, tzinfo=sh)
    assert booking_doubts(early, later, calendar) == ()
    assert booking_doubts(soon, now, calendar) == (BookingDoubt.FAR,)
    known = BusinessCalendar({date(2027, 1, 4): True})
    jan4 = datetime(2027, 1, 4, 10, 0, tzinfo=sh)
    assert booking_doubts(jan4, later, known) == (BookingDoubt.FAR,)
    assert BookingDoubt.UNKNOWN_YEAR in booking_doubts(jan4, later, calendar)
