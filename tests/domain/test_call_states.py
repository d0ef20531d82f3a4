"""A call's state from its events (deskui.domain.calls): the ends the desk guesses when a
hangup was lost, and the hangup that turns up after one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskui.domain.calls import (
    CallEvent,
    CallFacts,
    CallState,
    Cause,
    Direction,
    Effect,
    apply_event,
    end_orphaned,
    parse_event,
    sweep,
)

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _event(kind: str, **more: object) -> CallEvent:
    fields = {"event": kind, "callId": "c1", "from": "13812345678", "to": "95000"}
    return parse_event(fields | more)


def _answered() -> CallFacts:
    ringing = apply_event(None, _event("newCall"), AT).facts
    return apply_event(
        ringing, _event("answer", answeringNumber="8001"), AT + timedelta(seconds=6)
    ).facts


def test_only_a_call_on_can_be_ended_by_its_agents_desk() -> None:
    ringing = apply_event(None, _event("newCall"), AT).facts
    assert end_orphaned(ringing, AT, Cause.ENDED_AT_DESK) is None
    step = end_orphaned(_answered(), AT + timedelta(minutes=3), Cause.NEXT_CALL)
    assert step is not None and step.ended and not step.missed
    assert (step.facts.state, step.facts.cause) == (CallState.ENDED, Cause.NEXT_CALL)
    assert step.facts.ended_at == AT + timedelta(minutes=3)
    assert end_orphaned(step.facts, AT + timedelta(minutes=4), Cause.NEXT_CALL) is None


def test_the_talking_sweep_waits_for_the_sites_time_after_the_answer() -> None:
    on = _answered()
    ten, two_hours = timedelta(minutes=10), timedelta(hours=2)
    assert sweep(on, AT + timedelta(minutes=119), ten, two_hours) is None
    swept = sweep(on, AT + timedelta(hours=2, seconds=6), ten, two_hours)
    assert swept is not None and swept.facts.cause is Cause.SWEPT


def test_a_hangup_after_a_guessed_end_corrects_it_and_sets_nothing_off_again() -> None:
    for cause in (Cause.SWEPT, Cause.ENDED_AT_DESK, Cause.NEXT_CALL):
        guessed = end_orphaned(_answered(), AT + timedelta(hours=2), cause)
        assert guessed is not None
        late = apply_event(
            guessed.facts,
            _event("hangup", cause="normalClearing"),
            AT + timedelta(minutes=5),
        )
        assert late.effect is Effect.UPDATED and not late.ended and not late.answered
        assert late.facts.ended_at == AT + timedelta(minutes=5)
        assert late.facts.cause is Cause.NORMAL_CLEARING


def test_a_second_hangup_after_a_real_one_is_a_duplicate() -> None:
    ended = apply_event(
        _answered(), _event("hangup", cause="normalClearing"), AT + timedelta(minutes=1)
    )
    again = apply_event(ended.facts, _event("hangup", cause="cancel"), AT + timedelta(minutes=9))
    assert again.effect is Effect.DUPLICATE and again.facts == ended.facts
    assert ended.facts.direction is Direction.IN
