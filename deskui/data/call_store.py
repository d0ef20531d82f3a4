"""Calls from the phone system, their events, and agents' states (issue 25): the rows the
bridge writes through `deskui.services.calls` and the reads the desks, the caller log and the
lead's floor make of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import BindParameter, Select, Table, bindparam, func, or_, select, update
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.store_base import StoreBase

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calls import (
    ANONYMOUS,
    CallFacts,
    CallOutcome,
    CallState,
    Cause,
    Direction,
)

CALL_EVENT = cast(Table, m.CallEvent.__table__)

# The phone bridge's reads of each batch, built once (a statement built for each batch cost
# more of its time than the database's answer): lists are expanding parameters.
_CALLS_BY_KEY = select(m.Call).where(
    m.Call.source.in_(bindparam("sources", expanding=True)),
    m.Call.call_id.in_(bindparam("call_ids", expanding=True)),
)
_CALLS_BY_KEY_LOCKED = _CALLS_BY_KEY.with_for_update()
_STATES = select(m.AgentStateRow).where(
    m.AgentStateRow.agent_id.in_(bindparam("agents", expanding=True))
)
_MISSED_NUMBERS = (
    select(m.Call.party_number)
    .where(
        m.Call.party_number.in_(bindparam("numbers", expanding=True)),
        m.Call.outcome == CallOutcome.MISSED,
    )
    .distinct()
)


def _customer_of() -> Select[Any]:
    number: BindParameter[str] = bindparam("number")
    company = select(m.Customer.id.label("id")).where(m.Customer.phone_e164 == number)
    contact = select(m.Contact.customer_id.label("id")).where(m.Contact.phone_e164 == number)
    both = company.union_all(contact).subquery()
    return select(func.min(both.c.id))


_CUSTOMER_OF = _customer_of()
"""The customer of the number bound as `number` (the oldest), given its value by
`.params` (cheaper than building the union for each new call)."""
_OPEN_MISSED_CALLBACK = (
    select(m.Call.callback_id)
    .join(m.Callback, m.Callback.id == m.Call.callback_id)
    .where(
        m.Call.party_number == bindparam("number"),
        m.Call.outcome == CallOutcome.MISSED,
        m.Callback.done_at.is_(None),
    )
    .order_by(m.Call.id.desc())
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class CallRow:
    """One call as the caller log, a desk's pop and the floor read it (times UTC)."""

    id: int
    source: str
    call_id: str
    direction: str
    from_number: str
    to_number: str
    party_number: str
    """The caller's side: what a card looks up and a callback calls (masked for a role the
    site says need not see numbers)."""
    queue: str
    state: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    cause: str | None
    answering_extension: str
    agent_id: int | None
    agent_name: str
    rings: tuple[int, ...]
    customer_id: int | None
    customer_name: str
    outcome: str | None
    callback_id: int | None
    blocked: bool

    @property
    def wait(self) -> timedelta | None:
        """First ring to answer (to the end for a call never answered)."""
        until = self.answered_at or self.ended_at
        return until - self.started_at if until is not None else None

    @property
    def duration(self) -> timedelta | None:
        """Answer to hang-up: the talk."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.answered_at


@dataclass(frozen=True, slots=True)
class CallFilter:
    """Which calls a list shows: a period (UTC, half open), missed ones only, missed ones not
    yet called back only, one agent's."""

    since: datetime | None = None
    until: datetime | None = None
    missed_only: bool = False
    not_called_back: bool = False
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class AgentStateRecord:
    agent_id: int
    agent_name: str
    state: str
    reason: str
    since: datetime
    call_id: int | None


def facts_of(call: m.Call) -> CallFacts:
    return CallFacts(
        direction=Direction(call.direction),
        from_number=call.from_number,
        to_number=call.to_number,
        queue=call.queue,
        state=CallState(call.state),
        started_at=call.started_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        cause=Cause(call.cause) if call.cause else None,
        answering_extension=call.answering_extension,
        outcome=CallOutcome(call.outcome) if call.outcome else None,
    )


class CallStore(StoreBase):
    """Calls, call events and agent states; shares the unit of work's session."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow)
        self._states: dict[int, m.AgentStateRow | None] = {}
        """Agent state rows read in this unit of work, held: the session's identity map
        holds an unchanged row weakly, and a second `get` would read it again."""
        self._expected: set[int] = set()
        """Agents a batch of events may touch: the first state read reads them all."""
        self._no_missed: set[str] = set()
        """Numbers known to have no missed call in this unit of work (`expect_numbers`);
        a call becoming missed here takes its number out."""

    def expect_agents(self, agent_ids: Iterable[int]) -> None:
        """The agents whose states a batch may read: read together at the first one asked."""
        self._expected.update(a for a in agent_ids if a not in self._states)

    def _state_row(self, agent_id: int) -> m.AgentStateRow | None:
        if agent_id not in self._states:
            wanted = {agent_id, *self._expected} - self._states.keys()
            self._expected.clear()
            with self.session.no_autoflush:  # rows added in this unit of work are held
                rows = self.session.scalars(_STATES, {"agents": sorted(wanted)})
                found = {row.agent_id: row for row in rows}
            for wanted_id in wanted:
                self._states[wanted_id] = found.get(wanted_id)
        return self._states[agent_id]

    # -- writes (deskui.services.calls only) ---------------------------------------------

    def find_call(self, source: str, call_id: str) -> m.Call | None:
        query = select(m.Call).where(m.Call.source == source, m.Call.call_id == call_id)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def find_calls(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], m.Call]:
        """The stored calls of a batch's events by (source, call id), read in one query and
        locked on PostgreSQL like `find_call`."""
        wanted = set(keys)
        if not wanted:
            return {}
        locked = self.session.get_bind().dialect.name == "postgresql"
        query = _CALLS_BY_KEY_LOCKED if locked else _CALLS_BY_KEY
        sources, call_ids = sorted({s for s, _ in wanted}), sorted({c for _, c in wanted})
        calls = self.session.scalars(query, {"sources": sources, "call_ids": call_ids})
        found = {(c.source, c.call_id): c for c in calls}
        return {key: call for key, call in found.items() if key in wanted}

    def call_by_pk(self, call_pk: int) -> m.Call | None:
        """A call by its row id, locked on PostgreSQL like `find_call` (the bridge may be
        storing its hangup at the same moment)."""
        query = select(m.Call).where(m.Call.id == call_pk)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def new_call(self, source: str, call_id: str, facts: CallFacts, now: datetime) -> m.Call:
        """A call first heard of, added to the session (flushed with the caller's writes)."""
        call = m.Call(source=source, call_id=call_id, rings=[], blocked=False, updated_at=now)
        self.apply(call, facts, now)
        self.session.add(call)
        return call

    def apply(self, call: m.Call, facts: CallFacts, now: datetime) -> None:
        if facts.outcome is CallOutcome.MISSED:
            party = facts.from_number if facts.direction is Direction.IN else facts.to_number
            self._no_missed.discard(party)
        call.direction = facts.direction
        call.from_number = facts.from_number
        call.to_number = facts.to_number
        call.party_number = (
            facts.from_number if facts.direction is Direction.IN else facts.to_number
        )
        call.queue = facts.queue
        call.state = facts.state
        call.started_at = facts.started_at
        call.answered_at = facts.answered_at
        call.ended_at = facts.ended_at
        call.cause = facts.cause
        call.answering_extension = facts.answering_extension
        call.outcome = facts.outcome
        call.updated_at = now

    def add_event(
        self, call_pk: int, kind: str, received_at: datetime, effect: str, raw: dict[str, object]
    ) -> None:
        """Written at the commit with the change feed's rows (append-only, nothing reads it
        back in the transaction)."""
        row = {"call_id": call_pk, "kind": kind, "received_at": received_at, "effect": effect}
        self._uow.add_later(CALL_EVENT, {**row, "raw": raw})

    def agents_at(self, words: Iterable[str]) -> dict[str, int]:
        """Active agents by their extension, or by their name (Zammad's `user[]` carries
        names; a PBX may send extensions): word -> agent id."""
        wanted = [w for w in dict.fromkeys(words) if w]
        if not wanted:
            return {}
        kept = self._uow.agents_by_word
        if kept is not None:
            return {word: kept[word] for word in wanted if word in kept}
        rows = self.session.execute(
            select(m.Agent.id, m.Agent.extension, m.Agent.name).where(
                m.Agent.active.is_(True),
                or_(m.Agent.extension.in_(wanted), m.Agent.name.in_(wanted)),
            )
        )
        found: dict[str, int] = {}
        for agent_id, extension, name in rows:
            for word in (extension, name):
                if word in wanted:
                    found.setdefault(word, agent_id)
        return found

    def agents_by_word(self) -> dict[str, int]:
        """Every active agent by extension and by name (`agents_at` for all of them, which
        the phone bridge keeps between events)."""
        query = (
            select(m.Agent.id, m.Agent.extension, m.Agent.name)
            .where(m.Agent.active.is_(True))
            .order_by(m.Agent.id)
        )
        found: dict[str, int] = {}
        for agent_id, extension, name in self.session.execute(query):
            for word in (extension, name):
                if word:
                    found.setdefault(word, agent_id)
        return found

    def customer_of(self, number: str) -> int | None:
        """The customer whose company phone or contact's phone is `number` (the oldest)."""
        found = self.session.scalar(self._customer_query(number))
        return int(found) if found is not None else None

    @staticmethod
    def _customer_query(number: str) -> Select[Any]:
        return _CUSTOMER_OF.params(number=number)

    def set_customer_of(self, call: m.Call, number: str) -> None:
        """The call's customer found by the INSERT or UPDATE that writes it (a subquery):
        no round trip of its own for each new call."""
        call.customer_id = self._customer_query(number).scalar_subquery()

    def open_missed_callback(self, party_number: str) -> int | None:
        """The missed-call callback still open for this number, if any."""
        found = self.session.scalar(_OPEN_MISSED_CALLBACK, {"number": party_number})
        return int(found) if found is not None else None

    def missed_count(self, callback_id: int) -> int:
        """How many missed calls a missed-call callback collapses (its count)."""
        query = select(func.count()).where(m.Call.callback_id == callback_id)
        return int(self.session.scalar(query) or 0)

    def expect_numbers(self, numbers: Iterable[str]) -> None:
        """A batch's callers' numbers: one query finds which have missed calls, so
        `missed_calls` asks nothing for the others (the usual case)."""
        wanted = set(numbers) - {ANONYMOUS}
        if not wanted:
            return
        found = self.session.scalars(_MISSED_NUMBERS, {"numbers": sorted(wanted)})
        self._no_missed |= wanted - set(found)

    def missed_calls(self, party_number: str) -> list[tuple[int, int | None]]:
        """This number's missed calls not yet called back: (call id, callback id)."""
        if party_number in self._no_missed:
            return []
        query = select(m.Call.id, m.Call.callback_id).where(
            m.Call.party_number == party_number, m.Call.outcome == CallOutcome.MISSED
        )
        return [(int(i), c) for i, c in self.session.execute(query)]

    def mark_called_back(self, ids: Sequence[int], now: datetime) -> None:
        """These missed calls become called back."""
        if not ids:
            return
        self.session.execute(
            update(m.Call)
            .where(m.Call.id.in_(ids))
            .values(outcome=CallOutcome.CALLED_BACK, updated_at=now)
        )
        for call_pk in ids:
            self._changed("call", call_pk, now)

    def mark_called_back_by(self, callback_id: int, now: datetime) -> list[int]:
        """The missed calls counted in this callback become called back (it was done)."""
        ids = list(
            self.session.scalars(
                select(m.Call.id).where(
                    m.Call.callback_id == callback_id, m.Call.outcome == CallOutcome.MISSED
                )
            )
        )
        if ids:
            self.session.execute(
                update(m.Call)
                .where(m.Call.id.in_(ids))
                .values(outcome=CallOutcome.CALLED_BACK, updated_at=now)
            )
            for call_pk in ids:
                self._changed("call", call_pk, now)
        return ids

    def callback_counted(self, callback_id: int, now: datetime) -> None:
        """A missed call counted into an open callback: its desks show the new count."""
        self._changed("callback", callback_id, now)

    def set_agent_state(
        self,
        agent_id: int,
        state: str,
        since: datetime,
        *,
        reason: str = "",
        call_pk: int | None = None,
    ) -> None:
        row = self._state_row(agent_id)
        if row is None:
            row = m.AgentStateRow(agent_id=agent_id)
            self.session.add(row)
            self._states[agent_id] = row
        row.state = state
        row.reason = reason
        row.since = since
        row.call_id = call_pk
        self._changed("agent_state", agent_id, since)

    def agent_call(self, agent_id: int) -> tuple[str, int | None] | None:
        """The agent's stored state and the call it is about (no name: the write path)."""
        row = self._state_row(agent_id)
        return None if row is None else (row.state, row.call_id)

    def agent_state(self, agent_id: int, *, named: bool = True) -> AgentStateRecord | None:
        """The agent's stored state; `named=False`: without their name (a read less, for
        the desk's own read of its calls, which shows no name)."""
        row = self.session.get(m.AgentStateRow, agent_id)
        if row is None:
            return None
        name = ""
        if named:
            name = self.session.scalar(select(m.Agent.name).where(m.Agent.id == agent_id)) or ""
        return AgentStateRecord(agent_id, name, row.state, row.reason, row.since, row.call_id)

    def agent_states(self) -> list[AgentStateRecord]:
        """Every active desk person's stored state (none stored: no row)."""
        query = (
            select(m.AgentStateRow, m.Agent.name)
            .join(m.Agent, m.Agent.id == m.AgentStateRow.agent_id)
            .where(m.Agent.active.is_(True))
            .order_by(m.Agent.id)
        )
        return [
            AgentStateRecord(r.agent_id, name, r.state, r.reason, r.since, r.call_id)
            for r, name in self.session.execute(query)
        ]

    def open_calls(self, states: Sequence[str]) -> list[m.Call]:
        """Calls in one of `states` (ringing, answered), oldest first: the sweep's work."""
        query = select(m.Call).where(m.Call.state.in_(states)).order_by(m.Call.started_at)
        return list(self.session.scalars(query))

    def call_changed(self, call: m.Call, now: datetime) -> None:
        """The change feed rows that say whom the call concerns: ("call", call id) for the
        floor and the caller log; ("call_agent", agent id) for each agent it rings or was
        answered by; ("call_queue", call id) when it rings a queue and no agent by name."""
        agents = dict.fromkeys([*(call.rings or []), *([call.agent_id] if call.agent_id else [])])
        for agent_id in agents:
            self._changed("call_agent", agent_id, now)
        if not agents and call.queue:
            self._changed("call_queue", call.id, now)
        self._changed("call", call.id, now)

    # -- reads -----------------------------------------------------------------------------

    def _rows(self) -> Any:
        agent = aliased(m.Agent)
        return (
            select(m.Call, agent.name, m.Customer.name)
            .outerjoin(agent, agent.id == m.Call.agent_id)
            .outerjoin(m.Customer, m.Customer.id == m.Call.customer_id)
        )

    @staticmethod
    def _filtered(query: Select[Any], where: CallFilter) -> Select[Any]:
        if where.since is not None:
            query = query.where(m.Call.started_at >= where.since)
        if where.until is not None:
            query = query.where(m.Call.started_at < where.until)
        if where.not_called_back:  # a withheld number cannot be called back: never waiting
            query = query.where(
                m.Call.outcome == CallOutcome.MISSED, m.Call.party_number != ANONYMOUS
            )
        elif where.missed_only:
            query = query.where(m.Call.outcome.in_((CallOutcome.MISSED, CallOutcome.CALLED_BACK)))
        if where.agent_id is not None:
            query = query.where(m.Call.agent_id == where.agent_id)
        return query

    def call_count(self, where: CallFilter) -> int:
        query = self._filtered(select(func.count()).select_from(m.Call), where)
        return int(self.session.scalar(query) or 0)

    def call_rows(self, where: CallFilter, offset: int, limit: int) -> list[CallRow]:
        """Newest first, windowed for the virtual list."""
        query = self._filtered(self._rows(), where)
        query = query.order_by(m.Call.started_at.desc(), m.Call.id.desc()).offset(offset)
        return [_row(c, a, n) for c, a, n in self.session.execute(query.limit(limit))]

    def call_row(self, call_pk: int) -> CallRow | None:
        found = self.session.execute(self._rows().where(m.Call.id == call_pk)).first()
        return _row(*found) if found is not None else None

    def live_calls(self) -> list[CallRow]:
        """Calls ringing or being talked now, oldest first (the floor; a desk's pop)."""
        query = self._rows().where(m.Call.state.in_((CallState.RINGING, CallState.ANSWERED)))
        return [
            _row(c, a, n) for c, a, n in self.session.execute(query.order_by(m.Call.started_at))
        ]

    def export_rows(self) -> list[list[Any]]:
        query = self._rows().order_by(m.Call.started_at, m.Call.id)
        rows = []
        for call, agent_name, customer_name in self.session.execute(query):
            row = _row(call, agent_name, customer_name)
            wait, duration = row.wait, row.duration
            rows.append(
                [
                    row.call_id,
                    row.direction,
                    row.from_number,
                    row.to_number,
                    row.queue,
                    row.started_at,
                    row.answered_at,
                    row.ended_at,
                    int(wait.total_seconds()) if wait is not None else None,
                    int(duration.total_seconds()) if duration is not None else None,
                    row.state,
                    row.outcome or "",
                    row.cause or "",
                    row.answering_extension,
                    row.agent_name,
                    row.customer_id,
                    row.customer_name,
                    row.callback_id,
                ]
            )
        return rows


EXPORT_HEADERS = [
    "call_id",
    "direction",
    "from",
    "to",
    "queue",
    "started_at",
    "answered_at",
    "ended_at",
    "wait_seconds",
    "duration_seconds",
    "state",
    "outcome",
    "cause",
    "answering_extension",
    "agent",
    "customer_id",
    "customer",
    "callback_id",
]


def _row(call: m.Call, agent_name: str | None, customer_name: str | None) -> CallRow:
    return CallRow(
        id=call.id,
        source=call.source,
        call_id=call.call_id,
        direction=call.direction,
        from_number=call.from_number,
        to_number=call.to_number,
        party_number=call.party_number,
        queue=call.queue,
        state=call.state,
        started_at=call.started_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        cause=call.cause,
        answering_extension=call.answering_extension,
        agent_id=call.agent_id,
        agent_name=agent_name or "",
        rings=tuple(call.rings or ()),
        customer_id=call.customer_id,
        customer_name=customer_name or "",
        outcome=call.outcome,
        callback_id=call.callback_id,
        blocked=call.blocked,
    )
