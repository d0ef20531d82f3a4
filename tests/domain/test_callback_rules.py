"""Callback rules (seed 000:2.5) with explicit dates: a holiday, a weekend, rest time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import (
    DEFAULT_CALLING_HOURS,
    CallbackRules,
    DaySet,
    MoveReason,
    OccasionFacts,
    OpenCallback,
    callback_due_at,
    calling_hours_for,
    holidays_between,
    is_allowed,
    missing_surveys,
    outcome_of,
    parse_booked_time,
    parse_convenient_hours,
    period_bounds,
    place_call,
    plan_occasions,
    plan_routine,
    section,
    survey_due,
    to_share,
    uncovered,
)
from deskui.domain.model import CallbackOutcome, CallbackPurpose

SH = ZoneInfo("Asia/Shanghai")
RULES = CallbackRules()
CAL = BusinessCalendar()


def at(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def test_due_within_a_week_of_the_event() -> None:
    assert callback_due_at(CallbackPurpose.ROUTINE, at(2026, 11, 23), RULES) == at(2026, 11, 30)


def test_gift_arrival_due_within_three_days() -> None:
    due = callback_due_at(CallbackPurpose.GIFT_ARRIVAL, at(2026, 11, 23), RULES)
    assert due == at(2026, 11, 26)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        callback_due_at("routine", datetime(2026, 11, 23, 9), RULES)


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("工作日 9:00-11:30", time(9), time(11, 30), DaySet.WORKING),
        ("工作日 14:00-17:00", time(14), time(17), DaySet.WORKING),
        ("周一至周六 10:00-18:00", time(10), time(18), DaySet.WEEKDAYS),
        ("weekdays 14:00 to 17:00", time(14), time(17), DaySet.WORKING),
        ("Mon-Sat 10:00-18:00", time(10), time(18), DaySet.WEEKDAYS),
        ("每天 8点-20点", time(8), time(20), DaySet.EVERY_DAY),
        ("下午", time(14), time(18), DaySet.WORKING),
    ],
)
def test_convenient_hours_parse(text: str, start: time, end: time, days: DaySet) -> None:
    hours = parse_convenient_hours(text)
    assert hours is not None and hours.source == "contact"
    window = hours.windows[0]
    assert (window.start, window.end, window.days) == (start, end, days)


def test_monday_to_saturday_includes_saturday_only() -> None:
    hours = parse_convenient_hours("周一至周六 10:00-18:00")
    assert hours is not None
    assert hours.windows[0].weekdays == frozenset(range(6))


@pytest.mark.parametrize("text", ["", "随时", "25:00-26:00", "18:00-9:00", "<b>9-</b>"])
def test_unreadable_hours_fall_back_to_site_hours(text: str) -> None:
    assert parse_convenient_hours(text) is None
    assert calling_hours_for([text], RULES) is DEFAULT_CALLING_HOURS


def test_first_readable_contact_hours_win() -> None:
    hours = calling_hours_for(["", "工作日 14:00-17:00"], RULES)
    assert hours.source == "contact" and hours.windows[0].start == time(14)


def test_site_hours_skip_lunch_rest() -> None:
    # Monday 23 Nov 2026 12:30 is the lunch break: moved to 14:30 the same day
    placement = place_call(at(2026, 11, 23, 12, 30), DEFAULT_CALLING_HOURS, CAL)
    assert placement.at == at(2026, 11, 23, 14, 30).astimezone(UTC)
    assert placement.reason is MoveReason.REST_TIME


def test_allowed_time_is_kept() -> None:
    placement = place_call(at(2026, 11, 23, 10), DEFAULT_CALLING_HOURS, CAL)
    assert not placement.moved and placement.at == at(2026, 11, 23, 10).astimezone(UTC)


def test_weekend_moves_to_monday_morning() -> None:
    # Saturday 28 Nov 2026: next allowed slot Monday 30 Nov 9:30
    placement = place_call(at(2026, 11, 28, 10), DEFAULT_CALLING_HOURS, CAL)
    assert placement.at == at(2026, 11, 30, 9, 30).astimezone(UTC)
    assert placement.reason is MoveReason.NON_WORKING_DAY


def test_national_day_golden_week_moves_past_the_holiday() -> None:
    # 1 Oct 2026 (Thursday) is National Day; the run ends 7 Oct, 8 Oct is a working day
    placement = place_call(at(2026, 10, 1, 10), DEFAULT_CALLING_HOURS, CAL)
    assert placement.reason is MoveReason.HOLIDAY
    assert placement.holiday == "National Day"
    assert placement.at.astimezone(SH).date() == date(2026, 10, 8)


def test_spring_festival_holiday() -> None:
    placement = place_call(at(2026, 2, 17, 15), DEFAULT_CALLING_HOURS, CAL)
    assert placement.reason is MoveReason.HOLIDAY and placement.holiday == "Spring Festival"
    assert CAL.is_working_day(placement.at.astimezone(SH).date())


def test_contact_hours_move_an_early_call_and_say_so() -> None:
    hours = parse_convenient_hours("工作日 14:00-17:00")
    assert hours is not None
    placement = place_call(at(2026, 11, 23, 10), hours, CAL)
    assert placement.reason is MoveReason.CONTACT_HOURS
    assert placement.at == at(2026, 11, 23, 14).astimezone(UTC)


def test_contact_saturday_hours_allow_saturday_but_not_sunday() -> None:
    hours = parse_convenient_hours("周一至周六 10:00-18:00")
    assert hours is not None
    assert is_allowed(at(2026, 11, 28, 11), hours, CAL)
    assert not is_allowed(at(2026, 11, 29, 11), hours, CAL)
    assert place_call(at(2026, 11, 29, 11), hours, CAL).at == at(2026, 11, 30, 10).astimezone(UTC)


def test_after_hours_moves_to_next_morning() -> None:
    placement = place_call(at(2026, 11, 23, 19), DEFAULT_CALLING_HOURS, CAL)
    assert placement.at == at(2026, 11, 24, 9, 30).astimezone(UTC)


def test_personal_callbacks_overdue_past_the_limit_are_shared() -> None:
    now = at(2026, 11, 23, 12)
    callbacks = [
        OpenCallback(1, 7, now - timedelta(minutes=31), shared=False),
        OpenCallback(2, 7, now - timedelta(minutes=29), shared=False),
        OpenCallback(3, 7, now - timedelta(hours=3), shared=True),
        OpenCallback(4, 7, now + timedelta(hours=1), shared=False),
    ]
    assert to_share(callbacks, now, RULES) == [1]
    assert to_share(callbacks, now, CallbackRules(shared_after=timedelta(minutes=10))) == [1, 2]


def test_sections_by_local_day() -> None:
    now = at(2026, 11, 23, 9)
    assert section(at(2026, 11, 23, 8), now, "Asia/Shanghai") == "overdue"
    assert section(at(2026, 11, 23, 23, 30), now, "Asia/Shanghai") == "today"
    assert section(at(2026, 11, 24, 0, 30), now, "Asia/Shanghai") == "upcoming"


def test_period_bounds() -> None:
    assert period_bounds(date(2026, 11, 23), "month") == (date(2026, 11, 1), date(2026, 12, 1))
    assert period_bounds(date(2026, 12, 5), "month") == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_bounds(date(2026, 11, 23), "quarter") == (date(2026, 10, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        period_bounds(date(2026, 11, 23), "year")


def test_uncovered_customers() -> None:
    assert uncovered([1, 2, 3, 4], [2, 4, 4]) == [1, 3]


def test_routine_generation_spreads_by_assignment_then_load() -> None:
    now = at(2026, 11, 23)
    planned = plan_routine(
        {10: 1, 11: 2, 12: None, 13: 99, 14: None},
        agents=[1, 2, 3],
        load={1: 5, 2: 0, 3: 1},
        now=now,
        rules=RULES,
        period_end=at(2026, 12, 1, 0),
    )
    assert [(p.customer_id, p.agent_id) for p in planned] == [
        (10, 1),  # assigned
        (11, 2),  # assigned
        (12, 2),  # 2 had 1 after 11, 3 had 1: tie by id
        (13, 3),  # assigned agent not active: least loaded
        (14, 2),
    ]
    assert all(p.due_at == at(2026, 11, 30).astimezone(UTC) for p in planned)


def test_routine_due_never_after_the_period() -> None:
    planned = plan_routine({1: 1}, [1], {}, at(2026, 11, 28), RULES, at(2026, 12, 1, 0))
    assert planned[0].due_at < at(2026, 12, 1, 0)


def test_no_agents_no_plan() -> None:
    assert plan_routine({1: None}, [], {}, at(2026, 11, 23), RULES, at(2026, 12, 1)) == []


def test_holidays_between_finds_the_first_day_of_each_run() -> None:
    found = holidays_between(date(2026, 9, 20), date(2026, 10, 10))
    assert found == [
        (date(2026, 9, 25), "Mid-autumn Festival"),
        (date(2026, 10, 1), "National Day"),
    ]


def test_occasions_from_holidays_birthdays_and_anniversaries_ahead_of_the_date() -> None:
    now = at(2026, 9, 20)
    facts = [
        OccasionFacts(
            customer_id=5,
            agent_id=None,
            contract_signed_on=date(2020, 9, 28),
            birthdays=((50, date(1980, 9, 30)), (51, date(1990, 3, 3))),
        )
    ]
    planned = plan_occasions(facts, now, RULES, CAL, fallback_agent=9)
    kinds = {p.occasion.split(":")[0] for p in planned}
    assert kinds == {"holiday", "birthday", "anniversary"}
    birthday = next(p for p in planned if p.occasion.startswith("birthday"))
    assert birthday.contact_id == 50 and birthday.agent_id == 9
    assert birthday.due_at == at(2026, 9, 27, 9, 30).astimezone(UTC)  # three days ahead
    national = next(p for p in planned if "National Day" in p.occasion)
    assert national.due_at.astimezone(SH).date() == date(2026, 9, 28)


def test_survey_forms_due_by_the_tenth_and_missing_ones_listed() -> None:
    assert survey_due(2026, 4, RULES) == date(2026, 10, 10)
    now = at(2026, 10, 12)
    missing = missing_surveys(["sales", "media", "product"], [("sales", 2026, 4)], now, RULES)
    assert missing == [("media", date(2026, 10, 10), True), ("product", date(2026, 10, 10), True)]
    early = missing_surveys(["sales"], [], at(2026, 10, 9), RULES)
    assert early == [("sales", date(2026, 10, 10), False)]


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"satisfaction": "unsatisfied"}, CallbackOutcome.UNSATISFIED),
        ({"satisfaction": "average"}, CallbackOutcome.AVERAGE),
        ({"running": "problem"}, CallbackOutcome.UNSATISFIED),
        ({"running": "normal"}, CallbackOutcome.SATISFIED),
        ({"resolved": "no", "issue": "还没修"}, CallbackOutcome.UNSATISFIED),
        ({"arrived": "yes", "satisfaction": "average"}, CallbackOutcome.AVERAGE),
        ({"convenient": "no"}, None),
    ],
)
def test_outcome_of_answers(answers: dict[str, object], outcome: CallbackOutcome | None) -> None:
    assert outcome_of(answers) == outcome


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:30", at(2026, 11, 23, 15, 30)),
        ("明天 10:00", at(2026, 11, 24, 10)),
        ("tomorrow 9", at(2026, 11, 24, 9)),
        ("11-25 15:00", at(2026, 11, 25, 15)),
        ("2026-12-01 14:05", at(2026, 12, 1, 14, 5)),
        ("12月2日 9点", at(2026, 12, 2, 9)),
    ],
)
def test_booked_time_parses(text: str, expected: datetime) -> None:
    assert parse_booked_time(text, at(2026, 11, 23, 9), "Asia/Shanghai") == expected


@pytest.mark.parametrize("text", ["", "soon", "25:00", "13-40 10:00", "[b]15:00[/b]", "\x1b[31m9"])
def test_bad_booked_time_is_none(text: str) -> None:
    assert parse_booked_time(text, at(2026, 11, 23, 9), "Asia/Shanghai") is None


def test_coverage_share_and_the_week_it_counts() -> None:
    """seed 000:2.5.2.1: the share of customers called back, never rounded up to 100%."""
    from datetime import date as day

    from deskui.domain.callbacks import CoverageShare, week_bounds

    assert week_bounds(day(2026, 10, 4)) == (day(2026, 9, 28), day(2026, 10, 5))  # Golden Week
    assert week_bounds(day(2026, 11, 23)) == (day(2026, 11, 23), day(2026, 11, 30))
    assert CoverageShare(2, 3).percent == 66
    assert CoverageShare(199, 200).percent == 99
    assert CoverageShare(0, 0).percent is None


def test_an_occasion_is_read_back_with_its_day_and_name() -> None:
    from datetime import date as day

    from deskui.domain.callbacks import Occasion, parse_occasion

    national = parse_occasion("holiday:2026-10-01:National Day")
    assert national == Occasion("holiday", day(2026, 10, 1), "National Day")
    assert national.holiday_key == "national_day"
    assert parse_occasion("birthday:2026-11-30") == Occasion("birthday", day(2026, 11, 30))
    assert parse_occasion("promotion:7") == Occasion("promotion")
    assert parse_occasion("promotion:7:双十二") == Occasion("promotion", None, "双十二")
    assert parse_occasion("") is None and parse_occasion("holiday:soon") is None
