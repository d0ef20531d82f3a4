"""The lead's floor and the agent's readiness (issue 25), as pure rules over a day's calls and
the agents' stated readiness: what state each agent is in now and since when, today's
answered and missed calls, and the service level with the formula it is computed by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SERVICE_LEVEL_THRESHOLD = timedelta(seconds=20)
"""Answered within this is answered in time (the site's setting; 20 s by default)."""
SHORT_ABANDON = timedelta(seconds=5)
"""A caller who hung up within this while it rang is not counted as offered (a misdial)."""
WRAP_UP = timedelta(seconds=30)
"""话后整理: after an answered call ends, the agent is busy this long (the site's setting)."""


class Readiness(StrEnum):
    """What an agent says of themselves: ready for calls, or not ready and why."""

    READY = "ready"
    BUSY = "busy"  # 示忙
    BREAK = "break"  # 小休
    TRAINING = "training"  # 培训


NOT_READY_REASONS = (Readiness.BUSY, Readiness.BREAK, Readiness.TRAINING)
"""The reasons an agent may give for not taking calls, in the order the desk offers them."""


class FloorState(StrEnum):
    """An agent's state as the floor shows it."""

    READY = "ready"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    NOT_READY = "not_ready"
    SIGNED_OUT = "signed_out"


@dataclass(frozen=True, slots=True)
class CallFacts:
    """One call as the floor counts it (times UTC-aware)."""

    call_id: int
    rang_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    cause: str | None = None
    """The PBX's hangup cause (`noAnswer`, `cancel`, `normalClearing`, ...), None while on."""
    agent_id: int | None = None
    """Who answered it."""
    caller: str = ""
    """Whom the call is with, as the reader may see it (a customer's name or the number)."""

    @property
    def ringing(self) -> bool:
        return self.answered_at is None and self.ended_at is None

    @property
    def missed(self) -> bool:
        return self.answered_at is None and self.ended_at is not None


@dataclass(frozen=True, slots=True)
class StatedReadiness:
    """What an agent last said of themselves, and when."""

    readiness: Readiness
    since: datetime


@dataclass(frozen=True, slots=True)
class AgentNow:
    """An agent's state at `now`, since when, and what it is about."""

    state: FloorState
    since: datetime | None
    reason: Readiness | None = None
    """Why not ready."""
    call: CallFacts | None = None
    """The call they are on or wrapping up."""
    wrap_up_until: datetime | None = None


def agent_now(
    signed_in: bool,
    stated: StatedReadiness | None,
    calls: Iterable[CallFacts],
    now: datetime,
    wrap_up: timedelta = WRAP_UP,
) -> AgentNow:
    """An agent's state: on a call they answered and which has not ended; wrapping up for
    `wrap_up` after one ended; else not ready when they said so; else ready (or signed out).
    A call counts whether the desk is signed in or not: the handset rings regardless."""
    answered = [c for c in calls if c.answered_at is not None and c.answered_at <= now]
    on = [c for c in answered if c.ended_at is None or c.ended_at > now]
    if on:
        call = max(on, key=lambda c: c.answered_at or now)
        return AgentNow(FloorState.ON_CALL, call.answered_at, call=call)
    ended = [c for c in answered if c.ended_at is not None]
    if ended:
        last = max(ended, key=lambda c: c.ended_at or now)
        assert last.ended_at is not None
        until = last.ended_at + wrap_up
        if now < until:
            return AgentNow(FloorState.WRAP_UP, last.ended_at, call=last, wrap_up_until=until)
    if not signed_in:
        return AgentNow(FloorState.SIGNED_OUT, None)
    if stated is not None and stated.readiness is not Readiness.READY:
        return AgentNow(FloorState.NOT_READY, stated.since, reason=stated.readiness)
    since = stated.since if stated is not None else None
    if ended:
        last_end = max(c.ended_at for c in ended if c.ended_at is not None) + wrap_up
        since = max(since, last_end) if since is not None else last_end
    return AgentNow(FloorState.READY, since)


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    """Calls answered within the threshold over calls offered (short abandons left out)."""

    answered_in_time: int
    offered: int
    threshold: timedelta
    short_abandon: timedelta

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down; None when no call was offered."""
        if not self.offered:
            return None
        return self.answered_in_time * 100 // self.offered


def service_level(
    calls: Iterable[CallFacts],
    threshold: timedelta = SERVICE_LEVEL_THRESHOLD,
    short_abandon: timedelta = SHORT_ABANDON,
) -> ServiceLevel:
    """Over the calls that have an outcome (answered, or ended unanswered): offered are all
    but callers who hung up within `short_abandon`; in time those answered within `threshold`
    of ringing. A call still ringing has no outcome yet and is not counted."""
    in_time = offered = 0
    for call in calls:
        if call.answered_at is not None:
            offered += 1
            if call.answered_at - call.rang_at <= threshold:
                in_time += 1
        elif call.ended_at is not None:
            if call.ended_at - call.rang_at < short_abandon:
                continue
            offered += 1
    return ServiceLevel(in_time, offered, threshold, short_abandon)


@dataclass(frozen=True, slots=True)
class DayCalls:
    """Today's calls counted: answered, missed (rang out, caller hung up, other causes)."""

    answered: int
    rang_out: int
    """`noAnswer`: nobody picked up."""
    hung_up: int
    """`cancel`: the caller gave up while it rang."""
    other_missed: int
    """Busy, congestion, not found and the like."""
    ringing: int
    longest_wait: timedelta | None
    """How long the call ringing longest has rung."""

    @property
    def missed(self) -> int:
        return self.rang_out + self.hung_up + self.other_missed


def day_calls(calls: Iterable[CallFacts], now: datetime) -> DayCalls:
    """Count a day's calls at `now`."""
    answered = rang_out = hung_up = other = ringing = 0
    longest: timedelta | None = None
    for call in calls:
        if call.answered_at is not None:
            answered += 1
        elif call.ended_at is not None:
            if call.cause == "noAnswer":
                rang_out += 1
            elif call.cause == "cancel":
                hung_up += 1
            else:
                other += 1
        else:
            ringing += 1
            wait = max(now - call.rang_at, timedelta(0))
            longest = wait if longest is None else max(longest, wait)
    return DayCalls(answered, rang_out, hung_up, other, ringing, longest)


def call_seconds(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds between two instants, None when either is missing (never negative)."""
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))
