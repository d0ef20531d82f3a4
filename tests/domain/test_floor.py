"""The floor's rules (issue 25): an agent's state now, today's calls, the service level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskui.domain.floor import (
    CallFacts,
    FloorState,
    Readiness,
    StatedReadiness,
    agent_now,
    call_seconds,
    day_calls,
    service_level,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _call(n: int, rang: int, answered: int | None = None, ended: int | None = None, cause=None):
    """A call that rang `rang` seconds before NOW, answered and ended so many seconds after."""
    start = NOW - timedelta(seconds=rang)
    return CallFacts(
        n,
        start,
        start + timedelta(seconds=answered) if answered is not None else None,
        start + timedelta(seconds=ended) if ended is not None else None,
        cause,
        agent_id=7,
    )


def test_an_agent_on_an_answered_call_is_on_it_since_the_answer() -> None:
    call = _call(1, 100, answered=10)
    state = agent_now(True, StatedReadiness(Readiness.BUSY, NOW), [call], NOW)
    assert state.state is FloorState.ON_CALL
    assert state.since == call.answered_at
    assert state.call == call


def test_after_the_call_the_agent_wraps_up_then_is_ready() -> None:
    call = _call(1, 100, answered=10, ended=90)  # ended 10 s ago
    wrapping = agent_now(True, None, [call], NOW, wrap_up=timedelta(seconds=30))
    assert wrapping.state is FloorState.WRAP_UP
    assert wrapping.wrap_up_until == NOW + timedelta(seconds=20)
    later = NOW + timedelta(seconds=25)
    ready = agent_now(True, None, [call], later, wrap_up=timedelta(seconds=30))
    assert ready.state is FloorState.READY
    assert ready.since == NOW + timedelta(seconds=20)


def test_not_ready_with_its_reason_and_signed_out() -> None:
    stated = StatedReadiness(Readiness.BREAK, NOW - timedelta(minutes=3))
    state = agent_now(True, stated, [], NOW)
    assert (state.state, state.reason, state.since) == (
        FloorState.NOT_READY,
        Readiness.BREAK,
        stated.since,
    )
    assert agent_now(False, stated, [], NOW).state is FloorState.SIGNED_OUT
    back = StatedReadiness(Readiness.READY, NOW - timedelta(minutes=1))
    assert agent_now(True, back, [], NOW).state is FloorState.READY


def test_a_missed_call_is_no_call_of_the_agent() -> None:
    missed = _call(1, 60, ended=30, cause="noAnswer")
    assert agent_now(True, None, [missed], NOW).state is FloorState.READY


def test_service_level_leaves_out_short_abandons_and_calls_still_ringing() -> None:
    calls = [
        _call(1, 300, answered=5, ended=100),  # in time
        _call(2, 300, answered=20, ended=100),  # in time: at the threshold
        _call(3, 300, answered=21, ended=100),  # late
        _call(4, 300, ended=40, cause="noAnswer"),  # offered, missed
        _call(5, 300, ended=4, cause="cancel"),  # hung up within 5 s: not offered
        _call(6, 300, ended=5, cause="cancel"),  # at 5 s: offered
        _call(7, 10),  # ringing: no outcome yet
    ]
    level = service_level(calls)
    assert (level.answered_in_time, level.offered) == (2, 5)
    assert level.percent == 40
    assert service_level([]).percent is None


def test_today_splits_missed_calls_by_cause_and_finds_the_longest_wait() -> None:
    calls = [
        _call(1, 300, answered=5, ended=100),
        _call(2, 300, ended=40, cause="noAnswer"),
        _call(3, 300, ended=10, cause="cancel"),
        _call(4, 300, ended=10, cause="cancel"),
        _call(5, 300, ended=1, cause="busy"),
        _call(6, 45),
        _call(7, 12),
    ]
    day = day_calls(calls, NOW)
    assert (day.answered, day.rang_out, day.hung_up, day.other_missed) == (1, 1, 2, 1)
    assert day.missed == 4
    assert day.ringing == 2
    assert day.longest_wait == timedelta(seconds=45)
    assert day_calls([], NOW).longest_wait is None


def test_call_seconds_never_negative() -> None:
    assert call_seconds(NOW, NOW + timedelta(seconds=61)) == 61
    assert call_seconds(NOW, NOW - timedelta(seconds=3)) == 0
    assert call_seconds(None, NOW) is None
