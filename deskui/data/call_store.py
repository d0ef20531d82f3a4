"""Calls from the phone system, their events, and agents' states (issue 25): the rows the
bridge writes through `deskui.services.calls` and the reads the desks, the caller log and the
lead's floor make of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    Table,
    bindparam,
    func,
    insert,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as sql_cast
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
CALL = cast(Table, m.Call.__table__)
AGENT_STATE = cast(Table, m.AgentStateRow.__table__)
_MUTABLE = (
    "direction",
    "from_number",
    "to_number",
    "party_number",
    "queue",
    "state",
    "started_at",
    "answered_at",
    "ended_at",
    "cause",
    "answering_extension",
    "agent_id",
    "rings",
    "customer_id",
    "outcome",
    "callback_id",
    "blocked",
    "updated_at",
)
"""A call's columns the write path may change (all but its id and its key)."""
_STATE_COLUMNS = ("state", "reason", "since", "call_id")
_CALLBACK = _MUTABLE.index("callback_id")

# The phone bridge's reads and writes of each batch, built once (a statement built for each
# batch cost more of its time than the database's answer): lists are expanding parameters.
# Core, not the ORM: the bridge's 500 events/s (issue 25) left no time for its unit of work
# (a batch of four spent 2.9 ms of 6.6 ms of CPU in flushes).
_CALLS_BY_KEY = select(CALL).where(
    CALL.c.source.in_(bindparam("sources", expanding=True)),
    CALL.c.call_id.in_(bindparam("call_ids", expanding=True)),
)
_CALLS_BY_KEY_LOCKED = _CALLS_BY_KEY.with_for_update()
_CALL_BY_PK = select(CALL).where(CALL.c.id == bindparam("pk"))
_CALL_BY_PK_LOCKED = _CALL_BY_PK.with_for_update()
_UPDATE_CALLS: dict[tuple[str, ...], Any] = {}
"""An UPDATE of a call's columns by its id, by the columns it sets (`_update_call`)."""


def _update_call(columns: tuple[str, ...]) -> Any:
    """The UPDATE of these columns of a call by its id, built once for each set of columns
    (only what changed is written: a full row would undo another transaction's change of a
    column this one never touched, such as a number erased on request)."""
    if columns not in _UPDATE_CALLS:
        _UPDATE_CALLS[columns] = (
            update(CALL)
            .where(CALL.c.id == bindparam("pk"))
            .values({name: bindparam(f"v_{name}") for name in columns})
        )
    return _UPDATE_CALLS[columns]


_UPDATE_STATE = (
    update(AGENT_STATE)
    .where(AGENT_STATE.c.agent_id == bindparam("pk"))
    .values({name: bindparam(f"v_{name}") for name in _STATE_COLUMNS})
)
_STATE_READ = (
    AGENT_STATE.c.agent_id,
    AGENT_STATE.c.state,
    AGENT_STATE.c.reason,
    AGENT_STATE.c.since,
    AGENT_STATE.c.call_id,
)
_STATES = select(*_STATE_READ, sql_cast(null(), CALL.c.party_number.type).label("number")).where(
    AGENT_STATE.c.agent_id.in_(bindparam("agents", expanding=True))
)
_MISSED_NUMBERS = (
    select(
        *(sql_cast(null(), c.type).label(c.name) for c in _STATE_READ),
        CALL.c.party_number.label("number"),
    )
    .where(
        CALL.c.party_number.in_(bindparam("numbers", expanding=True)),
        CALL.c.outcome == CallOutcome.MISSED,
    )
    .distinct()
)
"""Which of these numbers have missed calls (rows shaped as `_STATES`'s: no agent)."""
_STATES_AND_MISSED: CompoundSelect[Any] = union_all(_STATES, _MISSED_NUMBERS)


def _customer_of() -> Select[Any]:
    number: BindParameter[str] = bindparam("number")
    company = select(m.Customer.id.label("id")).where(m.Customer.phone_e164 == number)
    contact = select(m.Contact.customer_id.label("id")).where(m.Contact.phone_e164 == number)
    both = company.union_all(contact).subquery()
    return select(func.min(both.c.id))


_CUSTOMER_OF = _customer_of()
"""The customer of the number bound as `number` (the oldest), given its value by
`.params` (cheaper than building the union for each new call)."""
_INSERT_CALLS = (
    insert(CALL)
    .values(
        {
            **{name: bindparam(name) for name in ("source", "call_id", *_MUTABLE)},
            # the number's customer, or the one given when no number is (the demo's)
            "customer_id": func.coalesce(_CUSTOMER_OF.scalar_subquery(), bindparam("customer_id")),
        }
    )
    .returning(CALL.c.id, CALL.c.customer_id, sort_by_parameter_order=True)
)
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


class CallRecord:
    """One call row as the write path holds it in a unit of work (`CallStore`): its columns
    by the model's names, changed in place; the store writes what changed, before a read of
    calls that could see it and at the commit. Not the ORM's `m.Call` (see `_update_call`)."""

    __slots__ = ("id", "source", "call_id", *_MUTABLE, "_stored", "_customer_number")

    id: int
    source: str
    call_id: str
    direction: str
    from_number: str
    to_number: str
    party_number: str
    queue: str
    state: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    cause: str | None
    answering_extension: str
    agent_id: int | None
    rings: list[int]
    customer_id: int | None
    outcome: str | None
    callback_id: int | None
    blocked: bool
    updated_at: datetime

    def __init__(self, values: Any) -> None:
        for name in ("id", "source", "call_id", *_MUTABLE):
            setattr(self, name, values[name])
        self.rings = list(values["rings"] or [])
        self._stored: tuple[Any, ...] | None = None
        """The values last read or written (None: not inserted yet)."""
        self._customer_number: str | None = None
        """A new call's number whose customer its INSERT finds (`set_customer_of`)."""

    def values(self) -> tuple[Any, ...]:
        return tuple(
            tuple(self.rings) if name == "rings" else getattr(self, name) for name in _MUTABLE
        )

    def row(self) -> dict[str, Any]:
        """The changeable columns' values to write."""
        return {name: getattr(self, name) for name in _MUTABLE} | {"rings": list(self.rings)}

    def changes(self) -> dict[str, Any]:
        """The columns changed since the row was read or written, with their values."""
        stored = self._stored or ()
        return {
            name: list(self.rings) if name == "rings" else getattr(self, name)
            for name, now, then in zip(_MUTABLE, self.values(), stored, strict=False)
            if now != then
        }

    def stored(self) -> None:
        self._stored = self.values()

    @property
    def stored_callback(self) -> int | None:
        """The callback the stored row counts the call in (None: none, or not stored)."""
        return None if self._stored is None else self._stored[_CALLBACK]

    @property
    def changed(self) -> bool:
        return self._stored is not None and self._stored != self.values()


class _StateRecord:
    """One agent_state row as the write path holds it (`CallStore`)."""

    __slots__ = ("agent_id", *_STATE_COLUMNS, "_stored")

    def __init__(self, agent_id: int, values: Any = None) -> None:
        self.agent_id = agent_id
        self.state: str = values["state"] if values is not None else ""
        self.reason: str = values["reason"] if values is not None else ""
        self.since: datetime | None = values["since"] if values is not None else None
        self.call_id: int | None = values["call_id"] if values is not None else None
        self._stored: tuple[Any, ...] | None = self.values() if values is not None else None

    def values(self) -> tuple[Any, ...]:
        return (self.state, self.reason, self.since, self.call_id)

    def row(self) -> dict[str, Any]:
        return dict(zip(_STATE_COLUMNS, self.values(), strict=True))


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


def facts_of(call: CallRecord) -> CallFacts:
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


def _by_columns(
    calls: list[CallRecord],
) -> dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]]:
    """Changed calls grouped by the columns that changed (one UPDATE for each group)."""
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for call in calls:
        changes = call.changes()
        groups.setdefault(tuple(changes), []).append((call.id, changes))
    return groups


class CallStore(StoreBase):
    """Calls, call events and agent states; shares the unit of work's session."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow)
        self._states: dict[int, _StateRecord | None] = {}
        """Agent state rows read (or added) in this unit of work; None: read, none stored."""
        self._expected: set[int] = set()
        """Agents a batch of events may touch: the first state read reads them all."""
        self._numbers: set[str] = set()
        """Numbers a batch may ask `missed_calls` of: read with the first state read."""
        self._no_missed: set[str] = set()
        """Numbers known to have no missed call in this unit of work (`expect_numbers`);
        a call becoming missed here takes its number out."""
        self._calls: dict[int, CallRecord] = {}
        """The calls read or added in this unit of work, by row id: one record a row, as
        the ORM's identity map would keep (a batch's call may be an orphan ended too)."""
        self._new: list[CallRecord] = []
        """Calls first heard of in this unit of work, not yet inserted."""
        self._connection: Any = None
        """The transaction's connection (`_core`), forgotten at the commit."""
        uow.before_commit(partial(self.write_pending, at_commit=True))

    def expect_agents(self, agent_ids: Iterable[int]) -> None:
        """The agents whose states a batch may read: read together at the first one asked."""
        self._expected.update(a for a in agent_ids if a not in self._states)

    def _state_row(self, agent_id: int) -> _StateRecord | None:
        if agent_id not in self._states:
            self._read_ahead({agent_id})
        return self._states[agent_id]

    def _read_ahead(self, agents: set[int]) -> None:
        """The states of `agents` and of those expected, and which expected numbers have
        missed calls, in one statement (a batch's reads after its calls': one round trip)."""
        wanted = (agents | self._expected) - self._states.keys()
        numbers, self._numbers = self._numbers, set()
        self._expected.clear()
        if wanted and numbers:
            rows = self._core.execute(
                _STATES_AND_MISSED, {"agents": sorted(wanted), "numbers": sorted(numbers)}
            ).mappings()
        elif wanted:
            rows = self._core.execute(_STATES, {"agents": sorted(wanted)}).mappings()
        elif numbers:
            rows = self._core.execute(_MISSED_NUMBERS, {"numbers": sorted(numbers)}).mappings()
        else:
            return
        found: dict[int, _StateRecord] = {}
        missed: set[str] = set()
        for row in rows:
            if row["agent_id"] is None:
                missed.add(row["number"])
            else:
                found[row["agent_id"]] = _StateRecord(row["agent_id"], row)
        for wanted_id in wanted:
            self._states[wanted_id] = found.get(wanted_id)
        # a call of this transaction missed and not written yet: its number has one too
        held = {
            c.party_number
            for c in (*self._new, *self._calls.values())
            if c.outcome == CallOutcome.MISSED
        }
        self._no_missed |= numbers - missed - held

    def _held(self, rows: Iterable[Any]) -> list[CallRecord]:
        """Records of call rows read: the one already held for a row, else a new one."""
        records = []
        for row in rows:
            record = self._calls.get(row["id"])
            if record is None:
                record = self._calls[row["id"]] = CallRecord(row)
                record.stored()
            records.append(record)
        return records

    def _write_if(self, concerns: Callable[[CallRecord], bool]) -> None:
        """Write what is pending when a call it concerns is new or changed: a read of those
        calls must see this transaction's own (the ORM's autoflush, for these rows only)."""
        if any(concerns(c) for c in self._new) or any(
            c.changed and concerns(c) for c in self._calls.values()
        ):
            self.write_pending()

    @property
    def _core(self) -> Any:
        """The transaction's connection: the write path's statements are Core's, and go
        without the session's autoflush (nothing of the ORM's is in the rows they read).
        Asked of the session once a transaction (each asking costs a tenth of a ms)."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def _locked(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    # -- writes (deskui.services.calls only) ---------------------------------------------

    def find_call(self, source: str, call_id: str) -> CallRecord | None:
        found = self.find_calls([(source, call_id)])
        return found.get((source, call_id))

    def find_calls(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], CallRecord]:
        """The stored calls of a batch's events by (source, call id), read in one query and
        locked on PostgreSQL (the sweep or a desk may be ending the same call)."""
        wanted = set(keys)
        if not wanted:
            return {}
        query = _CALLS_BY_KEY_LOCKED if self._locked() else _CALLS_BY_KEY
        sources, call_ids = sorted({s for s, _ in wanted}), sorted({c for _, c in wanted})
        rows = self._core.execute(query, {"sources": sources, "call_ids": call_ids})
        found = {(c.source, c.call_id): c for c in self._held(rows.mappings())}
        return {key: call for key, call in found.items() if key in wanted}

    def call_by_pk(self, call_pk: int) -> CallRecord | None:
        """A call by its row id, locked on PostgreSQL like `find_call` (the bridge may be
        storing its hangup at the same moment)."""
        if call_pk in self._calls:
            return self._calls[call_pk]
        query = _CALL_BY_PK_LOCKED if self._locked() else _CALL_BY_PK
        held = self._held(self._core.execute(query, {"pk": call_pk}).mappings())
        return held[0] if held else None

    def new_call(self, source: str, call_id: str, facts: CallFacts, now: datetime) -> CallRecord:
        """A call first heard of: inserted by `insert_new` (its id is 0 until then)."""
        values = dict.fromkeys(("id", "source", "call_id", *_MUTABLE))
        values.update(
            id=0,
            source=source,
            call_id=call_id,
            rings=[],
            blocked=False,
            queue="",
            answering_extension="",
            updated_at=now,
        )
        call = CallRecord(values)
        self.apply(call, facts, now)
        self._new.append(call)
        return call

    def insert_new(self) -> None:
        """The calls added since the last insert written in one statement, each row finding
        its customer by a subquery (no read of its own), with their ids and customers back."""
        new, self._new = self._new, []
        if not new:
            return
        rows = [
            {**c.row(), "source": c.source, "call_id": c.call_id, "number": c._customer_number}
            for c in new
        ]
        found = self._core.execute(_INSERT_CALLS, rows).all()
        for call, (call_pk, customer_id) in zip(new, found, strict=True):
            call.id = call_pk
            if call._customer_number is not None:
                call.customer_id = customer_id
            call._customer_number = None
            call.stored()
            self._calls[call.id] = call

    def write_pending(self, *, at_commit: bool = False) -> None:
        """What changed in the calls and agent states held, written: before a read of calls
        that could see it, and at the commit (`UnitOfWork.before_commit`), where on
        PostgreSQL it joins the commit's one statement with the change feed
        (`UnitOfWork.add_later_write`: one round trip for a batch's writes)."""
        self.insert_new()
        changed = [c for c in self._calls.values() if c.changed]
        states = [s for s in self._states.values() if s is not None]
        added = [s for s in states if s._stored is None]
        altered = [s for s in states if s._stored is not None and s._stored != s.values()]
        if at_commit and self._uow.writes_later:
            self._later_writes(changed, [*added, *altered])
        else:
            self._write_now(changed, added, altered)
        for call in changed:
            call.stored()
        for state in (*added, *altered):
            state._stored = state.values()
        if at_commit:
            self._connection = None  # the next transaction's is the session's next

    def _later_writes(self, changed: list[CallRecord], states: list[_StateRecord]) -> None:
        from deskui.data.later_rows import LaterWrite

        for columns, group in _by_columns(changed).items():
            keyed = [{"id": pk, **row} for pk, row in group]
            self._uow.add_later_write(LaterWrite(CALL, ("id",), columns, keyed))
        if states:
            rows = [{"agent_id": s.agent_id, **s.row()} for s in states]
            self._uow.add_later_write(
                LaterWrite(AGENT_STATE, ("agent_id",), _STATE_COLUMNS, rows, upsert=True)
            )

    def _write_now(
        self, changed: list[CallRecord], added: list[_StateRecord], altered: list[_StateRecord]
    ) -> None:
        for columns, group in _by_columns(changed).items():
            params = [{"pk": pk, **{f"v_{k}": v for k, v in row.items()}} for pk, row in group]
            self._core.execute(_update_call(columns), params)
        if added:
            rows = [{"agent_id": s.agent_id, **s.row()} for s in added]
            self._core.execute(insert(AGENT_STATE), rows)
        if altered:
            rows = [
                {"pk": s.agent_id, **{f"v_{k}": v for k, v in s.row().items()}} for s in altered
            ]
            self._core.execute(_UPDATE_STATE, rows)

    def apply(self, call: CallRecord, facts: CallFacts, now: datetime) -> None:
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

    def set_customer_of(self, call: CallRecord, number: str) -> None:
        """The new call's customer found by the INSERT that writes it (a subquery): no
        round trip of its own for each new call."""
        call._customer_number = number

    def open_missed_callback(self, party_number: str) -> int | None:
        """The missed-call callback still open for this number, if any."""
        self._write_if(  # only a call counted in a callback can be found (or stop being)
            lambda call: (
                call.party_number == party_number
                and (call.callback_id is not None or call.stored_callback is not None)
            )
        )
        found = self.session.scalar(_OPEN_MISSED_CALLBACK, {"number": party_number})
        return int(found) if found is not None else None

    def missed_count(self, callback_id: int) -> int:
        """How many missed calls a missed-call callback collapses (its count)."""
        query = select(func.count()).where(m.Call.callback_id == callback_id)
        stored = int(self._core.execute(query).scalar() or 0)  # as written: those held next
        counted = [*self._new, *self._calls.values()]  # not yet inserted, and read or inserted
        moved_in = sum(
            1 for c in counted if c.callback_id == callback_id and c.stored_callback != callback_id
        )
        moved_out = sum(
            1 for c in counted if c.stored_callback == callback_id and c.callback_id != callback_id
        )
        return stored + moved_in - moved_out

    def expect_numbers(self, numbers: Iterable[str]) -> None:
        """A batch's callers' numbers: the batch's first state read finds which have missed
        calls, so `missed_calls` asks nothing for the others (the usual case)."""
        self._numbers |= set(numbers) - {ANONYMOUS} - self._no_missed

    def missed_calls(self, party_number: str) -> list[tuple[int, int | None]]:
        """This number's missed calls not yet called back: (call id, callback id)."""
        if party_number in self._numbers:
            self._read_ahead(set())
        if party_number in self._no_missed:
            return []
        self._write_if(lambda call: call.party_number == party_number)
        query = select(m.Call.id, m.Call.callback_id).where(
            m.Call.party_number == party_number, m.Call.outcome == CallOutcome.MISSED
        )
        return [(int(i), c) for i, c in self.session.execute(query)]

    def mark_called_back(self, ids: Sequence[int], now: datetime) -> None:
        """These missed calls become called back."""
        if not ids:
            return
        self._write_if(lambda call: call.id in ids)
        self._called_back(ids, now)
        self.session.execute(
            update(CALL)
            .where(CALL.c.id.in_(ids))
            .values(outcome=CallOutcome.CALLED_BACK, updated_at=now)
        )
        for call_pk in ids:
            self._changed("call", call_pk, now)

    def mark_called_back_by(self, callback_id: int, now: datetime) -> list[int]:
        """The missed calls counted in this callback become called back (it was done)."""
        self.write_pending()
        ids = list(
            self.session.scalars(
                select(m.Call.id).where(
                    m.Call.callback_id == callback_id, m.Call.outcome == CallOutcome.MISSED
                )
            )
        )
        if ids:
            self._called_back(ids, now)
            self.session.execute(
                update(CALL)
                .where(CALL.c.id.in_(ids))
                .values(outcome=CallOutcome.CALLED_BACK, updated_at=now)
            )
            for call_pk in ids:
                self._changed("call", call_pk, now)
        return ids

    def _called_back(self, ids: Iterable[int], now: datetime) -> None:
        """The records held of calls an UPDATE makes called back say so too."""
        for call_pk in ids:
            call = self._calls.get(call_pk)
            if call is not None:
                call.outcome, call.updated_at = CallOutcome.CALLED_BACK, now
                call.stored()

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
            row = self._states[agent_id] = _StateRecord(agent_id)
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

    def open_calls(self, states: Sequence[str]) -> list[CallRecord]:
        """Calls in one of `states` (ringing, answered), oldest first: the sweep's work."""
        self.write_pending()
        query = select(CALL).where(CALL.c.state.in_(states)).order_by(CALL.c.started_at)
        return self._held(self.session.execute(query).mappings())

    def call_changed(self, call: CallRecord, now: datetime) -> None:
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
