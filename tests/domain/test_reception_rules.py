"""Reception rules: the site's local day, passes expiring today, unsigned items flagged, gift
confirmation and event plan dates, and what the forms refuse (seed 001:4; 000:2.5.5, 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.reception import (
    PassState,
    check_pass,
    check_text,
    event_plan_due,
    expires_today,
    gift_confirmation_due,
    gift_confirmation_late,
    local_day,
    parse_local_time,
    pass_state,
    sign_due,
    unsigned_late,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_local_day_is_the_sites_day_in_utc() -> None:
    start, end = local_day(NOW, SH)
    assert start == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    # 01:00 in Shanghai is still "today" there although UTC is on the day before
    early = datetime(2026, 11, 23, 1, 0, tzinfo=SH)
    assert local_day(early, SH) == (start, end)


@pytest.mark.parametrize(
    ("valid_to", "revoked", "expected"),
    [
        (datetime(2026, 11, 23, 17, 0, tzinfo=SH), None, True),
        (datetime(2026, 11, 23, 23, 59, tzinfo=SH), None, True),
        (datetime(2026, 11, 23, 0, 0, tzinfo=SH), None, True),  # ended at midnight this morning
        (datetime(2026, 11, 24, 0, 0, tzinfo=SH), None, False),  # tomorrow
        (datetime(2026, 11, 22, 23, 59, tzinfo=SH), None, False),  # yesterday
        (datetime(2026, 11, 23, 17, 0, tzinfo=SH), NOW, False),  # revoked
    ],
)
def test_passes_expiring_today(
    valid_to: datetime, revoked: datetime | None, expected: bool
) -> None:
    assert expires_today(valid_to, revoked, NOW, SH) is expected


def test_pass_state() -> None:
    start, end = NOW - timedelta(days=1), NOW + timedelta(hours=8)
    assert pass_state(start, end, None, NOW) is PassState.VALID
    assert pass_state(NOW + timedelta(hours=1), end, None, NOW) is PassState.UPCOMING
    assert pass_state(start, NOW, None, NOW) is PassState.EXPIRED
    assert pass_state(start, end, NOW - timedelta(minutes=1), NOW) is PassState.REVOKED


def test_an_item_not_signed_within_the_site_time_is_flagged() -> None:
    received = NOW - timedelta(hours=4)
    assert sign_due(received, 4) == NOW.astimezone(UTC)
    assert unsigned_late(received, None, NOW, 4)
    assert not unsigned_late(received, None, NOW - timedelta(seconds=1), 4)
    assert not unsigned_late(received, NOW - timedelta(hours=1), NOW, 4)
    assert not unsigned_late(received, None, NOW, 6)  # a site with a longer time


def test_gift_arrival_is_confirmed_within_three_days_of_sending() -> None:
    sent = datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # before Golden Week
    assert gift_confirmation_due(sent) == datetime(2026, 10, 3, 15, 0, tzinfo=SH)
    assert gift_confirmation_late(sent, None, datetime(2026, 10, 3, 15, 0, tzinfo=SH))
    assert not gift_confirmation_late(sent, sent, datetime(2026, 10, 5, tzinfo=SH))


@pytest.mark.parametrize(
    ("event", "plan"),
    [
        (date(2027, 2, 17), date(2027, 1, 17)),  # Spring Festival 2027 falls on 6 Feb
        (date(2026, 3, 31), date(2026, 2, 28)),  # shorter month: its last day
        (date(2027, 1, 10), date(2026, 12, 10)),  # over the year end
        (date(2026, 10, 8), date(2026, 9, 8)),
    ],
)
def test_event_plan_is_due_a_month_ahead(event: date, plan: date) -> None:
    assert event_plan_due(event) == plan


def test_times_are_read_in_the_sites_zone() -> None:
    assert parse_local_time("2026-11-23 14:30", NOW, SH) == datetime(
        2026, 11, 23, 6, 30, tzinfo=UTC
    )
    assert parse_local_time("  14:30 ", NOW, SH) == datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
    assert parse_local_time("2026-11-24", NOW, SH) == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert parse_local_time("25:00", NOW, SH) is None
    assert parse_local_time("明天", NOW, SH) is None


def test_text_keeps_markup_and_refuses_escapes() -> None:
    assert check_text("party", "[bold]星辰[/bold]") == []
    assert [p.key for p in check_text("party", "\x1b[31m红")] == ["reception.error.control"]
    assert [p.key for p in check_text("party", "   ")] == ["reception.error.required"]
    assert check_text("note", "", required=False) == []
    assert [p.key for p in check_text("party", "x" * 121, limit=120)] == [
        "reception.error.too_long"
    ]


def test_a_pass_needs_every_field_and_an_end_after_its_start() -> None:
    values = {
        "company": "金桥装饰",
        "people": "马涛",
        "area": "3 楼",
        "issued_by": "张伟",
        "valid_from": "2026-11-23 08:00",
        "valid_to": "2026-11-23 07:00",
    }
    facts, problems = check_pass(values, NOW, SH)
    assert facts is None
    assert [(p.field, p.key) for p in problems] == [("valid_to", "reception.error.to_before_from")]
    facts, problems = check_pass({**values, "valid_to": "17:00", "company": ""}, NOW, SH)
    assert [(p.field, p.key) for p in problems] == [("company", "reception.error.required")]
    facts, problems = check_pass({**values, "valid_to": "17:00"}, NOW, SH)
    assert problems == []
    assert facts is not None and facts.valid_to == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    _, problems = check_pass({**values, "valid_from": "tomorrow"}, NOW, SH)
    assert [(p.field, p.key) for p in problems] == [("valid_from", "reception.error.time_format")]
