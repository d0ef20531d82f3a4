"""Countdown phases and text, pure (DESIGN.md 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskui.domain.countdown import Phase, countdown_state, format_duration

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (9 * 60 + 9, "9m 09s"),
        (600, "10m 00s"),
        (601, "10m"),
        (45 * 60 + 59, "45m"),
        (5 * 3600 + 7 * 60 + 59, "5h 07m"),
        (2 * 86400 + 3 * 3600, "2d 03h"),
    ],
)
def test_seconds_show_only_in_the_last_ten_minutes(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("left", "phase"),
    [
        (timedelta(hours=7), Phase.CALM),
        (timedelta(hours=4), Phase.NEAR),
        (timedelta(hours=1), Phase.URGENT),
        (-timedelta(minutes=1), Phase.OVERDUE),
    ],
)
def test_phase_follows_the_fraction_left(left: timedelta, phase: Phase) -> None:
    # an 8-hour window that started 8 hours before due: 7h left is > 50%, 4h is 50%,
    # 1h is < 25%
    due = NOW + left
    state = countdown_state(due, NOW, starts_at=due - timedelta(hours=8))
    assert state.phase is phase


def test_paused_counts_nothing_down_and_met_is_met() -> None:
    due = NOW + timedelta(hours=2)
    paused = countdown_state(due, NOW + timedelta(hours=5), paused_at=NOW)
    assert paused.phase is Phase.PAUSED and paused.seconds == 7200
    assert countdown_state(due, NOW, met_at=NOW).phase is Phase.MET


def test_overdue_counts_up() -> None:
    state = countdown_state(NOW - timedelta(minutes=3), NOW)
    assert (state.phase, state.seconds) == (Phase.OVERDUE, 180)
