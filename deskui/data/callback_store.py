"""Callbacks (回访): the queue, scripts' outcomes, visit requests (seed 000:2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Row, Select, Table, bindparam, distinct, exists, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key

from deskui.data import models as m
from deskui.data.deadline_store import open_deadlines
from deskui.data.history import HistoryEntry, Value, entry_changes, newest_first, plain
from deskui.data.missing import MissingRecord
from deskui.data.store_base import StoreBase
from deskui.data.version_check import claim_version, conflict_of
from deskui.domain.callback_life import CallbackMove, CallbackState, moved_to
from deskui.domain.callbacks import (
    BookingDoubt,
    CallbackRules,
    CallingHours,
    Confirmation,
    CoverageShare,
    OccasionFacts,
    OpenCallback,
    Placement,
    Promotion,
    callback_due_at,
    calling_hours_for,
    confirmation_state,
    may_start_script,
    needs_follow_up,
    outcome_of,
    period_bounds,
    place_call,
    plan_occasions,
    plan_routine,
    to_share,
    week_bounds,
)
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import (
    CallbackOutcome,
    CallbackPurpose,
    CallbackStatus,
    Category,
    Channel,
    DeadlineKind,
    Role,
    Severity,
    SubjectType,
    TicketKind,
)
from deskui.domain.refusal import Refusal

if TYPE_CHECKING:
    from deskui.domain.calendar import BusinessCalendar

OPEN = (CallbackStatus.PENDING, CallbackStatus.BOOKED)


def number_named(number: str) -> str:
    """A callback with no customer is named by its number, written as the desk writes one
    (`138 1234 5678`)."""
    if not number:
        return ""
    from deskui.domain.phone import format_display

    return format_display(number) if number.startswith("+") else number


MISSED_CALL = "missed_call"
"""The purpose of a missed call's callback (未接来电回拨, issue 25): not one of the seed's
purposes a site picks for confirmation, so it is no CallbackPurpose member."""


class CallbackError(Refusal, ValueError):
    """A callback action that cannot be done; `key` is the catalog key saying why, `values`
    what it names; `problems` every field's problem where a form's checks found several."""

    def __init__(
        self,
        key: str,
        values: Sequence[tuple[str, object]] = (),
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        super().__init__(key)
        self.key = key
        self.values: dict[str, object] = dict(values)
        self.problems = tuple(problems)


class BookingRefused(CallbackError):
    """A booked time the customer may not be called at (rest time, a holiday, outside the
    calling hours): `placement` holds the next allowed slot and why, for the form to offer."""

    def __init__(self, placement: Placement) -> None:
        super().__init__("callbacks.error.out_of_hours")
        self.placement = placement


class BookingDoubted(CallbackError):
    """A booked time kept only once the agent has seen why it is doubtful (issue 26): far
    out, or in a year the calendar does not know; `doubts` says which, `at` the time."""

    def __init__(self, doubts: tuple[BookingDoubt, ...], at: datetime) -> None:
        super().__init__("callbacks.error.booking_doubt")
        self.doubts = doubts
        self.at = at


@dataclass(frozen=True, slots=True)
class CallbackScope:
    """Which callbacks a queue shows: one agent's, the shared queue, or everyone's (a lead)."""

    agent_id: int | None = None
    shared: bool = False


@dataclass(frozen=True, slots=True)
class CallbackRow:
    """One open callback as a queue row."""

    callback_id: int
    customer_id: int | None
    """None: a missed call's callback for a number no customer has (its name is the number)."""
    customer_name: str
    contact_name: str
    agent_id: int | None
    agent_name: str
    purpose: str
    way: str
    status: str
    shared: bool
    due_at: datetime
    starts_at: datetime
    booked_at: datetime | None
    moved_reason: str
    paused_at: datetime | None = None
    confirmation: str = Confirmation.NOT_NEEDED
    """Where the sales head's confirmation stands (seed 000:2.5.2.1): the queue marks it."""
    occasion: str = ""
    """A special occasion's `Callback.occasion`, a promotion's with its name added."""
    version: int = 0
    """The version the row was read at: a lead's reassigning carries it (issue 16)."""
    number: str = ""
    """The number to call back when there is no customer (the name shows it)."""


def _to_dial(contact: m.Contact | None, customer: m.Customer | None, number: str) -> str:
    """The callback's number to dial: its contact's phone, else the company's, else the
    number of a caller who is no customer."""
    for record in (contact, customer):
        if record is not None and record.phone_e164:
            extension = record.phone_extension
            return f"{record.phone_e164}转{extension}" if extension else record.phone_e164
    return number


@dataclass(frozen=True, slots=True)
class CallbackDetail:
    """What the call screen needs: the customer, the contact, the purpose and what is known."""

    callback_id: int
    customer_id: int | None
    """None: a missed call's callback for a number no customer has (its name is the number)."""
    customer_name: str
    unit_number: str
    contact_id: int | None
    contact_name: str
    contact_gender: str
    convenient_time: str
    agent_id: int | None
    agent_name: str
    purpose: str
    way: str
    status: str
    shared: bool
    due_at: datetime
    booked_at: datetime | None
    moved_reason: str
    answers: dict[str, object] = field(default_factory=dict)
    notes: str = ""
    confirmation: str = Confirmation.NOT_NEEDED
    sales_head: str = ""
    """The sales head last asked about this callback, else about this customer."""
    sales_note: str = ""
    occasion: str = ""
    """As on CallbackRow: which holiday, birthday, anniversary or promotion."""
    version: int = 0
    """The version the call screen loaded: each of its saves carries it (issue 16)."""
    number: str = ""
    """The number to call back when there is no customer (the name shows it)."""
    phone: str = ""
    """The number to dial: the contact's, else the company's, else the caller's who is no
    customer (as stored: E.164 with its extension)."""

    @property
    def may_start(self) -> bool:
        """The script starts only when no confirmation is needed or it was given."""
        return may_start_script(Confirmation(self.confirmation))


@dataclass(frozen=True, slots=True)
class PromotionRow:
    id: int
    name: str
    starts_on: date
    ends_on: date
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CallbackResult:
    outcome: str | None
    follow_up_ticket_id: int | None


@dataclass(frozen=True, slots=True)
class CoverageRow:
    customer_id: int
    customer_name: str
    assigned_agent: str


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    customer_id: int
    customer_name: str
    requested_by: str
    reason: str
    frequency: str
    first_date: date
    end_date: date
    status: str
    decided_by: str
    decision_note: str
    feedback: str
    created_at: datetime
    confirmation_form: str = ""
    """回访确认表内容: what the customer confirms on the visit (seed 000:2.5.4)."""
    feedback_frequency: str = ""
    """信息反馈的频率: how often the visit's information is reported back."""
    feedback_times: str = ""
    """信息反馈的时间: when it is reported back."""


VISIT_EXPORT_HEADERS = (
    "id", "customer", "requested_by", "requested_at", "reason", "frequency",
    "confirmation_form", "first_date", "end_date", "feedback_frequency", "feedback_times",
    "status", "decided_by", "decided_at", "decision_note", "feedback", "feedback_at",
    "callback_id",
)  # fmt: skip
"""The visit requests' export: every statement of the letter (seed 000:2.5.4) and its fate."""


class CallbackStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- creating and placing -------------------------------------------------------------

    def add_callback(
        self,
        customer_id: int | None,
        purpose: CallbackPurpose | str,
        event_at: datetime,
        now: datetime,
        calendar: BusinessCalendar,
        *,
        agent_id: int | None = None,
        contact_id: int | None = None,
        way: str = "phone",
        shared: bool = False,
        rules: CallbackRules | None = None,
        due_at: datetime | None = None,
        occasion: str = "",
        ticket_id: int | None = None,
        number: str = "",
    ) -> int:
        """A callback due within its window, moved out of the customer's rest time; with no
        customer (a missed call from a number no customer has: `number`), out of the site's."""
        rules = rules or self.rules.callbacks
        if agent_id is None and customer_id is not None:
            (agent_id,) = self.columns_of(m.Customer, customer_id, "assigned_agent_id")
        wanted = due_at or callback_due_at(purpose, event_at, rules)
        placement = self._place(customer_id, contact_id, wanted, calendar, rules)
        callback = m.Callback(
            customer_id=customer_id,
            number=number,
            contact_id=contact_id,
            ticket_id=ticket_id,
            agent_id=agent_id,
            purpose=str(purpose),
            way=way,
            status=CallbackStatus.PENDING,
            shared=shared,
            due_at=placement.at,
            moved_from=wanted if placement.moved else None,
            moved_reason=placement_code(placement),
            occasion=occasion,
            answers={},
            created_at=now,
        )
        self.session.add(callback)
        self.session.flush()
        team = self._team(agent_id)
        self.add_deadline(
            DeadlineKind.CALLBACK,
            SubjectType.CALLBACK,
            callback.id,
            None if shared else agent_id,
            now,
            placement.at,
            label=str(purpose),
            customer_id=customer_id,
            team=team,
        )
        self.callback_event(callback.id, None, now, "created", {"purpose": str(purpose)})
        if placement.moved:
            self.callback_event(
                callback.id,
                None,
                now,
                "moved",
                {
                    "from": wanted.isoformat(),
                    "to": placement.at.isoformat(),
                    "why": callback.moved_reason,
                },
            )
        self._changed("callback", callback.id, now)
        return callback.id

    def _place(
        self,
        customer_id: int | None,
        contact_id: int | None,
        wanted: datetime,
        calendar: BusinessCalendar,
        rules: CallbackRules,
    ) -> Placement:
        hours = calling_hours_for(self._convenient(customer_id, contact_id), rules)
        return place_call(wanted, hours, calendar, rules.rest_hours)

    def _convenient(self, customer_id: int | None, contact_id: int | None) -> list[str]:
        """The contacts' convenient hours (none without a customer: the site's apply)."""
        if customer_id is None:
            return []
        query = select(m.Contact.convenient_time).where(m.Contact.customer_id == customer_id)
        if contact_id is not None:
            query = query.where(m.Contact.id == contact_id)
        return list(self.session.scalars(query.order_by(m.Contact.id)))

    def calling_hours(self, callback_id: int) -> CallingHours:
        """When the callback's customer may be called (seed 000:2.5.2.1): its contact's (else
        the first contact's) convenient hours, else the site's, the rest time cut out; the
        service checks a booked time against them (`callbacks.check_booking`)."""
        callback = self.session.get_one(m.Callback, callback_id)
        convenient = self._convenient(callback.customer_id, callback.contact_id)
        return calling_hours_for(convenient, self.rules.callbacks)

    def _team(self, agent_id: int | None) -> str:
        if agent_id is None:
            return "default"
        (team,) = self.columns_of(m.Agent, agent_id, "team")
        return cast(str, team)

    def callback_event(
        self,
        callback_id: int,
        agent_id: int | None,
        now: datetime,
        action: str,
        detail: dict[str, Any],
        *,
        at_commit: bool = False,
    ) -> None:
        """One event of the callback's history. `at_commit`: the last write of a save, written
        at the commit with the change feed (`UnitOfWork.add_later`; on PostgreSQL in the
        commit's one statement), not flushed by the ORM; the history's reads write it first
        (`_events_written`)."""
        if at_commit:
            row = {"callback_id": callback_id, "agent_id": agent_id, "at": now, "action": action}
            self._uow.add_later(_events_table(), {**row, "detail": detail})
            return
        self.session.add(
            m.CallbackEvent(
                callback_id=callback_id, agent_id=agent_id, at=now, action=action, detail=detail
            )
        )

    def _events_written(self) -> None:
        """Events held for the commit are written before a read of the history sees them."""
        self._uow.write_pending(_events_table())

    def _write_checked(
        self,
        callback_id: int,
        expected: int | None,
        values: dict[str, Any],
        *returning: str,
    ) -> Row[Any]:
        """The form's version check and its save as one UPDATE ... RETURNING (issue 27: a
        read, a flush of who saved and a flush of the save were three statements): the row
        is written only at the version the form loaded (`expected`; None: no form stands
        behind the write), the version moves on, and the row holds its lock until the
        commit. Another desk's save since is a `Conflict`, a callback gone `MissingRecord`;
        nothing is written then. A callback this session holds is written first and read
        again when next used."""
        held = self.session.identity_map.get(identity_key(m.Callback, callback_id))
        if held is not None:
            loaded = held.version
            self.session.flush()  # its own changes first, under their own check
            if expected == loaded:  # they moved the version the form loaded on: still its
                expected = held.version
        query = _checked_write(tuple(values), expected is not None, returning)
        row = self.session.execute(
            query,
            {
                **{f"v_{name}": value for name, value in values.items()},
                "callback_id": callback_id,
                **({} if expected is None else {"expected": expected}),
            },
        ).first()
        if held is not None:
            self.session.expire(held)
        if row is None:
            fresh = self.session.get_one(m.Callback, callback_id)  # MissingRecord when gone
            raise conflict_of(self.session, fresh, "callback", callback_theirs)
        return row

    def _move_deadline(
        self, callback_id: int, due_at: datetime, now: datetime, note: str = ""
    ) -> None:
        for deadline in self.session.scalars(open_deadlines(SubjectType.CALLBACK, callback_id)):
            deadline.due_at = due_at
            deadline.note = note
            self._changed("deadline", deadline.id, now)

    # -- the queue (DESIGN.md 2: windowed, by due time) -------------------------------------

    def _queue(self, scope: CallbackScope) -> Select[Any]:
        query = select(m.Callback).where(m.Callback.done_at.is_(None), m.Callback.status.in_(OPEN))
        if scope.shared:
            query = query.where(m.Callback.shared.is_(True))
        elif scope.agent_id is not None:
            query = query.where(m.Callback.agent_id == scope.agent_id, m.Callback.shared.is_(False))
        return query

    def callback_count(self, scope: CallbackScope) -> int:
        query = self._queue(scope).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def callback_rows(
        self, scope: CallbackScope, offset: int, limit: int, rules: CallbackRules | None = None
    ) -> list[CallbackRow]:
        rules = rules or self.rules.callbacks
        contact = aliased(m.Contact)
        query = (
            self._queue(scope)
            .add_columns(
                m.Customer.name, contact.name, m.Agent.name, m.Customer.needs_sales_confirmation
            )
            .outerjoin(m.Customer, m.Customer.id == m.Callback.customer_id)
            .outerjoin(contact, contact.id == m.Callback.contact_id)
            .outerjoin(m.Agent, m.Agent.id == m.Callback.agent_id)
            .order_by(m.Callback.due_at, m.Callback.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            CallbackRow(
                callback_id=c.id,
                customer_id=c.customer_id,
                customer_name=customer_name or number_named(c.number),
                contact_name=contact_name or "",
                agent_id=c.agent_id,
                agent_name=agent_name or "",
                purpose=c.purpose,
                way=c.way,
                status=c.status,
                shared=c.shared,
                due_at=c.due_at,
                starts_at=c.created_at,
                booked_at=c.booked_at,
                moved_reason=c.moved_reason,
                confirmation=confirmation_state(bool(flag), c.purpose, c.sales_confirmed, rules),
                occasion=self._occasion_named(c.occasion),
                version=c.version,
                number=c.number,
            )
            for c, customer_name, contact_name, agent_name, flag in self.session.execute(query)
        ]

    def _occasion_named(self, occasion: str) -> str:
        """`promotion:7` becomes `promotion:7:<name>`, so lists and the script can name it."""
        kind, _, ref = occasion.partition(":")
        if kind != "promotion" or not ref.isdigit():
            return occasion
        name = self.session.scalar(select(m.Promotion.name).where(m.Promotion.id == int(ref)))
        return f"{occasion}:{name}" if name else occasion

    def unseen_due_count(self, agent_id: int, until: datetime) -> int:
        """The agent's callbacks due by `until` that nobody has opened yet: the queue's
        header stands out while there are any."""
        opened = exists().where(
            m.CallbackEvent.callback_id == m.Callback.id, m.CallbackEvent.action == "opened"
        )
        query = (
            self._queue(CallbackScope())
            .where(
                or_(m.Callback.agent_id == agent_id, m.Callback.shared.is_(True)),
                m.Callback.due_at <= until,
                ~opened,
            )
            .with_only_columns(func.count())
        )
        return int(self.session.scalar(query) or 0)

    def callback_state(self, callback_id: int) -> tuple[str, bool] | None:
        """A callback's purpose and whether it is still open (None: no such callback)."""
        row = self.session.execute(
            select(m.Callback.purpose, m.Callback.status, m.Callback.done_at).where(
                m.Callback.id == callback_id
            )
        ).one_or_none()
        if row is None:
            return None
        purpose, status, done_at = row
        return str(purpose), done_at is None and status in OPEN

    def callback_detail(
        self, callback_id: int, rules: CallbackRules | None = None
    ) -> CallbackDetail:
        rules = rules or self.rules.callbacks
        c = self.session.get_one(m.Callback, callback_id)
        customer = self.session.get(m.Customer, c.customer_id) if c.customer_id else None
        contact = self.session.get(m.Contact, c.contact_id) if c.contact_id else None
        if contact is None and customer is not None and customer.contacts:
            contact = customer.contacts[0]
        agent = self.session.get(m.Agent, c.agent_id) if c.agent_id else None
        return CallbackDetail(
            callback_id=c.id,
            customer_id=customer.id if customer else None,
            customer_name=customer.name if customer else number_named(c.number),
            unit_number=customer.unit_number if customer else "",
            contact_id=contact.id if contact else None,
            contact_name=contact.name if contact else "",
            contact_gender=contact.gender if contact else "unknown",
            convenient_time=contact.convenient_time if contact else "",
            agent_id=c.agent_id,
            agent_name=agent.name if agent else "",
            purpose=c.purpose,
            way=c.way,
            status=c.status,
            shared=c.shared,
            due_at=c.due_at,
            booked_at=c.booked_at,
            moved_reason=c.moved_reason,
            answers=dict(c.answers or {}),
            notes=c.notes,
            confirmation=confirmation_state(
                bool(customer and customer.needs_sales_confirmation),
                c.purpose,
                c.sales_confirmed,
                rules,
            ),
            sales_head=c.sales_head or (self._last_sales_head(customer.id) if customer else ""),
            sales_note=c.sales_note,
            occasion=self._occasion_named(c.occasion),
            version=c.version,
            number=c.number,
            phone=_to_dial(contact, customer, c.number),
        )

    def _last_sales_head(self, customer_id: int) -> str:
        """Whom the desk asked last time about this customer: the form starts with it."""
        query = (
            select(m.Callback.sales_head)
            .where(m.Callback.customer_id == customer_id, m.Callback.sales_head != "")
            .order_by(m.Callback.sales_confirmed_at.desc(), m.Callback.id.desc())
            .limit(1)
        )
        return self.session.scalar(query) or ""

    # -- confirmation with the sales head before calling (seed 000:2.5.2.1) ---------------------

    def record_sales_confirmation(
        self,
        callback_id: int,
        agent_id: int,
        now: datetime,
        *,
        sales_head: str,
        confirmed: bool,
        note: str = "",
        postpone_to: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """The sales head's answer, with who asked and when (an event and the callback's own
        columns, both exported). A "no" needs its reason and may postpone the callback (the
        service asks domain/callback_life whether the answer and the callback may be saved).
        `expected_version`: the version the form loaded (`Conflict` when another desk saved
        since); None for a write no form stands behind."""
        head = sales_head.strip()
        callback = self._saving(callback_id, expected_version, agent_id, now)
        callback.sales_head = head
        callback.sales_confirmed = confirmed
        callback.sales_confirmed_at = now
        callback.sales_confirmed_by_id = agent_id
        callback.sales_note = note.strip()
        self.callback_event(
            callback_id,
            agent_id,
            now,
            "sales_confirmed" if confirmed else "sales_declined",
            {"sales_head": head, "confirmed": confirmed, "note": note.strip()},
        )
        if postpone_to is not None:
            previous = callback.due_at
            callback.due_at = postpone_to
            callback.moved_from = previous
            callback.moved_reason = "sales_declined"
            self._move_deadline(callback_id, postpone_to, now, "sales_declined")
            self.callback_event(
                callback_id,
                agent_id,
                now,
                "postponed",
                {"from": previous.isoformat(), "to": postpone_to.isoformat(), "why": note.strip()},
            )
        self._changed("callback", callback_id, now)

    # -- "due callbacks make the queue's header stand out until the agent opens the list" ------

    def mark_callbacks_seen(self, agent_id: int, now: datetime) -> None:
        """The agent opened the queue: what has fallen due so far counts as seen."""
        self.session.merge(m.CallbackSeen(agent_id=agent_id, seen_at=now))

    def callbacks_seen_at(self, agent_id: int) -> datetime | None:
        row = self.session.get(m.CallbackSeen, agent_id)
        return row.seen_at if row else None

    def newly_due_count(self, agent_id: int, now: datetime) -> int:
        """The agent's own open callbacks (also those moved to the shared queue) that fell
        due since they last opened the queue (`newly_due` in the domain, as one count)."""
        seen_at = self.callbacks_seen_at(agent_id)
        query = self._queue(CallbackScope()).where(
            m.Callback.agent_id == agent_id, m.Callback.due_at <= now
        )
        if seen_at is not None:
            query = query.where(m.Callback.due_at > seen_at)
        return int(self.session.scalar(query.with_only_columns(func.count())) or 0)

    def mark_callback_opened(self, callback_id: int, agent_id: int, now: datetime) -> None:
        self.callback_event(callback_id, agent_id, now, "opened", {})

    # -- the call's outcomes ------------------------------------------------------------------

    def book_callback(
        self,
        callback_id: int,
        agent_id: int,
        booked_at: datetime,
        now: datetime,
        answers: dict[str, object] | None = None,
        notes: str = "",
        expected_version: int | None = None,
    ) -> None:
        """The customer is busy and gave a time: the callback and its countdown move there.
        Whether it may be booked (open, a time ahead, inside the customer's calling hours) is
        the service's to ask of domain/callback_life and `callbacks.check_booking`."""
        callback = self._saving(callback_id, expected_version, agent_id, now)
        previous = callback.due_at
        callback.status = moved_to(CallbackMove.BOOKED).status
        callback.booked_at = booked_at
        callback.due_at = booked_at
        callback.moved_from = previous
        callback.moved_reason = "booked"
        callback.answers = {**dict(callback.answers or {}), **(answers or {})}
        if notes:
            callback.notes = notes
        self._move_deadline(callback_id, booked_at, now, "booked")
        self.callback_event(
            callback_id,
            agent_id,
            now,
            "booked",
            {"from": previous.isoformat(), "to": booked_at.isoformat()},
        )
        self._changed("callback", callback_id, now)

    def record_callback(
        self,
        callback_id: int,
        agent_id: int,
        now: datetime,
        answers: dict[str, object],
        notes: str = "",
        way: str | None = None,
        expected_version: int | None = None,
    ) -> CallbackResult:
        """The callback is done: who, when, the way, answers, outcome and notes are kept; an
        unsatisfied customer gets a follow-up ticket owned by the agent (seed 000:2.3). Whether
        it may be recorded (still open) is the callback's life's, asked by the service."""
        outcome = outcome_of(answers)
        decided = moved_to(CallbackMove.DONE)
        values: dict[str, Any] = {
            "answers": dict(answers),
            "notes": notes,
            "outcome": outcome.value if outcome else None,
            "status": decided.status,
            "done_by_id": agent_id,
            "updated_at": now,
            "updated_by_id": agent_id,
        }
        if decided.done:
            values["done_at"] = now
        if way:
            values["way"] = way
        saved = self._write_checked(
            callback_id, expected_version, values, "purpose", "customer_id", "contact_id", "way"
        )
        ticket_id = None
        if needs_follow_up(outcome) and saved.customer_id is not None:
            # a number no customer has gets no ticket here: the agent records one at intake
            from deskui.data.records import NewTicket

            problem = str(answers.get("issue") or answers.get("feedback") or notes or "")
            equipment = saved.purpose == CallbackPurpose.EQUIPMENT_CHECK
            ticket_id = self._uow.tickets.open_ticket(
                NewTicket(
                    customer_id=saved.customer_id,
                    contact_id=saved.contact_id,
                    kind=TicketKind.QUESTION if equipment else TicketKind.COMPLAINT,
                    category=Category.REPAIR if equipment else Category.SERVICE_QUALITY,
                    channel=Channel.PHONE,
                    severity=Severity.NORMAL,
                    customer_words=problem,
                    expectation="",
                ),
                agent_id,
                now,
            )
            table = _callbacks_table()
            self.session.execute(
                update(table).where(table.c.id == callback_id).values(follow_up_ticket_id=ticket_id)
            )  # the same save: its version moved once, above
        self._uow.deadlines.meet_later(SubjectType.CALLBACK, callback_id, now)
        self.callback_event(
            callback_id,
            agent_id,
            now,
            "done",
            {"outcome": values["outcome"] or "", "way": saved.way, "ticket": ticket_id},
            at_commit=True,
        )
        self._changed("callback", callback_id, now)
        if saved.purpose == MISSED_CALL:  # issue 25: its missed calls are called back
            self._uow.calls.mark_called_back_by(callback_id, now)
        return CallbackResult(values["outcome"], ticket_id)

    def close_by_call(
        self, callback_id: int, agent_id: int | None, now: datetime, detail: dict[str, Any]
    ) -> bool:
        """A missed-call callback (未接来电回拨) met by a call (issue 25): the number called
        again and was answered, or an agent called it back. False when it was closed."""
        callback = self.session.get_one(m.Callback, callback_id)
        if callback.done_at is not None or callback.status not in OPEN:
            return False
        callback.status = CallbackStatus.DONE
        callback.done_at = now
        callback.done_by_id = agent_id
        callback.updated_at = now
        callback.updated_by_id = agent_id
        self.meet_deadlines(SubjectType.CALLBACK, callback_id, now)
        self.callback_event(callback_id, agent_id, now, "closed_by_call", detail)
        self._changed("callback", callback_id, now)
        return True

    def _saving(
        self, callback_id: int, expected: int | None, agent_id: int, now: datetime
    ) -> m.Callback:
        """The callback to write, after the version check of the form that saves it:
        another desk's save since the form loaded it is a `Conflict`, nothing written."""
        callback = self.session.get_one(m.Callback, callback_id)
        return claim_version(
            self.session, callback, expected, "callback", callback_theirs, agent_id, now
        )

    def callback_life(self, callback_id: int, expected_version: int | None = None) -> CallbackState:
        """What the callback's life reads of it (domain/callback_life); `MissingRecord` when
        there is none, `Conflict` when another desk saved it since the form loaded
        `expected_version` (their save is said before any refusal of what it left)."""
        # three columns, not the whole row as an object (issue 27)
        version, status, done_at = self.columns_of(
            m.Callback, callback_id, "version", "status", "done_at"
        )
        if expected_version is not None and version != expected_version:
            callback = self.session.get_one(m.Callback, callback_id)
            raise conflict_of(self.session, callback, "callback", callback_theirs)
        return CallbackState(CallbackStatus(status), done_at is not None)

    # -- sharing and reassigning --------------------------------------------------------------

    def share_overdue(self, now: datetime, rules: CallbackRules | None = None) -> list[int]:
        """Personal callbacks overdue by the site's minutes go to the shared queue, with a
        history entry, so they are not lost while the agent is at lunch or off shift."""
        rules = rules or self.rules.callbacks
        rows = self.session.scalars(
            self._queue(CallbackScope()).where(
                m.Callback.shared.is_(False), m.Callback.due_at <= now - rules.shared_after
            )
        ).all()
        ids = to_share(
            [OpenCallback(c.id, c.agent_id, _overdue_from(c), c.shared) for c in rows],
            now,
            rules,
        )
        by_id = {c.id: c for c in rows}
        shared: list[int] = []
        for callback_id in ids:
            callback = by_id[callback_id]
            # claim it with one conditional UPDATE: two desks opening the queue at once both
            # see it overdue, and only the first moves it (no lost-update conflict for the other)
            claimed = self.session.execute(
                update(m.Callback)
                .where(m.Callback.id == callback_id, m.Callback.shared.is_(False))
                .values(
                    shared=True, version=m.Callback.version + 1, updated_at=now, updated_by_id=None
                )
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            self.session.expire(callback)
            shared.append(callback_id)
            for deadline in self.session.scalars(open_deadlines(SubjectType.CALLBACK, callback_id)):
                deadline.owner_id = None
            self.callback_event(
                callback_id,
                None,
                now,
                "shared",
                {
                    "agent_id": callback.agent_id,
                    "overdue_minutes": int(rules.shared_after.total_seconds() // 60),
                },
            )
            self._changed("callback", callback_id, now)
        return shared

    def _deadlines_to(self, callback_id: int, agent_id: int, now: datetime) -> None:
        """The callback's open deadlines follow it to the agent's desk and team (the team as
        the agent's row says, read by the same statement)."""
        self._uow.deadlines.move_open(SubjectType.CALLBACK, callback_id, agent_id, None, now)

    def claim_next_shared(self, agent_id: int, now: datetime) -> int | None:
        """The agent takes the most urgent callback of the shared queue; None when it is empty.
        Never hands one callback to two agents: one UPDATE takes the first row its subquery
        finds and locks, and PostgreSQL's subquery skips rows another desk holds (FOR UPDATE
        SKIP LOCKED; a row claimed meanwhile is checked again and passed over, as its
        `shared` no longer holds); SQLite's single writer runs the statement whole."""
        callback_id = self.session.scalar(_claim_first(), {"agent_id": agent_id, "now": now})
        if callback_id is None:
            return None
        held = self.session.identity_map.get(identity_key(m.Callback, callback_id))
        if held is not None:
            self.session.expire(held)
        # its deadlines follow it to the agent's desk and team, in the commit's statement
        self._uow.deadlines.move_later(SubjectType.CALLBACK, callback_id, agent_id, now)
        claim = {"from": None, "to": agent_id}  # from the shared queue, nobody's
        self.callback_event(callback_id, agent_id, now, "claimed", claim, at_commit=True)
        self._changed("callback", callback_id, now)
        return int(callback_id)

    def reassign_callback(
        self,
        callback_id: int,
        to_agent_id: int,
        by_agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> tuple[str, str]:
        """A lead gives a callback to another agent (it becomes personal again); a callback
        another desk changed since the lead's list showed it is a `Conflict` (one done is the
        callback's life's to refuse, asked by the service). Returns who had
        it (empty: the shared queue) and who has it now, by name."""
        callback = self._saving(callback_id, expected_version, by_agent_id, now)
        previous = self.session.get(m.Agent, callback.agent_id) if callback.agent_id else None
        target = self.session.get_one(m.Agent, to_agent_id)
        if not target.active:  # nobody would work it: as a ticket given to a disabled account
            raise MissingRecord("agent", to_agent_id)
        callback.agent_id = to_agent_id
        callback.shared = False
        self._deadlines_to(callback_id, to_agent_id, now)
        names = (previous.name if previous else "", target.name)
        self.callback_event(  # old -> new by name, as every history entry says it
            callback_id, by_agent_id, now, "reassigned", {"agent": [names[0] or None, names[1]]}
        )
        self._changed("callback", callback_id, now)
        return names

    def callback_history(self, callback_id: int) -> list[HistoryEntry]:
        """The callback's history as the record shows it (issue 16), newest first: each event
        with what moved as (field, old, new): the agent by name, the due time, the purpose;
        the reason or outcome given as its note. Opening the call changes nothing: not shown."""
        self._events_written()
        names = {i: n for i, n in self.session.execute(select(m.Agent.id, m.Agent.name))}
        events = m.CallbackEvent
        return [
            HistoryEntry(
                id=event.id,
                at=event.at,
                agent_name=name,
                action=f"callback_{event.action}",
                changes=_callback_changes(event.action, dict(event.detail or {}), names),
                note=_callback_note(dict(event.detail or {})),
            )
            for event, name in newest_first(
                self.session, events, events.callback_id == callback_id, events.action != "opened"
            )
        ]

    def callback_events(
        self, callback_id: int
    ) -> list[tuple[datetime, str, str, dict[str, object]]]:
        self._events_written()
        query = (
            select(m.CallbackEvent, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.CallbackEvent.agent_id)
            .where(m.CallbackEvent.callback_id == callback_id)
            .order_by(m.CallbackEvent.id)
        )
        return [
            (e.at, e.action, name or "", dict(e.detail or {}))
            for e, name in self.session.execute(query)
        ]

    # -- coverage and generation (seed 000:2.5.2.1: 100% of customers) ------------------------

    def _covered(self, start: datetime, end: datetime) -> Select[Any]:
        return select(m.Callback.customer_id).where(
            m.Callback.customer_id.is_not(None),  # NOT IN a list holding NULL is never true
            m.Callback.status != CallbackStatus.CANCELLED,
            or_(
                m.Callback.due_at.between(start, end),
                m.Callback.done_at.between(start, end),
            ),
        )

    def coverage_share(self, start: datetime, end: datetime) -> CoverageShare:
        """Customers actually called back between `start` and `end` out of all customers
        (seed 000:2.5.2.1: 100% called back); a booked callback is not yet a call."""
        called = select(func.count(distinct(m.Callback.customer_id))).where(
            m.Callback.status == CallbackStatus.DONE,
            m.Callback.done_at.between(start, end),
        )
        total = self.session.scalar(select(func.count()).select_from(m.Customer))
        return CoverageShare(int(self.session.scalar(called) or 0), int(total or 0))

    def uncovered_count(self, start: datetime, end: datetime) -> int:
        query = (
            select(func.count())
            .select_from(m.Customer)
            .where(m.Customer.id.not_in(self._covered(start, end)))
        )
        return int(self.session.scalar(query) or 0)

    def uncovered_rows(
        self, start: datetime, end: datetime, offset: int, limit: int
    ) -> list[CoverageRow]:
        query = (
            select(m.Customer.id, m.Customer.name, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.Customer.assigned_agent_id)
            .where(m.Customer.id.not_in(self._covered(start, end)))
            .order_by(m.Customer.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            CoverageRow(cid, name, agent or "") for cid, name, agent in self.session.execute(query)
        ]

    def generate_routine(
        self, now: datetime, calendar: BusinessCalendar, rules: CallbackRules | None = None
    ) -> int:
        """Routine callbacks for every customer not yet covered this period."""
        rules = rules or self.rules.callbacks
        start, end = _period(now, calendar, rules)
        rows = self.session.execute(
            select(m.Customer.id, m.Customer.assigned_agent_id).where(
                m.Customer.id.not_in(self._covered(start, end))
            )
        ).all()
        agents = list(
            self.session.scalars(
                select(m.Agent.id).where(m.Agent.active.is_(True), m.Agent.role == Role.AGENT)
            )
        )
        load = {
            agent_id: count
            for agent_id, count in self.session.execute(
                self._queue(CallbackScope())
                .with_only_columns(m.Callback.agent_id, func.count())
                .group_by(m.Callback.agent_id)
            ).all()
            if agent_id is not None  # the shared queue is nobody's load
        }
        planned = plan_routine(dict(rows), agents, load, now, rules, end)
        for plan in planned:
            self.add_callback(
                plan.customer_id, plan.purpose, now, now, calendar,
                agent_id=plan.agent_id, rules=rules, due_at=plan.due_at,
            )  # fmt: skip
        return len(planned)

    def generate_occasions(
        self, now: datetime, calendar: BusinessCalendar, rules: CallbackRules | None = None
    ) -> int:
        """Special-occasion callbacks ahead of holidays, birthdays, anniversaries (of the
        cooperation and of the company's founding) and promotions; an occasion already
        planned is not planned twice."""
        rules = rules or self.rules.callbacks
        customers = self.session.scalars(select(m.Customer).order_by(m.Customer.id)).all()
        facts = [
            OccasionFacts(
                c.id,
                c.assigned_agent_id,
                c.contract_signed_on,
                tuple((p.id, p.birthday) for p in c.contacts if p.birthday is not None),
                c.founded_on,
            )
            for c in customers
        ]
        fallback = self.session.scalar(
            select(m.Agent.id).where(m.Agent.active.is_(True)).order_by(m.Agent.id)
        )
        if fallback is None:
            return 0
        existing: set[tuple[int | None, str]] = {
            (customer_id, occasion)
            for customer_id, occasion in self.session.execute(
                select(m.Callback.customer_id, m.Callback.occasion).where(m.Callback.occasion != "")
            ).all()
        }
        promotions = [
            Promotion(p.id, p.name, p.starts_on, p.ends_on)
            for p in self.session.scalars(select(m.Promotion).order_by(m.Promotion.id))
        ]
        made = 0
        for plan in plan_occasions(facts, now, rules, calendar, fallback, promotions):
            if (plan.customer_id, plan.occasion) in existing:
                continue
            existing.add((plan.customer_id, plan.occasion))
            self.add_callback(
                plan.customer_id, plan.purpose, now, now, calendar, agent_id=plan.agent_id,
                contact_id=plan.contact_id, rules=rules, due_at=plan.due_at,
                occasion=plan.occasion,
            )  # fmt: skip
            made += 1
        return made

    # -- promotions (促销活动期, seed 000:2.5.1.2) ------------------------------------------------

    def add_promotion(
        self,
        name: str,
        starts_on: date,
        ends_on: date,
        agent_id: int,
        now: datetime,
    ) -> int:
        """A lead records a promotion period; generation calls every customer ahead of it.
        Whether it may be recorded (a name, its dates in order) is the service's to ask of
        domain/callbacks.promotion_problems."""
        promotion = m.Promotion(
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            created_by_id=agent_id,
            created_at=now,
        )
        self.session.add(promotion)
        self.session.flush()
        self._changed("promotion", promotion.id, now)
        return promotion.id

    def promotion_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(m.Promotion)) or 0)

    def promotion_rows(self, offset: int, limit: int) -> list[PromotionRow]:
        query = (
            select(m.Promotion, m.Agent.name)
            .join(m.Agent, m.Agent.id == m.Promotion.created_by_id)
            .order_by(m.Promotion.starts_on.desc(), m.Promotion.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            PromotionRow(p.id, p.name, p.starts_on, p.ends_on, by, p.created_at)
            for p, by in self.session.execute(query)
        ]

    # -- on-site visits (seed 000:2.5.4) -------------------------------------------------------

    def request_visit(
        self,
        customer_id: int,
        agent_id: int,
        now: datetime,
        *,
        reason: str,
        frequency: str,
        first_date: date,
        end_date: date,
        callback_id: int | None = None,
        confirmation_form: str = "",
        feedback_frequency: str = "",
        feedback_times: str = "",
    ) -> int:
        """Save a request the visits service checked (domain/visit_life), pending."""
        request = m.VisitRequest(
            customer_id=customer_id,
            callback_id=callback_id,
            requested_by_id=agent_id,
            reason=reason.strip(),
            frequency=frequency.strip(),
            first_date=first_date,
            end_date=end_date,
            confirmation_form=confirmation_form.strip(),
            feedback_frequency=feedback_frequency.strip(),
            feedback_times=feedback_times.strip(),
            status="pending",
            decision_note="",
            feedback="",
            created_at=now,
        )
        self.session.add(request)
        self.session.flush()
        self._changed("visit_request", request.id, now)
        return request.id

    def visit_status(self, request_id: int) -> str:
        """A visit request's status; `MissingRecord` when there is none."""
        return str(self.session.get_one(m.VisitRequest, request_id).status)

    def visit_request_facts(self, request_id: int) -> tuple[int, int, str, date, date]:
        """(customer, who asked, frequency, first date, end date) of a visit request."""
        r = self.session.get_one(m.VisitRequest, request_id)
        return r.customer_id, r.requested_by_id, r.frequency, r.first_date, r.end_date

    def decide_visit(
        self, request_id: int, lead_id: int, status: str, note: str, now: datetime
    ) -> None:
        """A lead's or manager's decision as the visits service made it (approved or
        rejected: domain/visit_life), with its note."""
        request = self.session.get_one(m.VisitRequest, request_id)
        request.status = status
        request.decided_by_id = lead_id
        request.decided_at = now
        request.decision_note = note.strip()
        self._changed("visit_request", request_id, now)

    def record_visit_feedback(self, request_id: int, feedback: str, now: datetime) -> None:
        """The approved visit's feedback, checked by the visits service."""
        request = self.session.get_one(m.VisitRequest, request_id)
        request.feedback = feedback.strip()
        request.feedback_at = now
        self._changed("visit_request", request_id, now)

    def visit_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(m.VisitRequest)) or 0)

    def visit_rows(self, offset: int, limit: int) -> list[VisitRow]:
        requester = aliased(m.Agent)
        decider = aliased(m.Agent)
        pending_first = (m.VisitRequest.status != "pending").label("decided")
        query = (
            select(m.VisitRequest, m.Customer.name, requester.name, decider.name)
            .join(m.Customer, m.Customer.id == m.VisitRequest.customer_id)
            .join(requester, requester.id == m.VisitRequest.requested_by_id)
            .outerjoin(decider, decider.id == m.VisitRequest.decided_by_id)
            .order_by(pending_first, m.VisitRequest.first_date, m.VisitRequest.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            VisitRow(
                v.id,
                v.customer_id,
                customer,
                by,
                v.reason,
                v.frequency,
                v.first_date,
                v.end_date,
                v.status,
                decided or "",
                v.decision_note,
                v.feedback,
                v.created_at,
                v.confirmation_form,
                v.feedback_frequency,
                v.feedback_times,
            )
            for v, customer, by, decided in self.session.execute(query)
        ]

    def visit_export_rows(self) -> list[list[Any]]:
        """Every visit request with all its letter states and what became of it, by id."""
        requester = aliased(m.Agent)
        decider = aliased(m.Agent)
        query = (
            select(m.VisitRequest, m.Customer.name, requester.name, decider.name)
            .join(m.Customer, m.Customer.id == m.VisitRequest.customer_id)
            .join(requester, requester.id == m.VisitRequest.requested_by_id)
            .outerjoin(decider, decider.id == m.VisitRequest.decided_by_id)
            .order_by(m.VisitRequest.id)
        )
        rows: list[list[Any]] = []
        for v, customer, by, decided in self.session.execute(query):
            rows.append([
                v.id, customer, by, v.created_at, v.reason, v.frequency,
                v.confirmation_form, v.first_date, v.end_date, v.feedback_frequency,
                v.feedback_times, v.status, decided or "", v.decided_at, v.decision_note,
                v.feedback, v.feedback_at, v.callback_id,
            ])  # fmt: skip
        return rows

    # -- export: every recorded field ------------------------------------------------------------

    def callback_export_rows(self) -> list[list[Any]]:
        agent = aliased(m.Agent)
        done_by = aliased(m.Agent)
        confirmed_by = aliased(m.Agent)
        contact = aliased(m.Contact)
        query = (
            select(
                m.Callback,
                m.Customer.name,
                contact.name,
                agent.name,
                done_by.name,
                confirmed_by.name,
            )
            .outerjoin(m.Customer, m.Customer.id == m.Callback.customer_id)
            .outerjoin(contact, contact.id == m.Callback.contact_id)
            .outerjoin(agent, agent.id == m.Callback.agent_id)
            .outerjoin(done_by, done_by.id == m.Callback.done_by_id)
            .outerjoin(confirmed_by, confirmed_by.id == m.Callback.sales_confirmed_by_id)
            .order_by(m.Callback.due_at, m.Callback.id)
        )
        return [
            [
                c.id,
                customer or number_named(c.number),
                contact_name or "",
                agent_name or "",
                c.purpose,
                c.way,
                c.status,
                "yes" if c.shared else "no",
                c.created_at,
                c.due_at,
                c.booked_at,
                c.moved_from,
                c.moved_reason,
                c.occasion,
                c.done_at,
                done_name or "",
                c.outcome or "",
                _answers(c.answers),
                c.notes,
                c.ticket_id or "",
                c.follow_up_ticket_id or "",
                c.sales_head,
                "" if c.sales_confirmed is None else ("yes" if c.sales_confirmed else "no"),
                c.sales_confirmed_at,
                confirmed_name or "",
                c.sales_note,
            ]
            for c, customer, contact_name, agent_name, done_name, confirmed_name in (
                self.session.execute(query)
            )
        ]

    # -- the register as rows, for `deskui export` ---------------------------------------

    def callbacks(self) -> Sequence[tuple[Any, ...]]:
        query = (
            select(m.Callback, m.Customer.name, m.Agent.name)
            .outerjoin(m.Customer, m.Customer.id == m.Callback.customer_id)
            .outerjoin(m.Agent, m.Agent.id == m.Callback.agent_id)
            .order_by(m.Callback.due_at, m.Callback.id)
        )
        return [
            (
                c.id,
                customer_name or number_named(c.number),
                agent_name or "",
                c.purpose,
                c.way,
                c.status,
                c.due_at,
                c.booked_at,
                c.done_at,
                c.outcome or "",
                c.notes,
            )
            for c, customer_name, agent_name in self.session.execute(query)
        ]


CALLBACK_EXPORT_HEADERS = [
    "id", "customer", "contact", "agent", "purpose", "way", "status", "shared", "created_at",
    "due_at", "booked_at", "moved_from", "moved_reason", "occasion", "done_at", "done_by",
    "outcome", "answers", "notes", "ticket", "follow_up_ticket", "sales_head",
    "sales_confirmed", "sales_confirmed_at", "sales_confirmed_by", "sales_note",
]  # fmt: skip


def _callbacks_table() -> Table:
    table: Table = m.Callback.__table__  # type: ignore[assignment]
    return table


_STATEMENTS: dict[object, Any] = {}
"""Statements of the queue's hot paths by their shape, built once (issue 27: building the
claim's aliased subquery took more CPU than running it)."""


def _checked_write(columns: tuple[str, ...], checked: bool, returning: tuple[str, ...]) -> Any:
    """UPDATE callback SET `columns` (bound as `v_<name>`), version + 1 WHERE id (and the version
    the form loaded, when `checked`) RETURNING `returning`."""
    shape = ("write", columns, checked, returning)
    if shape not in _STATEMENTS:
        table = _callbacks_table()
        query = update(table).where(table.c.id == bindparam("callback_id"))
        if checked:
            query = query.where(table.c.version == bindparam("expected"))
        bound = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
        _STATEMENTS[shape] = query.values(version=table.c.version + 1, **bound).returning(
            *(table.c[name] for name in returning)
        )
    return _STATEMENTS[shape]


def _claim_first() -> Any:
    """The claim of the shared queue's first callback no other desk holds: UPDATE ... WHERE
    id = (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED) AND still shared, RETURNING its id."""
    if "claim" not in _STATEMENTS:
        table = _callbacks_table()
        waiting = table.alias("waiting")
        first = (
            select(waiting.c.id)
            .where(
                waiting.c.shared.is_(True),
                waiting.c.done_at.is_(None),
                waiting.c.status.in_(OPEN),
            )
            .order_by(waiting.c.due_at, waiting.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        now = bindparam("now", type_=table.c.claimed_at.type)
        agent = bindparam("agent_id", type_=table.c.agent_id.type)
        _STATEMENTS["claim"] = (
            update(table)
            .where(table.c.id == first, table.c.shared.is_(True))
            .values(
                shared=False,
                agent_id=agent,
                claimed_at=now,
                version=table.c.version + 1,
                updated_at=now,
                updated_by_id=agent,
            )
            .returning(table.c.id)
        )
    return _STATEMENTS["claim"]


def _events_table() -> Table:
    table: Table = m.CallbackEvent.__table__  # type: ignore[assignment]
    return table


def callback_theirs(callback: m.Callback) -> dict[str, str]:
    """A callback as another desk saved it, under the call screen's field names."""
    theirs = {str(k): str(v) for k, v in (callback.answers or {}).items() if v not in (None, "")}
    theirs.update(
        notes=callback.notes,
        sales_head=callback.sales_head,
        sales_note=callback.sales_note,
        status=callback.status,
        way=callback.way,
    )
    return theirs


def _answers(answers: dict[str, object] | None) -> str:
    return "; ".join(f"{k}={v}" for k, v in (answers or {}).items())


def placement_code(placement: Placement) -> str:
    """How a move's reason is stored on the callback (`holiday:National Day`, `rest_time`)."""
    if placement.reason is None:
        return ""
    if placement.holiday:
        return f"{placement.reason.value}:{placement.holiday}"
    return placement.reason.value


def _period(
    now: datetime, calendar: BusinessCalendar, rules: CallbackRules
) -> tuple[datetime, datetime]:
    today = now.astimezone(calendar.tz).date()
    first, after = period_bounds(today, rules.period)
    return (
        datetime.combine(first, time(0), tzinfo=calendar.tz).astimezone(UTC),
        datetime.combine(after, time(0), tzinfo=calendar.tz).astimezone(UTC)
        - timedelta(microseconds=1),
    )


def coverage_spans(
    now: datetime, calendar: BusinessCalendar
) -> dict[str, tuple[datetime, datetime]]:
    """This week and this quarter, local days, as UTC instants (start, end inclusive)."""
    today = now.astimezone(calendar.tz).date()
    spans = {"week": week_bounds(today), "quarter": period_bounds(today, "quarter")}
    return {
        name: (
            datetime.combine(first, time(0), tzinfo=calendar.tz).astimezone(UTC),
            datetime.combine(after, time(0), tzinfo=calendar.tz).astimezone(UTC)
            - timedelta(microseconds=1),
        )
        for name, (first, after) in spans.items()
    }


def coverage_period(
    now: datetime, calendar: BusinessCalendar, rules: CallbackRules | None = None
) -> tuple[datetime, datetime]:
    """The current coverage period as UTC instants (start, end inclusive)."""
    return _period(now, calendar, rules or CallbackRules())


__all__ = [
    "CALLBACK_EXPORT_HEADERS",
    "VISIT_EXPORT_HEADERS",
    "BookingDoubted",
    "BookingRefused",
    "CallbackDetail",
    "CallbackError",
    "CallbackOutcome",
    "CallbackResult",
    "CallbackRow",
    "CallbackScope",
    "CallbackStore",
    "CoverageRow",
    "PromotionRow",
    "VisitRow",
    "coverage_period",
    "coverage_spans",
]


def _overdue_from(callback: m.Callback) -> datetime:
    """When the callback's time to be shared starts counting: its due time, or the moment an
    agent took it from the shared queue, whichever is later."""
    claimed = callback.claimed_at
    return callback.due_at if claimed is None or claimed < callback.due_at else claimed


def _callback_changes(
    action: str, detail: dict[str, object], names: dict[int, str]
) -> tuple[tuple[str, Value, Value], ...]:
    """What one callback event moved, as (field, old, new); events written before entries
    said old -> new by name keep ids, read here by name."""

    def agent(value: object) -> Value:
        return names.get(value, str(value)) if isinstance(value, int) else plain(value)

    if pairs := entry_changes(detail):
        return pairs
    if action in ("booked", "postponed", "moved") and "to" in detail:
        return (("due_at", plain(detail.get("from")), plain(detail["to"])),)
    if action in ("reassigned", "claimed", "handed_over"):
        return (("agent", agent(detail.get("from")), agent(detail.get("to"))),)
    if action == "shared":
        return (("agent", agent(detail.get("agent_id")), None),)
    if action == "created" and "purpose" in detail:
        return (("purpose", None, plain(detail["purpose"])),)
    if action in ("sales_confirmed", "sales_declined") and detail.get("sales_head"):
        return (("sales_head", None, plain(detail["sales_head"])),)
    return ()


def _callback_note(detail: dict[str, object]) -> str:
    """A reason, a note or an outcome the event was given, as said."""
    for key in ("why", "note", "outcome", "reason"):
        value = detail.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
