"""Prospects, gifts and customer events as plain rules (seed 000:1.4.7, 2.5.5, 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.relations import (
    CS,
    GiftState,
    OpenCall,
    arrival_from_answers,
    attendance_problem,
    callback_to_join,
    check_event,
    check_gift,
    check_hand_off,
    check_invitation,
    check_plan,
    check_prospect,
    gift_call_at,
    gift_state,
    parse_day,
    plan_due_at,
    prospect_follow_up_due,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)  # a Monday


def _fields(problems: list[object]) -> dict[str, str]:
    return {p.field: p.key for p in problems}  # type: ignore[attr-defined]


def test_cs_follows_a_prospect_within_a_week_unless_a_time_is_given() -> None:
    facts, problems = check_prospect({"interest": "想加投两块屏", "follow": CS}, NOW, SH)
    assert problems == [] and facts is not None
    assert facts.department_code is None and facts.person == ""
    assert facts.follow_up_at == prospect_follow_up_due(NOW) == NOW + timedelta(days=7)

    facts, _ = check_prospect(
        {"interest": "想加投", "follow": CS, "follow_up": "2026-11-25 10:00"}, NOW, SH
    )
    assert facts is not None
    assert facts.follow_up_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_a_prospect_handed_to_a_department_needs_the_person() -> None:
    facts, problems = check_prospect({"interest": "年底促销", "follow": "business"}, NOW, SH)
    assert facts is None and _fields(problems) == {"person": "reception.error.required"}
    facts, problems = check_prospect(
        {"interest": "年底促销", "follow": "business", "person": " 赵磊 "}, NOW, SH
    )
    assert problems == [] and facts is not None
    assert (facts.department_code, facts.person, facts.follow_up_at) == ("business", "赵磊", None)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"interest": ""}, {"interest": "reception.error.required"}),
        ({"interest": "\x1b[31m红字"}, {"interest": "reception.error.control"}),
        ({"interest": "x", "follow_up": "明天"}, {"follow_up": "reception.error.time_format"}),
        ({"interest": "x", "follow_up": "2026-11-20"}, {"follow_up": "relations.error.not_future"}),
    ],
)
def test_bad_prospect_input_is_refused_next_to_its_field(
    values: dict[str, str], expected: dict[str, str]
) -> None:
    facts, problems = check_prospect({"follow": CS, **values}, NOW, SH)
    assert facts is None and _fields(problems) == expected


def test_markup_in_a_prospect_is_kept_as_typed() -> None:
    facts, _ = check_prospect({"interest": "[b]加投[/b]", "follow": CS}, NOW, SH)
    assert facts is not None and facts.interest == "[b]加投[/b]"


def test_a_hand_off_names_a_department_and_a_person() -> None:
    assert _fields(check_hand_off({"department": CS, "person": ""})) == {
        "person": "reception.error.required",
        "department": "relations.error.pick_department",
    }
    assert check_hand_off({"department": "technical", "person": "钱伟"}) == []


def test_a_gift_is_sent_before_it_is_recorded() -> None:
    values = {"gift": "台历", "sent_by": "钱伟", "sent_at": "2026-11-22", "department": "business"}
    facts, problems = check_gift(values, NOW, SH)
    assert problems == [] and facts is not None
    assert facts.sent_at == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)  # local midnight
    facts, problems = check_gift({**values, "sent_at": "2026-11-24"}, NOW, SH)
    assert facts is None and _fields(problems) == {"sent_at": "relations.error.sent_in_future"}
    facts, problems = check_gift({**values, "gift": "", "sent_by": ""}, NOW, SH)
    assert set(_fields(problems)) == {"gift", "sent_by"}


def test_gift_state_from_confirmation_and_the_three_days() -> None:
    sent = NOW - timedelta(days=1)
    assert gift_state(sent, None, NOW) is GiftState.PENDING
    assert gift_state(sent, None, sent + timedelta(days=3)) is GiftState.LATE
    assert gift_state(sent, True, sent + timedelta(days=9)) is GiftState.ARRIVED
    assert gift_state(sent, False, NOW) is GiftState.NOT_ARRIVED


def test_the_scripts_arrived_answer_confirms_the_gift() -> None:
    assert arrival_from_answers({"convenient": "yes", "arrived": "yes"}) is True
    assert arrival_from_answers({"arrived": "no"}) is False
    assert arrival_from_answers({"convenient": "no", "booked_at": "15:00"}) is None
    assert arrival_from_answers(None) is None


def test_a_gift_rides_along_with_the_next_routine_callback_within_three_days() -> None:
    sent = NOW
    calls = [
        OpenCall(1, "routine", NOW + timedelta(days=5)),  # too late
        OpenCall(2, "equipment_check", NOW + timedelta(hours=1)),  # not a routine call
        OpenCall(3, "routine", NOW + timedelta(days=2)),
        OpenCall(4, "gift_arrival", NOW + timedelta(days=1)),
    ]
    assert callback_to_join(calls, sent) == 4
    assert callback_to_join(calls[:3], sent) == 3
    assert callback_to_join(calls[:2], sent) is None
    assert callback_to_join([], sent) is None


def test_the_confirmation_call_is_the_latest_allowed_time_before_the_three_days() -> None:
    def afternoons(at: datetime) -> bool:
        local = at.astimezone(SH)
        return local.weekday() < 5 and 14 <= local.hour < 17

    sent = datetime(2026, 11, 22, 9, 0, tzinfo=SH)  # Sunday: due Wednesday 09:00
    at = gift_call_at(sent, NOW, afternoons)
    assert at.astimezone(SH) == datetime(2026, 11, 24, 16, 30, tzinfo=SH)
    # nothing allowed before the deadline: the deadline itself, never before now
    assert gift_call_at(sent, NOW, lambda _: False) == sent + timedelta(days=3)
    late = sent + timedelta(days=5)
    assert gift_call_at(sent, late, lambda _: False) == late


@pytest.mark.parametrize(
    ("event_on", "due"),
    [
        (date(2026, 12, 31), "2026-11-30T18:00:00+08:00"),  # November is shorter
        (date(2027, 1, 15), "2026-12-15T18:00:00+08:00"),  # across the year
        (date(2027, 3, 30), "2027-02-28T18:00:00+08:00"),
        (date(2027, 2, 10), "2027-01-10T18:00:00+08:00"),  # before the Spring Festival
    ],
)
def test_the_plan_is_due_a_month_ahead_at_the_end_of_the_day(event_on: date, due: str) -> None:
    assert plan_due_at(event_on, SH).astimezone(SH).isoformat() == due


def test_an_event_needs_a_name_a_coming_date_and_a_place() -> None:
    values = {"name": "年终答谢会", "event_on": "2026/12/31", "place": "三楼多功能厅"}
    facts, problems = check_event(values, NOW, SH)
    assert problems == [] and facts is not None
    assert (facts.event_on, facts.plan_due_on) == (date(2026, 12, 31), date(2026, 11, 30))
    _, problems = check_event({**values, "event_on": "2026-11-22"}, NOW, SH)
    assert _fields(problems) == {"event_on": "relations.error.event_past"}
    _, problems = check_event({**values, "event_on": "下个月"}, NOW, SH)
    assert _fields(problems) == {"event_on": "relations.error.date_format"}
    _, problems = check_event({"name": "", "event_on": "", "place": ""}, NOW, SH)
    assert set(_fields(problems)) == {"name", "event_on", "place"}


def test_the_plan_and_who_wrote_it_are_required() -> None:
    assert set(_fields(check_plan({"plan": "", "plan_by": ""}))) == {"plan", "plan_by"}
    assert check_plan({"plan": "[i]晚宴[/i]", "plan_by": "企划部 周强"}) == []


def test_an_invitation_goes_out_now_or_at_a_past_time_in_a_known_way() -> None:
    at, problems = check_invitation({"invited_by": "钱伟", "way": "phone"}, NOW, SH)
    assert problems == [] and at == NOW.astimezone(UTC)
    at, problems = check_invitation(
        {"invited_by": "钱伟", "way": "fax", "invited_at": "10:00"}, NOW, SH
    )
    assert at is None and _fields(problems) == {
        "way": "relations.error.pick_way",
        "invited_at": "relations.error.sent_in_future",
    }


def test_only_the_invited_answer_and_nobody_attends_before_the_day() -> None:
    day = date(2026, 12, 31)
    assert attendance_problem("declined", True, day, NOW, SH) is None
    assert attendance_problem("attended", True, day, NOW, SH) == "relations.error.before_event"
    assert attendance_problem("no_show", False, day, NOW, SH) == "relations.error.not_invited"
    assert attendance_problem("maybe", True, day, NOW, SH) == "relations.error.pick_attendance"
    on_the_day = datetime(2026, 12, 31, 19, 0, tzinfo=SH)
    assert attendance_problem("attended", True, day, on_the_day, SH) is None


def test_dates_read_with_dashes_slashes_or_dots() -> None:
    assert parse_day("2026-1-5") == parse_day("2026/01/05") == parse_day("2026.1.5")
    assert parse_day("2026-02-30") is None and parse_day("") is None
