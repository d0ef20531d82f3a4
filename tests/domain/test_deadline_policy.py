"""The deadline policy (deskui.domain.deadlines): every due time from facts and a given time."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.deadlines import (
    DeadlinePolicy,
    callback_due,
    escalation_role,
    first_contact_due,
    gift_confirmation_due,
    handover_ack_due,
    parcel_final_answer_due,
    profile_filing_due,
    promised_reply_due,
    repeat_contact_due,
    resume,
)
from deskui.domain.model import Role, Severity

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = DeadlinePolicy()
OPENED = datetime(2026, 3, 5, 2, 30, tzinfo=UTC)  # Thursday 10:30 in Shanghai


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("severity", "due"),
    [
        (Severity.NORMAL, datetime(2026, 3, 6, 2, 30, tzinfo=UTC)),  # 24 h
        (Severity.URGENT, datetime(2026, 3, 5, 10, 30, tzinfo=UTC)),  # 8 h
        (Severity.CRITICAL, datetime(2026, 3, 5, 6, 30, tzinfo=UTC)),  # 4 h
    ],
)
def test_first_contact_per_severity(severity: Severity, due: datetime) -> None:
    assert first_contact_due(POLICY, severity, OPENED) == due


def test_first_contact_is_wall_clock_even_over_golden_week() -> None:
    opened = local(2026, 9, 30, 20, 0)
    assert first_contact_due(POLICY, Severity.NORMAL, opened) == local(2026, 10, 1, 20, 0)


def test_severity_order() -> None:
    due = [first_contact_due(POLICY, severity, OPENED) for severity in Severity]
    assert due == sorted(due, reverse=True)


def test_site_tuned_first_contact() -> None:
    policy = DeadlinePolicy(
        first_contact={
            Severity.NORMAL: timedelta(hours=12),
            Severity.URGENT: timedelta(hours=2),
            Severity.CRITICAL: timedelta(minutes=30),
        }
    )
    assert first_contact_due(policy, Severity.CRITICAL, OPENED) == OPENED + timedelta(minutes=30)


def test_first_contact_needs_every_severity() -> None:
    with pytest.raises(ValueError, match="critical"):
        DeadlinePolicy(first_contact={Severity.NORMAL: timedelta(hours=24)})


def test_policy_is_frozen_and_defaults_are_shared_read_only() -> None:
    with pytest.raises(FrozenInstanceError):
        POLICY.callback_window = timedelta(days=1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        POLICY.first_contact[Severity.NORMAL] = timedelta(0)  # type: ignore[index]


def test_defaults_are_the_seeds() -> None:
    assert POLICY.repeat_contact_interval == timedelta(hours=12)
    assert POLICY.callback_window == timedelta(days=7)
    assert POLICY.profile_filing_cs == timedelta(hours=24)
    assert POLICY.profile_filing_sales == timedelta(days=3)
    assert POLICY.personal_notes == timedelta(days=30)
    assert POLICY.handover_ack == timedelta(minutes=30)
    assert POLICY.parcel_final_answer == timedelta(hours=24)
    assert POLICY.gift_confirmation == timedelta(days=3)


def test_results_are_utc_whatever_the_input_zone() -> None:
    opened = datetime(2026, 3, 5, 10, 30, tzinfo=SHANGHAI)
    due = first_contact_due(POLICY, Severity.URGENT, opened)
    assert due.tzinfo == UTC
    assert due == datetime(2026, 3, 5, 10, 30, tzinfo=UTC)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        first_contact_due(POLICY, Severity.NORMAL, datetime(2026, 3, 5, 10, 0))
    with pytest.raises(ValueError):
        resume(OPENED, datetime(2026, 3, 5, 10, 0), OPENED)


# --- promised reply: within one working day (seed 001:6.4) ---


def test_promised_reply_inside_hours() -> None:
    assert promised_reply_due(BusinessCalendar(), local(2026, 3, 5, 10, 30)) == local(
        2026, 3, 6, 10, 30
    )


def test_promised_reply_on_golden_week_eve() -> None:
    assert promised_reply_due(BusinessCalendar(), local(2026, 9, 30, 16, 0)) == local(
        2026, 10, 8, 16, 0
    )


def test_promised_reply_during_spring_festival() -> None:
    assert promised_reply_due(BusinessCalendar(), local(2026, 2, 18, 11, 0)) == local(
        2026, 2, 25, 9, 0
    )


def test_promised_reply_friday_evening_across_utc_midnight() -> None:
    now = datetime(2026, 3, 6, 16, 5, tzinfo=UTC)  # Saturday 00:05 in Shanghai
    assert promised_reply_due(BusinessCalendar(), now) == local(2026, 3, 10, 9, 0)


# --- other windows ---


def test_callback_within_a_week() -> None:
    assert callback_due(POLICY, OPENED) == datetime(2026, 3, 12, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("cs", datetime(2026, 3, 6, 2, 30, tzinfo=UTC)),
        ("sales", datetime(2026, 3, 8, 2, 30, tzinfo=UTC)),
        ("personal_notes", datetime(2026, 4, 4, 2, 30, tzinfo=UTC)),
    ],
)
def test_profile_filing(kind: str, due: datetime) -> None:
    assert profile_filing_due(POLICY, kind, OPENED) == due  # type: ignore[arg-type]


def test_profile_filing_unknown_kind() -> None:
    with pytest.raises(ValueError):
        profile_filing_due(POLICY, "marketing", OPENED)  # type: ignore[arg-type]


def test_repeat_contact_twice_a_day() -> None:
    last = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    first = repeat_contact_due(POLICY, last)
    assert first == datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
    assert repeat_contact_due(POLICY, first) - last == timedelta(days=1)


def test_handover_ack() -> None:
    shift = local(2026, 3, 5, 18, 0)
    assert handover_ack_due(POLICY, shift) == local(2026, 3, 5, 18, 30)


def test_parcel_final_answer_and_gift_confirmation() -> None:
    assert parcel_final_answer_due(POLICY, OPENED) == OPENED + timedelta(hours=24)
    assert gift_confirmation_due(POLICY, OPENED) == datetime(2026, 3, 8, 2, 30, tzinfo=UTC)


# --- pause while waiting on the customer ---


def test_resume_moves_due_by_the_pause() -> None:
    due = datetime(2026, 3, 6, 2, 30, tzinfo=UTC)
    paused = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    resumed = datetime(2026, 3, 5, 9, 15, tzinfo=UTC)
    assert resume(due, paused, resumed) == datetime(2026, 3, 6, 5, 45, tzinfo=UTC)


def test_resume_after_due_had_passed_while_paused() -> None:
    due = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    paused = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    resumed = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert resume(due, paused, resumed) == datetime(2026, 3, 7, 10, 0, tzinfo=UTC)


def test_resume_twice_adds_both_pauses() -> None:
    due = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    due = resume(
        due, datetime(2026, 3, 5, 1, 0, tzinfo=UTC), datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    )
    due = resume(
        due, datetime(2026, 3, 5, 3, 0, tzinfo=UTC), datetime(2026, 3, 5, 3, 30, tzinfo=UTC)
    )
    assert due == datetime(2026, 3, 6, 1, 30, tzinfo=UTC)


def test_resume_with_mixed_zones() -> None:
    due = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    paused = datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)  # 01:00 UTC
    resumed = datetime(2026, 3, 5, 2, 0, tzinfo=timezone(timedelta(hours=0)))
    assert resume(due, paused, resumed) == datetime(2026, 3, 6, 1, 0, tzinfo=UTC)


def test_resume_never_pulls_due_earlier() -> None:
    due = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    assert (
        resume(due, datetime(2026, 3, 5, 2, 0, tzinfo=UTC), datetime(2026, 3, 5, 1, 0, tzinfo=UTC))
        == due
    )


# --- escalation (seed 002:2.3.2) ---


@pytest.mark.parametrize(
    ("severity", "role"),
    [
        (Severity.NORMAL, None),
        (Severity.URGENT, Role.LEAD),
        (Severity.CRITICAL, Role.MANAGER),
    ],
)
def test_escalation_role(severity: Severity, role: Role | None) -> None:
    assert escalation_role(severity) == role


def test_escalation_accepts_stored_strings() -> None:
    assert escalation_role(Severity("critical")) == Role.MANAGER
    assert escalation_role("urgent") == Role.LEAD  # type: ignore[arg-type]
