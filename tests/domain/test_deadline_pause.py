"""Waiting on the customer (DESIGN.md 2) and filing days (seed 000:1.4.1-1.4.3), explicit times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.deadlines import (
    DeadlinePolicy,
    may_pause,
    may_resume,
    pause_reason_problem,
    paused_for,
    profile_filing_due_on,
    resume,
)
from deskui.domain.model import TicketStatus

SH = ZoneInfo("Asia/Shanghai")
POLICY = DeadlinePolicy()


def test_three_hours_waiting_move_the_due_time_three_hours_later() -> None:
    due = datetime(2026, 11, 23, 17, 0, tzinfo=SH)
    paused = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    answered = datetime(2026, 11, 23, 13, 0, tzinfo=SH)
    assert paused_for(paused, answered) == timedelta(hours=3)
    assert resume(due, paused, answered) == datetime(2026, 11, 23, 20, 0, tzinfo=SH)


def test_a_pause_across_golden_week_moves_by_the_whole_wait() -> None:
    # paused the evening before National Day, the customer answers after the holiday week
    due = datetime(2026, 9, 30, 20, 0, tzinfo=SH)
    paused = datetime(2026, 9, 30, 17, 0, tzinfo=SH)
    answered = datetime(2026, 10, 8, 9, 0, tzinfo=SH)
    assert resume(due, paused, answered) == due + (answered - paused)
    assert resume(due, paused, answered).tzinfo is UTC


def test_a_clock_set_back_never_pulls_a_deadline_in() -> None:
    due = datetime(2026, 11, 23, 17, 0, tzinfo=SH)
    paused = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    earlier = paused - timedelta(minutes=5)
    assert paused_for(paused, earlier) == timedelta(0)
    assert resume(due, paused, earlier) == due


@pytest.mark.parametrize(
    ("status", "pause", "resumes"),
    [
        (TicketStatus.OPEN, True, False),
        (TicketStatus.IN_PROGRESS, True, False),
        (TicketStatus.WITH_DEPARTMENT, True, False),
        (TicketStatus.WITH_LEAD, True, False),
        (TicketStatus.WAITING_CUSTOMER, False, True),
        (TicketStatus.RESOLVED, False, False),
        (TicketStatus.CLOSED, False, False),
    ],
)
def test_which_tickets_pause_and_resume(status: TicketStatus, pause: bool, resumes: bool) -> None:
    assert may_pause(status) is pause
    assert may_resume(status) is resumes


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("", "pause.error.reason_required"),
        ("   ", "pause.error.reason_required"),
        ("客户去查合同编号", None),
        ("长" * 201, "pause.error.reason_too_long"),
    ],
)
def test_a_pause_needs_a_short_reason(reason: str, problem: str | None) -> None:
    assert pause_reason_problem(reason) == problem


def test_a_contract_date_is_a_local_day_not_utc_midnight() -> None:
    # seed 000:1.4.1: sales sends the profile within 3 days of a contract dated 2026-11-20
    starts, due = profile_filing_due_on(POLICY, "sales", date(2026, 11, 20), "Asia/Shanghai")
    assert starts == datetime(2026, 11, 20, 0, 0, tzinfo=SH)
    assert due.astimezone(SH) == datetime(2026, 11, 23, 23, 59, tzinfo=SH)
    assert due != datetime(2026, 11, 23, 8, 0, tzinfo=SH)  # the old UTC-midnight reading


def test_a_contract_signed_before_spring_festival_counts_calendar_days() -> None:
    # 3 days, as the seed says, not 3 working days: 2026-02-13 gives the end of 02-16
    _, due = profile_filing_due_on(POLICY, "sales", date(2026, 2, 13), "Asia/Shanghai")
    assert due.astimezone(SH) == datetime(2026, 2, 16, 23, 59, tzinfo=SH)


def test_personal_notes_counted_from_a_day_take_the_month() -> None:
    _, due = profile_filing_due_on(POLICY, "personal_notes", date(2026, 11, 20), "Asia/Shanghai")
    assert due.astimezone(SH) == datetime(2026, 12, 20, 23, 59, tzinfo=SH)
