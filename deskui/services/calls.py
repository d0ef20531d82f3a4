"""Calls from the phone system (issue 25; DESIGN.md 12): every PBX event through one service.

`record_call_event` is the phone bridge's only write: it checks the post (domain/calls),
lets the call's transition decide, and writes the call, its event, what follows (the agent's
state, a missed call's callback 未接来电回拨, a callback met by a later call) and the change
feed in one transaction. Only the phone system's actor may post (the permission table);
desks read calls and set their own state through the functions below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from deskui.data import models as m
from deskui.data.call_store import AgentStateRecord, CallFilter, CallRecord, CallRow
from deskui.data.callback_store import MISSED_CALL
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import masked_number, sees_personal
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.calls import (
    ANONYMOUS,
    AgentState,
    CallEvent,
    CallEventKind,
    CallState,
    Cause,
    Direction,
    Effect,
    Transition,
    apply_event,
    blocked,
    current_state,
    end_orphaned,
    missed_callback_due,
    parse_event,
    set_state_problem,
    sweep,
)
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import PHONE_SYSTEM, Action
from deskui.domain.refusal import Invalid
from deskui.services.actor import Actor, require

__all__ = [
    "PHONE_ACTOR",
    "CallEventRecorded",
    "CallsQuery",
    "RecordCallEvent",
    "SetAgentState",
    "SetPhoneToken",
    "SweepCalls",
    "agent_states",
    "call_card",
    "calls",
    "calls_count",
    "live_calls",
    "missed_count",
    "my_calls_now",
    "my_state",
    "record_call_event",
    "record_call_events",
    "set_agent_state",
    "set_phone_token",
    "sweep_calls",
]

PHONE_ACTOR = Actor(0, "phone", PHONE_SYSTEM)
"""The phone bridge as it acts: no account, no sign-in; the table lets it post events only."""

SOURCE = "cti"
"""The generic CTI push's calls (Zammad's shape); another kind of bridge names its own."""


@dataclass(frozen=True, slots=True)
class RecordCallEvent:
    """One PBX post as received: its fields (JSON or form, `user[]` as a list)."""

    fields: Mapping[str, object]
    received_at: datetime | None = None
    """When the bridge received it; a journal replayed later keeps that time (else `now`)."""
    source: str = SOURCE


@dataclass(frozen=True, slots=True)
class CallEventRecorded:
    call: int
    """The `call` row's id."""
    effect: str
    state: str
    reject: bool
    """The caller is on the site's block list: the bridge answers reject (busy)."""


def record_call_event(
    uow: UnitOfWork, actor: Actor, command: RecordCallEvent, now: datetime
) -> CallEventRecorded:
    """Store one call event and what follows from it, in one transaction; `Invalid` for a
    post the domain refuses (the bridge's 422), nothing written."""
    require(actor, Action.RECORD_CALL)
    (recorded,) = _record_all(uow, [command], now)
    if isinstance(recorded, Invalid):
        raise recorded
    uow.commit()
    return recorded


def record_call_events(
    uow: UnitOfWork, actor: Actor, commands: Sequence[RecordCallEvent], now: datetime
) -> list[CallEventRecorded | Invalid]:
    """Store the events that came while the last batch was being stored, in the order they
    came, in one transaction (the bridge at 500 events/s: one commit for a few events);
    each one refused by the domain is its own `Invalid`, the others are stored. The same
    calls and states as the events stored one by one: only the reads are gathered (the
    batch's calls, agents' states and callers' missed calls, each in one query) and the
    writes flushed together."""
    require(actor, Action.RECORD_CALL)
    results = _record_all(uow, commands, now)
    uow.commit()
    return results


@dataclass(frozen=True, slots=True)
class _Posted:
    command: RecordCallEvent
    event: CallEvent
    at: datetime

    @property
    def key(self) -> tuple[str, str]:
        return (self.command.source, self.event.call_id)


def _record_all(
    uow: UnitOfWork, commands: Sequence[RecordCallEvent], now: datetime
) -> list[CallEventRecorded | Invalid]:
    parsed: list[_Posted | Invalid] = []
    for command in commands:
        try:  # parse_event refuses before anything is written
            event = parse_event(command.fields)
        except Invalid as refused:
            parsed.append(refused)
            continue
        parsed.append(_Posted(command, event, command.received_at or now))
    posted = [p for p in parsed if isinstance(p, _Posted)]
    if not posted:
        return [p for p in parsed if isinstance(p, Invalid)]
    calls = uow.calls.find_calls(p.key for p in posted)
    agents = uow.calls.agents_at(
        word for p in posted for word in (*p.event.users, p.event.answering_number)
    )
    created = _create_calls(uow, posted, calls, agents, now)
    uow.calls.expect_agents(
        [*agents.values(), *(c.agent_id for c in calls.values() if c.agent_id is not None)]
    )
    uow.calls.expect_numbers(
        p.event.party_number for p in posted if p.event.kind is CallEventKind.ANSWER
    )
    results: list[CallEventRecorded | Invalid] = []
    for p in parsed:
        if isinstance(p, Invalid):
            results.append(p)
            continue
        maker, made = created.get(p.key, (None, None))
        results.append(_record(uow, p, calls[p.key], made if maker is p else None, agents, now))
    return results


def _is_blocked(uow: UnitOfWork, event: CallEvent) -> bool:
    inbound = event.direction is Direction.IN
    return inbound and blocked(event.party_number, uow.rules.phone.block_list)


def _create_calls(
    uow: UnitOfWork,
    posted: list[_Posted],
    calls: dict[tuple[str, str], CallRecord],
    agents: Mapping[str, int],
    now: datetime,
) -> dict[tuple[str, str], tuple[_Posted, Transition]]:
    """The calls first heard of in this batch, each made by its first event (as that event
    alone would make it), inserted in one flush, each INSERT finding its customer itself
    (a subquery: no read of its own): that event's transition, by the call (with the event
    that made it)."""
    created: dict[tuple[str, str], tuple[_Posted, Transition]] = {}
    for p in posted:
        if p.key in calls:
            continue
        is_blocked = _is_blocked(uow, p.event)
        step = apply_event(None, p.event, p.at, blocked=is_blocked)
        call = uow.calls.new_call(p.command.source, p.event.call_id, step.facts, now)
        call.blocked = is_blocked
        _ring(call, p.event, step, agents)
        calls[p.key] = call
        created[p.key] = (p, step)
    if created:
        for key in created:
            call = calls[key]
            if call.party_number != ANONYMOUS:
                uow.calls.set_customer_of(call, call.party_number)
        uow.calls.insert_new()  # the new calls' ids, for their events and the change feed
    return created


def _ring(call: CallRecord, event: CallEvent, step: Transition, agents: Mapping[str, int]) -> None:
    """The agents the event rings (`user[]`), and the one who answered."""
    rings = [agents[user] for user in event.users if user in agents]
    call.rings = list(dict.fromkeys([*(call.rings or []), *rings]))
    if step.answered:
        call.agent_id = agents.get(step.facts.answering_extension)


def _record(
    uow: UnitOfWork,
    posted: _Posted,
    call: CallRecord,
    made: Transition | None,
    agents: Mapping[str, int],
    now: datetime,
) -> CallEventRecorded:
    """One event of the batch on its call; `made`: this event made the call (already
    written), this was its transition."""
    event, at = posted.event, posted.at
    if made is not None:
        step, is_blocked = made, call.blocked
    else:
        from deskui.data.call_store import facts_of

        is_blocked = _is_blocked(uow, event) or call.blocked
        step = apply_event(facts_of(call), event, at, blocked=is_blocked)
        if step.effect in (Effect.CREATED, Effect.UPDATED):
            uow.calls.apply(call, step.facts, now)
            _ring(call, event, step, agents)
    changed = step.effect in (Effect.CREATED, Effect.UPDATED)
    raw = {key: value for key, value in posted.command.fields.items()}
    uow.calls.add_event(call.id, event.kind, at, step.effect, raw)
    if changed:
        _follow(uow, call, step, at, now)
        uow.calls.call_changed(call, now)
    return CallEventRecorded(call.id, step.effect, call.state, is_blocked)


def _follow(
    uow: UnitOfWork, call: CallRecord, step: Transition, at: datetime, now: datetime
) -> None:
    """What a call's new state sets off (its answering agent already set): the agent on the
    call, then in wrap-up; a missed call's callback; a missed callback met by this call."""
    if step.answered:
        agent = call.agent_id
        if agent is not None:
            _end_orphan(uow, agent, at, now, Cause.NEXT_CALL, keep=call.id)
            uow.calls.set_agent_state(agent, AgentState.ON_CALL, at, call_pk=call.id)
        if not call.blocked and call.party_number != ANONYMOUS:
            _close_missed(uow, call, agent, now)
    if step.ended and call.agent_id is not None and step.facts.answered_at is not None:
        state = uow.calls.agent_call(call.agent_id)
        if state is None or state[1] in (None, call.id):
            ended = step.facts.ended_at or at
            uow.calls.set_agent_state(call.agent_id, AgentState.WRAP_UP, ended, call_pk=call.id)
    if step.missed and not call.blocked and call.party_number != ANONYMOUS:
        _missed(uow, call, step, now)


def _end_orphan(
    uow: UnitOfWork, agent_id: int, at: datetime, now: datetime, cause: Cause, keep: int = 0
) -> None:
    """The call the agent is on by the desk's account, whose hangup never came, ended: they
    answered another call, or said they are ready (or not ready) again. The agent's state
    is the caller's to set next (no wrap-up: the end is a guess, said by its cause)."""
    stored = uow.calls.agent_call(agent_id)  # the row set_agent_state then writes: no trip
    if stored is None or stored[0] != AgentState.ON_CALL or stored[1] in (None, keep):
        return
    from deskui.data.call_store import facts_of

    orphan = uow.calls.call_by_pk(stored[1])
    step = end_orphaned(facts_of(orphan), at, cause) if orphan is not None else None
    if orphan is None or step is None:
        return
    uow.calls.apply(orphan, step.facts, now)
    kind = "next_call" if cause is Cause.NEXT_CALL else "desk_end"
    uow.calls.add_event(orphan.id, kind, now, step.effect, {})
    uow.calls.call_changed(orphan, now)


def _close_missed(uow: UnitOfWork, call: CallRecord, agent_id: int | None, now: datetime) -> None:
    """An answered call from a number with a missed callback open, or an agent's call back
    to it, meets the callback and calls its missed calls back."""
    missed = uow.calls.missed_calls(call.party_number)  # one read: none, the usual case
    if not missed:
        return
    detail = {"call": call.call_id, "direction": call.direction}
    for callback_id in dict.fromkeys(c for _, c in missed if c is not None):
        uow.callbacks.close_by_call(callback_id, agent_id, now, detail)
    uow.calls.mark_called_back([call_pk for call_pk, _ in missed], now)


def _missed(uow: UnitOfWork, call: CallRecord, step: Transition, now: datetime) -> None:
    """A missed call becomes the callback 未接来电回拨 of its number, or is counted into the
    one still open: to the customer's agent, else to the shared queue; a number no customer
    has goes to the shared queue named by its number (a withheld one never comes here:
    nothing can be dialled)."""
    open_callback = uow.calls.open_missed_callback(call.party_number)
    if open_callback is not None:
        call.callback_id = open_callback
        count = uow.calls.missed_count(open_callback)
        uow.callbacks.callback_event(
            open_callback, None, now, "missed_again", {"call": call.call_id, "count": count}
        )
        uow.calls.callback_counted(open_callback, now)
        return
    ended = step.facts.ended_at or now
    calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    due = missed_callback_due(ended, uow.rules.phone.missed_within, calendar)
    agent = None
    if call.customer_id is not None:  # the customer's agent alone, not the whole row
        (agent,) = uow.callbacks.columns_of(m.Customer, call.customer_id, "assigned_agent_id")
    call.callback_id = uow.callbacks.add_callback(
        call.customer_id,
        MISSED_CALL,
        ended,
        now,
        calendar,
        agent_id=agent,
        shared=agent is None,
        due_at=due,
        occasion=f"call:{call.id}",
        number="" if call.customer_id is not None else call.party_number,
    )
    uow.callbacks.callback_event(
        call.callback_id, None, now, "missed_call", {"call": call.call_id, "count": 1}
    )


@dataclass(frozen=True, slots=True)
class SweepCalls:
    """Close the calls whose hangup never came (the bridge runs it every minute)."""


def sweep_calls(uow: UnitOfWork, actor: Actor, command: SweepCalls, now: datetime) -> int:
    """Calls ringing past the site's time closed as missed (their callback follows), calls
    answered past the site's talking time (default 2 hours) closed as answered; how many."""
    require(actor, Action.RECORD_CALL)
    from deskui.data.call_store import facts_of

    rules = uow.rules.phone
    closed = 0
    for call in uow.calls.open_calls((CallState.RINGING, CallState.ANSWERED)):
        step = sweep(facts_of(call), now, rules.ringing_sweep, rules.talking_sweep)
        if step is None:
            continue
        uow.calls.apply(call, step.facts, now)
        if call.blocked:
            call.outcome = "blocked"
        uow.calls.add_event(call.id, "sweep", now, step.effect, {})
        _follow(uow, call, step, step.facts.ended_at or now, now)
        uow.calls.call_changed(call, now)
        closed += 1
    uow.commit()
    return closed


@dataclass(frozen=True, slots=True)
class SetPhoneToken:
    """The SHA-256 (hex) of the site's new bridge token: the token itself is never stored."""

    digest: str


def set_phone_token(uow: UnitOfWork, actor: Actor, command: SetPhoneToken, now: datetime) -> None:
    """A lead or manager gives the bridge a new token (the old one stops working)."""
    require(actor, Action.EDIT_SITE_SETTINGS)
    digest = command.digest.strip().lower()
    if len(digest) != 64 or not set(digest) <= set("0123456789abcdef"):
        raise Invalid([FieldProblem("token", "phone.error.token")])
    uow.settings.save_stored("phone.token_sha256", digest, actor.id, now)
    uow.audit.write(now, "phone_token", agent_id=actor.id, agent_name=actor.name)
    uow.commit()


# -- agents' states --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetAgentState:
    """An agent sets themselves ready, or not ready with a reason (busy, break, training)."""

    state: str
    reason: str = ""


def set_agent_state(uow: UnitOfWork, actor: Actor, command: SetAgentState, now: datetime) -> None:
    """One's own state. The desk still has them on a call whose hangup never came (a PBX
    that dropped it): saying ready or not ready says that call is over, and it ends now."""
    require(actor, Action.SEE_CALLS)
    problem = set_state_problem(command.state, command.reason)
    if problem is not None:
        raise Invalid([problem])
    _end_orphan(uow, actor.id, now, now, Cause.ENDED_AT_DESK)
    uow.calls.set_agent_state(actor.id, command.state, now, reason=command.reason)
    uow.commit()


def _now_state(record: AgentStateRecord, now: datetime, uow: UnitOfWork) -> AgentStateRecord:
    state, since = current_state(record.state, record.since, now, uow.rules.phone.wrap_up)
    if state == record.state:
        return record
    return replace(record, state=str(state), since=since, call_id=None)


def my_state(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> AgentStateRecord:
    """The actor's state now (a wrap-up past the site's time reads as ready; never set:
    ready since now)."""
    require(actor, Action.SEE_CALLS)
    record = uow.calls.agent_state(actor.id, named=False)  # the name is the actor's own
    if record is None:
        return AgentStateRecord(actor.id, actor.name, AgentState.READY, "", now, None)
    return _now_state(replace(record, agent_name=actor.name), now, uow)


def agent_states(
    uow: UnitOfWork, actor: Actor, query: None, now: datetime
) -> list[AgentStateRecord]:
    """Every agent's state now, as the lead's floor shows it (leads and managers)."""
    require(actor, Action.SEE_TEAM)
    return [_now_state(r, now, uow) for r in uow.calls.agent_states()]


# -- reading calls ---------------------------------------------------------------------------


def _shown(uow: UnitOfWork, actor: Actor, rows: list[CallRow]) -> list[CallRow]:
    """Numbers masked for a role the site says need not see them."""
    if sees_personal(actor.role, uow.rules.masked_roles):
        return rows
    return [
        replace(
            r,
            from_number=_mask(r.from_number),
            to_number=_mask(r.to_number),
            party_number=_mask(r.party_number),
        )
        for r in rows
    ]


def _mask(number: str) -> str:
    return number if number == ANONYMOUS else masked_number(number) or ""


@dataclass(frozen=True, slots=True)
class CallsQuery:
    """A window of the caller log (newest first) under a filter."""

    where: CallFilter = field(default_factory=CallFilter)
    offset: int = 0
    limit: int = 100


def calls(uow: UnitOfWork, actor: Actor, query: CallsQuery, now: datetime) -> list[CallRow]:
    """The caller log's rows: every desk person sees the site's calls (numbers masked as
    the role requires)."""
    require(actor, Action.SEE_CALLS)
    return _shown(uow, actor, uow.calls.call_rows(query.where, query.offset, query.limit))


def calls_count(uow: UnitOfWork, actor: Actor, where: CallFilter, now: datetime) -> int:
    require(actor, Action.SEE_CALLS)
    return uow.calls.call_count(where)


def call_card(uow: UnitOfWork, actor: Actor, call_pk: int, now: datetime) -> CallRow | None:
    """One call by its row id (a change feed's ("call", id))."""
    require(actor, Action.SEE_CALLS)
    row = uow.calls.call_row(call_pk)
    return None if row is None else _shown(uow, actor, [row])[0]


def live_calls(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> list[CallRow]:
    """Calls ringing or talked now, oldest first (the floor)."""
    require(actor, Action.SEE_CALLS)
    return _shown(uow, actor, uow.calls.live_calls())


def my_calls_now(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> list[CallRow]:
    """The calls that concern the actor now: ringing for them (or for a queue, when no
    agent is named), or answered at their extension; the newest first. A desk asks when the
    change feed names it (("call_agent", its agent id)) or a queue call."""
    require(actor, Action.SEE_CALLS)
    mine = [
        r
        for r in uow.calls.live_calls()
        if (r.state == CallState.ANSWERED and r.agent_id == actor.id)
        or (r.state == CallState.RINGING and (actor.id in r.rings or (not r.rings and r.queue)))
    ]
    mine.reverse()
    return _shown(uow, actor, mine)


def missed_count(uow: UnitOfWork, actor: Actor, callback_id: int, now: datetime) -> int:
    """How many missed calls a missed-call callback collapses."""
    require(actor, Action.SEE_CALLS)
    return uow.calls.missed_count(callback_id)
