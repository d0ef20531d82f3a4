"""How far a deadline is, as a phase and a short text: computed at paint time from `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Phase(StrEnum):
    """The countdown's state; each has a sign so it reads without colour."""

    CALM = "calm"  # more than half the time left
    NEAR = "near"  # between half and a quarter left
    URGENT = "urgent"  # under a quarter left
    OVERDUE = "overdue"  # past due, counting up
    PAUSED = "paused"  # waiting on the customer
    MET = "met"  # done


@dataclass(frozen=True, slots=True)
class CountdownState:
    phase: Phase
    seconds: int
    """Seconds left (positive) or seconds overdue (positive, with phase OVERDUE)."""


def countdown_state(
    due_at: datetime,
    now: datetime,
    starts_at: datetime | None = None,
    paused_at: datetime | None = None,
    met_at: datetime | None = None,
) -> CountdownState:
    """The phase of a deadline at `now`; the fraction uses `starts_at` when known."""
    if met_at is not None:
        return CountdownState(Phase.MET, 0)
    if paused_at is not None:
        return CountdownState(Phase.PAUSED, max(0, int((due_at - paused_at).total_seconds())))
    left = (due_at - now).total_seconds()
    if left <= 0:
        return CountdownState(Phase.OVERDUE, int(-left))
    phase = Phase.CALM
    if starts_at is not None and due_at > starts_at:
        fraction = left / (due_at - starts_at).total_seconds()
        if fraction < 0.25:
            phase = Phase.URGENT
        elif fraction <= 0.5:
            phase = Phase.NEAR
    return CountdownState(phase, int(left))


SECONDS_SHOWN_WITHIN = 600
"""Seconds are shown only in the last ten minutes (either side of due): elsewhere the text
changes once a minute, so the one tick repaints a few lines, not every visible one."""


def format_duration(seconds: int) -> str:
    """Compact and fixed in shape: `2d 03h`, `5h 07m`, `45m`, `9m 09s`, `45s`."""
    seconds = max(0, seconds)
    days, rem = divmod(seconds, 86_400)
    hours, rem = divmod(rem, 3_600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if seconds > SECONDS_SHOWN_WITHIN:
        return f"{minutes}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


SIGNS: dict[Phase, str] = {
    Phase.CALM: " ",
    Phase.NEAR: "!",
    Phase.URGENT: "‼",
    Phase.OVERDUE: "+",
    Phase.PAUSED: "‖",
    Phase.MET: "✓",
}
"""A sign per phase, so the countdown reads without colour."""


def paused_for(paused_at: datetime, now: datetime) -> timedelta:
    """How long a deadline has waited on the customer (never negative: a clock set back).
    Here rather than in `deadlines` so a countdown on screen needs no business calendar."""
    if paused_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("deadlines need timezone-aware instants")
    return max(now.astimezone(UTC) - paused_at.astimezone(UTC), timedelta(0))
