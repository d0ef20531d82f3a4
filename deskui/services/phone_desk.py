"""The phone as the desk and the lead see it (issue 25): what one desk shows of the calls
concerning its agent, the caller log, the lead's floor, and the agent's readiness.

Reads mask numbers as the reader's role requires (deskui/domain/masking.py); the line on a
locked desk is masked whoever the agent is."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.data.call_store import AgentStateRecord, CallFilter, CallRow
from deskui.data.call_tickets import CallTickets
from deskui.data.call_tickets import TicketCall as TicketCall  # the ticket detail shows it
from deskui.data.floor_reads import FloorReads
from deskui.domain.accounts import masked_number, sees_personal
from deskui.domain.calls import ANONYMOUS, AgentState, CallState, current_state
from deskui.domain.clock import SITE_TIMEZONE
from deskui.domain.floor import (
    WRAP_UP,
    AgentNow,
    CallFacts,
    DayCalls,
    FloorState,
    Readiness,
    ServiceLevel,
    StatedReadiness,
    call_seconds,
    day_calls,
    service_level,
)
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require
from deskui.services.presence import FRESH

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services.intake import CallersFound

__all__ = [
    "CALL_LOG_FILTERS",
    "CallLogPage",
    "CallLogRow",
    "DeskCall",
    "DeskCalls",
    "Floor",
    "FloorAgent",
    "RingingCall",
    "SetReadiness",
    "set_intake_aside",
    "take_intake_aside",
]

CALL_LOG_FILTERS = ("all", "missed", "not_called_back")
"""The caller log's filters: every call, the missed ones, the missed not yet called back."""


@dataclass(frozen=True, slots=True)
class RingingCall:
    """A call ringing for the agent or their queue."""

    call_id: int
    customer_name: str
    number: str
    """As the agent's role may see it (masked when the site says so; "anonymous")."""
    masked: str
    """The number masked whatever the role: what a locked desk shows."""
    rang_at: datetime
    found: CallersFound | None = None
    """The number's callers and card, read while it rings for the agent by name (`desk_calls`
    asked with `CallsAsked`): answered, it pops with these, no read of its own after the
    answer (issue 25: answer to card)."""


@dataclass(frozen=True, slots=True)
class CallsAsked:
    """What a desk asks `desk_calls` besides its calls: the calls it popped already, and those
    whose caller it holds (read while they rang): neither is looked up again."""

    popped: frozenset[int] = frozenset()
    known: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class DeskCall:
    """A call the agent answered: the one they are on, or the last they ended."""

    call_id: int
    customer_name: str
    number: str
    """The number as the role may see it ("anonymous" for a withheld one)."""
    sees_number: bool
    """Whether `number` is the whole number (the role sees personal data): the intake's
    phone field is filled only then; a masked reader gets the card by `customer_id`."""
    customer_id: int | None
    rang_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    from_log: bool = False
    """Opened from the caller log, not answered now: its caller only, the ticket not tied
    to it."""
    found: CallersFound | None = None
    """The number's callers and card, read with the call when it is to pop (`desk_calls`
    asked with the calls already popped): intake paints the card as it opens, no lookup
    of its own (issue 25: answer to card)."""


@dataclass(frozen=True, slots=True)
class DeskCalls:
    """What one desk shows of the phone now."""

    ringing: tuple[RingingCall, ...] = ()
    current: DeskCall | None = None
    last_ended: DeskCall | None = None
    readiness: StatedReadiness | None = None
    wrap_up: timedelta = WRAP_UP


@dataclass(frozen=True, slots=True)
class CallLogRow:
    """One call of the caller log."""

    call_id: int
    rang_at: datetime
    number: str
    """As the reader's role may see it."""
    customer_id: int | None
    customer_name: str
    agent_name: str
    wait_seconds: int | None
    duration_seconds: int | None
    outcome: str
    """`answered`, `missed`, `called_back`, or `ringing` / `on_call` while it lasts."""
    ticket_id: int | None
    sees_number: bool


@dataclass(frozen=True, slots=True)
class CallLogPage:
    """Which calls of the log: a filter of `CALL_LOG_FILTERS`, a window."""

    filter: str = "all"
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True, slots=True)
class FloorAgent:
    """One agent on the floor: their state now and what it is about."""

    agent_id: int
    name: str
    now: AgentNow
    customer_name: str = ""
    number: str = ""
    """Whom they are on a call with (the number as the lead may see it)."""


@dataclass(frozen=True, slots=True)
class Floor:
    """The lead's floor at `at`."""

    at: datetime
    day: DayCalls
    level: ServiceLevel
    missed_not_called_back: int
    ringing: tuple[RingingCall, ...] = ()
    agents: tuple[FloorAgent, ...] = field(default=())
    withheld_missed: int = 0
    """Today's missed calls from withheld numbers: nothing to call back, said so."""


@dataclass(frozen=True, slots=True)
class SetReadiness:
    """The agent says they take calls again, or not and why."""

    readiness: Readiness


# -- the intake's typing set aside for a popped call (DESIGN.md 5) ---------------------------

ASIDE_FORM = "intake"
ASIDE_KEY = "aside"
"""The draft row that keeps intake typing a popped call interrupted: a stack of forms."""


def _aside_forms(kept: dict[str, object] | None) -> list[dict[str, object]]:
    listed = (kept or {}).get("forms")
    return [dict(f) for f in listed if isinstance(f, dict)] if isinstance(listed, list) else []


def set_intake_aside(
    uow: UnitOfWork, actor: Actor, payload: dict[str, object], now: datetime
) -> None:
    """Keep the intake form's fields, which a popped call interrupted, until that call is
    saved; several calls in a row keep every form, the latest on top."""
    require(actor, Action.WORK_OWN)
    forms = _aside_forms(uow.drafts.load_draft(actor.id, ASIDE_FORM, ASIDE_KEY))
    forms.append(dict(payload))
    uow.drafts.save_draft(actor.id, ASIDE_FORM, {"forms": forms}, now, ASIDE_KEY)
    uow.commit()


def take_intake_aside(
    uow: UnitOfWork, actor: Actor, _: None, now: datetime
) -> dict[str, object] | None:
    """The latest form set aside, taken back: it is the intake's draft again (one commit), so
    a desk that stops now still restores it; None when nothing waits."""
    require(actor, Action.WORK_OWN)
    forms = _aside_forms(uow.drafts.load_draft(actor.id, ASIDE_FORM, ASIDE_KEY))
    if not forms:
        return None
    latest = dict(forms.pop())
    if forms:
        uow.drafts.save_draft(actor.id, ASIDE_FORM, {"forms": forms}, now, ASIDE_KEY)
    else:
        uow.drafts.delete_draft(actor.id, ASIDE_FORM, ASIDE_KEY)
    uow.drafts.save_draft(actor.id, ASIDE_FORM, latest, now)
    uow.commit()
    return latest


# -- what one desk shows of the phone ----------------------------------------------------------


def _sees(uow: UnitOfWork, actor: Actor) -> bool:
    return sees_personal(actor.role, uow.rules.masked_roles)


def _masked(number: str) -> str:
    return number if number == ANONYMOUS else masked_number(number) or ""


def _number(uow: UnitOfWork, actor: Actor, number: str) -> str:
    """A caller's number as the actor may see it."""
    return number if _sees(uow, actor) else _masked(number)


def _desk_call(uow: UnitOfWork, actor: Actor, row: CallRow) -> DeskCall:
    return DeskCall(
        row.id,
        row.customer_name,
        _number(uow, actor, row.party_number),
        _sees(uow, actor) and row.party_number != ANONYMOUS,
        row.customer_id,
        row.started_at,
        row.answered_at,
        row.ended_at,
    )


def _with_caller(uow: UnitOfWork, actor: Actor, call: DeskCall, now: datetime) -> DeskCall:
    """The call to pop with what intake's phone field would find for its number."""

    from deskui.domain.search import LookupKind, classify
    from deskui.services.intake import callers_and_card

    if not call.sees_number or not actor.may(Action.WORK_OWN):
        return call
    lookup = classify(call.number)
    if lookup.kind is not LookupKind.PHONE:
        return call
    return replace(call, found=callers_and_card(uow, actor, lookup, now))


def _readiness(record: AgentStateRecord | None) -> StatedReadiness | None:
    """What the agent said of themselves (a call's state is the call's, not theirs)."""
    if record is None:
        return None
    if record.state == AgentState.READY:
        return StatedReadiness(Readiness.READY, record.since)
    if record.state == AgentState.NOT_READY and record.reason in {r.value for r in Readiness}:
        return StatedReadiness(Readiness(record.reason), record.since)
    return None


RECENT_CALLS = 5
"""The agent's newest calls looked at for the one they ended last (its wrap-up)."""


def desk_calls(
    uow: UnitOfWork,
    actor: Actor,
    asked: CallsAsked | Collection[int] | None,
    now: datetime,
) -> DeskCalls:
    """What this desk shows now: the calls ringing for the agent (or for a queue naming no
    agent), the call they answered and are on, the last one they ended (its wrap-up), and
    what they said of their readiness. `asked`: the calls this desk has popped already (or
    `CallsAsked`, with the calls whose caller it holds); the one it is on, when among
    neither, comes with its caller's lookup (`found`), and so does each call ringing the
    agent by name (read while it rings: its answer then pops at once, no read after it; a
    queue's call, ringing every desk, is not looked up by each). None: no lookup at all."""
    require(actor, Action.SEE_CALLS)
    if asked is not None and not isinstance(asked, CallsAsked):
        asked = CallsAsked(frozenset(asked))
    ringing: list[RingingCall] = []
    current: DeskCall | None = None
    for row in uow.calls.live_calls():
        if row.state == CallState.ANSWERED and row.agent_id == actor.id:
            current = _desk_call(uow, actor, row)
            if asked is not None and row.id not in asked.popped | asked.known:
                current = _with_caller(uow, actor, current, now)
        elif row.state == CallState.RINGING and (
            actor.id in row.rings or (not row.rings and row.queue)
        ):
            call = RingingCall(
                row.id,
                row.customer_name,
                _number(uow, actor, row.party_number),
                _masked(row.party_number),
                row.started_at,
            )
            if asked is not None and actor.id in row.rings and row.id not in asked.known:
                caller = _with_caller(uow, actor, _desk_call(uow, actor, row), now)
                call = replace(call, found=caller.found)
            ringing.append(call)
    last_ended = None
    for row in uow.calls.call_rows(CallFilter(agent_id=actor.id), 0, RECENT_CALLS):
        if row.answered_at is not None and row.ended_at is not None:
            last_ended = _desk_call(uow, actor, row)
            break
    return DeskCalls(
        tuple(ringing),
        current,
        last_ended,
        _readiness(uow.calls.agent_state(actor.id, named=False)),
        uow.rules.phone.wrap_up,
    )


def set_readiness(uow: UnitOfWork, actor: Actor, command: SetReadiness, now: datetime) -> None:
    """The agent takes calls again, or not and why: the phone's own agent state."""
    require(actor, Action.SEE_CALLS)
    # the calls' service (and the callbacks' store it needs) is loaded by the first change of
    # state, not by the desk's start: an idle desk reads its calls only (issue 27)
    from deskui.services.calls import SetAgentState, set_agent_state

    if command.readiness == Readiness.READY:
        state = SetAgentState(AgentState.READY)
    else:  # the domain refuses a reason that is none of the not-ready reasons
        state = SetAgentState(AgentState.NOT_READY, str(command.readiness))
    set_agent_state(uow, actor, state, now)


# -- the caller log --------------------------------------------------------------------------


def _log_filter(name: str) -> CallFilter:
    if name == "missed":
        return CallFilter(missed_only=True)
    if name == "not_called_back":
        return CallFilter(not_called_back=True)
    return CallFilter()


def _log_row(uow: UnitOfWork, actor: Actor, row: CallRow, ticket_id: int | None) -> CallLogRow:
    outcome = row.outcome or ("on_call" if row.state == CallState.ANSWERED else "ringing")
    return CallLogRow(
        row.id,
        row.started_at,
        _number(uow, actor, row.party_number),
        row.customer_id,
        row.customer_name,
        row.agent_name,
        call_seconds(row.started_at, row.answered_at or row.ended_at),
        call_seconds(row.answered_at, row.ended_at),
        outcome,
        ticket_id,
        _sees(uow, actor) and row.party_number != ANONYMOUS,
    )


def call_log_count(uow: UnitOfWork, actor: Actor, page: CallLogPage, now: datetime) -> int:
    """How many calls the log's filter holds."""
    require(actor, Action.SEE_CALLS)
    return uow.calls.call_count(_log_filter(page.filter))


def call_log_page(
    uow: UnitOfWork, actor: Actor, page: CallLogPage, now: datetime
) -> list[CallLogRow]:
    """A window of the log, newest first, numbers masked as the role requires."""
    require(actor, Action.SEE_CALLS)
    rows = uow.calls.call_rows(_log_filter(page.filter), page.offset, page.limit)
    tickets = CallTickets(uow).tickets_of(row.id for row in rows)
    return [_log_row(uow, actor, row, tickets.get(row.id)) for row in rows]


# -- the lead's floor ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FloorQuery:
    """The floor as seen in the site's time zone (where "today" starts)."""

    zone: str = SITE_TIMEZONE


DESK_ROLES = frozenset({"agent", "lead", "manager"})
"""Who takes calls, and so stands on the floor (department members do not)."""


def _facts(row: CallRow) -> CallFacts:
    return CallFacts(
        row.id,
        row.started_at,
        row.answered_at,
        row.ended_at,
        _pbx_cause(row.cause),
        row.agent_id,
    )


def _pbx_cause(cause: str | None) -> str | None:
    """The stored cause in the floor's words (`noAnswer`, `cancel`)."""
    return {"no_answer": "noAnswer", "cancel": "cancel"}.get(cause or "", cause)


def read_floor(uow: UnitOfWork, actor: Actor, query: FloorQuery, now: datetime) -> Floor:
    """The floor now: today's calls counted, the service level, the missed calls not called
    back, the calls ringing, and every desk person's state with what it is about."""
    require(actor, Action.SEE_TEAM)
    zone = ZoneInfo(query.zone)
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    today: list[CallRow] = []
    offset = 0
    while True:  # a day's calls, a page at a time (the floor counts every one)
        page = uow.calls.call_rows(CallFilter(since=midnight), offset, FLOOR_PAGE)
        today.extend(page)
        if len(page) < FLOOR_PAGE:
            break
        offset += FLOOR_PAGE
    inbound = [row for row in today if row.direction == "in" and not row.blocked]
    facts = [_facts(row) for row in inbound]
    rules = uow.rules.phone
    live = uow.calls.live_calls()
    ringing = tuple(
        RingingCall(
            row.id,
            row.customer_name,
            _number(uow, actor, row.party_number),
            _masked(row.party_number),
            row.started_at,
        )
        for row in live
        if row.state == CallState.RINGING and row.direction == "in"
    )
    talking = {row.agent_id: row for row in live if row.state == CallState.ANSWERED}
    states = {record.agent_id: record for record in uow.calls.agent_states()}
    reads = FloorReads(uow)
    signed_in = reads.signed_in(now - FRESH)
    began = reads.signed_in_at(now - SHIFT)
    agents: list[FloorAgent] = []
    for agent in uow.agents.agents():
        if agent.role not in DESK_ROLES or agent.team != actor.team:
            continue
        record = states.get(agent.id)
        call = talking.get(agent.id)
        at_desk = agent.id in signed_in
        agents.append(
            _floor_agent(
                uow, actor, (agent.id, agent.name), record, call, at_desk, began.get(agent.id), now
            )
        )
    return Floor(
        now,
        day_calls(facts, now),
        service_level(facts, rules.service_level),
        uow.calls.call_count(CallFilter(not_called_back=True)),
        ringing,
        tuple(agents),
        sum(1 for row in inbound if row.outcome == "missed" and row.party_number == ANONYMOUS),
    )


FLOOR_PAGE = 1000
SHIFT = timedelta(hours=24)
"""How far back the floor looks for an agent's sign-in: a desk signed in longer ago than
this shows its state's own time only."""


def _floor_agent(
    uow: UnitOfWork,
    actor: Actor,
    who: tuple[int, str],
    record: AgentStateRecord | None,
    call: CallRow | None,
    at_desk: bool,
    signed_in: datetime | None,
    now: datetime,
) -> FloorAgent:
    """One agent's state now: on the call they answered (signed in or not: the handset
    rings regardless), in wrap-up after it; else signed out when their desk has not said it
    is there lately; else as they said (no word yet: ready), since they said it or since
    they `signed_in` (within SHIFT), whichever is later: a state said before a sign-out does
    not run on through it."""
    agent_id, name = who
    if call is not None:
        state = AgentNow(FloorState.ON_CALL, call.answered_at)
        return FloorAgent(
            agent_id, name, state, call.customer_name, _number(uow, actor, call.party_number)
        )
    wrap_up = uow.rules.phone.wrap_up
    if record is not None:
        stored, since = current_state(record.state, record.since, now, wrap_up)
        if stored == AgentState.WRAP_UP:
            until = since + wrap_up
            return FloorAgent(
                agent_id, name, AgentNow(FloorState.WRAP_UP, since, wrap_up_until=until)
            )
    if not at_desk:
        return FloorAgent(agent_id, name, AgentNow(FloorState.SIGNED_OUT, None))
    if record is None:
        return FloorAgent(agent_id, name, AgentNow(FloorState.READY, signed_in))
    if signed_in is not None:
        since = max(since, signed_in)
    if stored == AgentState.NOT_READY:
        stated = _readiness(record)
        reason = stated.readiness if stated is not None else Readiness.BUSY
        return FloorAgent(agent_id, name, AgentNow(FloorState.NOT_READY, since, reason=reason))
    return FloorAgent(agent_id, name, AgentNow(FloorState.READY, since))


# -- the ticket a popped call was recorded as ---------------------------------------------------


def tie_call_in(uow: UnitOfWork, actor: Actor, call_pk: int, ticket_id: int, now: datetime) -> None:
    """Inside intake's save: the ticket carries the call the agent answered (a call someone
    else answered, or none, is not tied: the ticket is saved all the same)."""
    tickets = CallTickets(uow)
    if tickets.answered_by(call_pk) == actor.id:
        tickets.tie(call_pk, ticket_id, now)


def ticket_call(uow: UnitOfWork, actor: Actor, ticket_id: int, now: datetime) -> TicketCall | None:
    """The call a ticket was recorded from: its time, wait and talk on the ticket."""
    require(actor, Action.WORK_OWN)
    return CallTickets(uow).call_of(ticket_id)


# -- the period's calls, per day and per agent (the measures) ----------------------------------


@dataclass(frozen=True, slots=True)
class PeriodCalls:
    """The calls of a period of the measures: UTC [start, end), days in the site's zone."""

    start: datetime
    end: datetime
    zone: str = SITE_TIMEZONE


@dataclass(frozen=True, slots=True)
class DayOfCalls:
    day: date
    calls: DayCalls
    level: ServiceLevel


@dataclass(frozen=True, slots=True)
class AgentCalls:
    name: str
    answered: int
    talk_seconds: int


@dataclass(frozen=True, slots=True)
class CallFigures:
    """The period's inbound calls per day and per agent who answered."""

    days: tuple[DayOfCalls, ...]
    agents: tuple[AgentCalls, ...]


def period_calls(uow: UnitOfWork, actor: Actor, query: PeriodCalls, now: datetime) -> CallFigures:
    """Answered and missed calls and the service level per day of the period, and each
    agent's answered calls and talk time (leads and managers)."""
    require(actor, Action.SEE_TEAM)
    zone = ZoneInfo(query.zone)
    rows: list[CallRow] = []
    offset = 0
    while True:
        page = uow.calls.call_rows(
            CallFilter(since=query.start, until=query.end), offset, FLOOR_PAGE
        )
        rows.extend(page)
        if len(page) < FLOOR_PAGE:
            break
        offset += FLOOR_PAGE
    inbound = [row for row in rows if row.direction == "in" and not row.blocked]
    by_day: dict[date, list[CallFacts]] = {}
    talk: dict[str, list[int]] = {}
    for row in inbound:
        by_day.setdefault(row.started_at.astimezone(zone).date(), []).append(_facts(row))
        if row.answered_at is not None and row.agent_name:
            talked = call_seconds(row.answered_at, row.ended_at) or 0
            talk.setdefault(row.agent_name, []).append(talked)
    threshold = uow.rules.phone.service_level
    days = tuple(
        DayOfCalls(day, day_calls(facts, now), service_level(facts, threshold))
        for day, facts in sorted(by_day.items())
    )
    agents = tuple(
        AgentCalls(name, len(seconds), sum(seconds)) for name, seconds in sorted(talk.items())
    )
    return CallFigures(days, agents)
