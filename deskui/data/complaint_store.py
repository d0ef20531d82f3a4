"""Complaint handling: the seven steps, lead takeover, written replies (seed 001:6-7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.deadline_store import open_of
from deskui.data.store_base import StoreBase
from deskui.data.ticket_store import save_transition
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.complaint import late_hand_on, repeat_caused_by_late_hand_on
from deskui.domain.deadlines import repeat_contact_due
from deskui.domain.model import (
    CallbackPurpose,
    CallbackStatus,
    Channel,
    DeadlineKind,
    SubjectType,
    TicketKind,
    TicketStatus,
)
from deskui.domain.ticket_life import Transition

OPEN_STATUSES = (
    TicketStatus.OPEN,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WITH_DEPARTMENT,
    TicketStatus.WITH_LEAD,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.RESOLVED,
)


ComplaintConflict = Conflict
"""Someone else saved this complaint since it was loaded (DESIGN.md 7)."""

REPLY_FIELDS = ("cause", "responsible", "result", "reply_text")
"""What a written reply's conflict shows side by side (the reply composer's fields)."""


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """One complaint in the list: its nearest open deadline counts down."""

    ticket_id: int
    customer_name: str
    owner_name: str
    channel: str
    status: str
    step: str
    summary: str
    opened_at: datetime
    due_at: datetime | None
    starts_at: datetime | None
    paused_at: datetime | None


@dataclass(frozen=True, slots=True)
class ComplaintCase:
    """Everything the complaint screen shows about one ticket, as plain data."""

    ticket_id: int
    customer_id: int
    customer_name: str
    contact_name: str
    contact_gender: str
    contact_phone: str
    unit_number: str
    customer_words: str
    expectation: str
    category: str
    channel: str
    status: str
    owner_id: int
    owner_name: str
    opened_at: datetime
    script: str
    step: str
    path: tuple[str, ...]
    answers: dict[str, object]
    commit_mode: str
    promised_at: datetime | None
    cause: str
    responsible: str
    action_at: datetime | None
    expected_finish: datetime | None
    result: str
    reply_text: str
    forwarded_by: str
    received_by_department_on: date | None
    our_received_at: datetime | None
    taken_over_by: str
    version: int
    due_at: datetime | None = None
    starts_at: datetime | None = None
    callback_id: int | None = None
    due_kind: str = ""
    """Which deadline `due_at` is (first contact, promised reply ...): the header says it."""
    contact_extension: str = ""
    """The extension of `contact_phone` (转 301), kept apart from the number."""


@dataclass(frozen=True, slots=True)
class StepSave:
    """What the screen saves when a step is done (or the agent steps back)."""

    script: str
    step: str
    path: tuple[str, ...]
    answers: dict[str, object]
    commit_mode: str = ""
    promised_at: datetime | None = None
    expected_finish: datetime | None = None
    expected_version: int | None = None
    status: str = ""
    """The ticket's status as the ticket's life decided it (domain/ticket_life); empty:
    as it is."""
    first_contact: bool = False
    """Whether this save is the ticket's first contact (its countdown is met)."""


@dataclass(frozen=True, slots=True)
class ReplyFactsSave:
    """The facts a written reply reports (seed 001:7.3) and the reply text as edited."""

    cause: str
    responsible: str
    action_at: datetime | None
    expected_finish: datetime | None
    result: str
    reply_text: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class DepartmentRepeats:
    """Repeat complaints that fell on a department's late hand-on (seed 000:3.2.3)."""

    department_code: str
    forwarded: int
    late: int
    repeats: int
    ticket_ids: tuple[int, ...] = field(default_factory=tuple)


class ComplaintStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- the list ------------------------------------------------------------------------

    def _complaints_query(self, owner_id: int | None, open_only: bool) -> Select[Any]:
        query = select(m.Ticket).where(m.Ticket.kind == TicketKind.COMPLAINT)
        if owner_id is not None:
            query = query.where(m.Ticket.owner_id == owner_id)
        if open_only:
            query = query.where(m.Ticket.status.in_([s.value for s in OPEN_STATUSES]))
        return query

    def complaint_count(self, owner_id: int | None = None, open_only: bool = True) -> int:
        query = self._complaints_query(owner_id, open_only).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def complaint_rows(
        self, offset: int, limit: int, owner_id: int | None = None, open_only: bool = True
    ) -> list[ComplaintRow]:
        inner = aliased(m.Deadline)
        nearest = (
            select(inner.id)
            .where(*open_of(SubjectType.TICKET, m.Ticket.id, None, inner))
            .order_by(inner.due_at)
            .limit(1)
            .correlate(m.Ticket)
            .scalar_subquery()
        )
        query = (
            self._complaints_query(owner_id, open_only)
            .add_columns(m.Customer.name, m.Agent.name, m.ComplaintRecord.step, m.Deadline)
            .join(m.Customer, m.Customer.id == m.Ticket.customer_id)
            .join(m.Agent, m.Agent.id == m.Ticket.owner_id)
            .outerjoin(m.ComplaintRecord, m.ComplaintRecord.ticket_id == m.Ticket.id)
            .outerjoin(m.Deadline, m.Deadline.id == nearest)
            .order_by(m.Deadline.due_at.is_(None), m.Deadline.due_at, m.Ticket.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            ComplaintRow(
                ticket_id=ticket.id,
                customer_name=customer,
                owner_name=owner,
                channel=ticket.channel,
                status=ticket.status,
                step=step or "",
                summary=" ".join(ticket.customer_words.split())[:80],
                opened_at=ticket.opened_at,
                due_at=deadline.due_at if deadline else None,
                starts_at=deadline.starts_at if deadline else None,
                paused_at=deadline.paused_at if deadline else None,
            )
            for ticket, customer, owner, step, deadline in self.session.execute(query)
        ]

    # -- one case ------------------------------------------------------------------------

    def is_complaint(self, ticket_id: int) -> bool:
        """Whether the ticket exists and is a complaint (the script walks nothing else)."""
        query = select(m.Ticket.kind).where(m.Ticket.id == ticket_id)
        return self.session.scalar(query) == TicketKind.COMPLAINT

    def complaint(self, ticket_id: int) -> ComplaintCase:
        ticket = self.session.get_one(m.Ticket, ticket_id)
        record = self.session.get(m.ComplaintRecord, ticket_id)
        contact = self.session.get(m.Contact, ticket.contact_id) if ticket.contact_id else None
        owner = self.session.get_one(m.Agent, ticket.owner_id)
        forwarded_by = ""
        taken_over_by = ""
        if record is not None and record.forwarded_by_department_id is not None:
            department = self.session.get_one(m.Department, record.forwarded_by_department_id)
            forwarded_by = department.code
        if record is not None and record.taken_over_by_id is not None:
            taken_over_by = self.session.get_one(m.Agent, record.taken_over_by_id).name
        deadline = self.session.scalars(
            select(m.Deadline)
            .where(*open_of(SubjectType.TICKET, ticket_id))
            .order_by(m.Deadline.due_at)
            .limit(1)
        ).first()
        callback_id = self.session.scalar(
            select(m.Callback.id)
            .where(m.Callback.ticket_id == ticket_id)
            .order_by(m.Callback.id.desc())
            .limit(1)
        )
        return ComplaintCase(
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            customer_name=ticket.customer.name,
            contact_name=contact.name if contact else "",
            contact_gender=contact.gender if contact else "unknown",
            contact_phone=(contact.phone_e164 or "") if contact else ticket.caller_phone,
            contact_extension=(
                (contact.phone_extension or "") if contact else ticket.caller_extension
            ),
            unit_number=ticket.unit_number,
            customer_words=ticket.customer_words,
            expectation=ticket.expectation,
            category=ticket.category,
            channel=ticket.channel,
            status=ticket.status,
            owner_id=owner.id,
            owner_name=owner.name,
            opened_at=ticket.opened_at,
            script=record.script if record else "complaint",
            step=record.step if record else "",
            path=tuple(record.path or ()) if record else (),
            answers=dict(record.answers or {}) if record else {},
            commit_mode=record.commit_mode if record else "",
            promised_at=record.promised_at if record else ticket.promised_at,
            cause=record.cause if record else "",
            responsible=record.responsible if record else "",
            action_at=record.action_at if record else None,
            expected_finish=record.expected_finish if record else None,
            result=record.result if record else "",
            reply_text=record.reply_text if record else "",
            forwarded_by=forwarded_by,
            received_by_department_on=(
                record.received_by_department_on if record else ticket.received_by_department_on
            ),
            our_received_at=record.our_received_at if record else None,
            taken_over_by=taken_over_by,
            version=record.version if record else 0,
            due_at=deadline.due_at if deadline else None,
            starts_at=deadline.starts_at if deadline else None,
            callback_id=callback_id,
            due_kind=deadline.kind if deadline else "",
        )

    def _record(
        self,
        ticket_id: int,
        now: datetime,
        expected: int | None,
        agent_id: int | None = None,
        kind: str = "complaint",
    ) -> m.ComplaintRecord:
        """The record to write, after the version check: `expected` is the version the form
        loaded (0 when there was no record yet, None for a write no form stands behind)."""
        record = self.session.get(m.ComplaintRecord, ticket_id)
        if record is None:
            if expected not in (None, 0):
                raise Conflict(kind, ticket_id, "", None, 0)
            record = m.ComplaintRecord(
                ticket_id=ticket_id,
                script="complaint",
                step="",
                path=[],
                answers={},
                commit_mode="",
                cause="",
                responsible="",
                result="",
                reply_text="",
                created_at=now,
                updated_at=now,
                updated_by_id=agent_id,
            )
            self.session.add(record)
            return record
        if expected is not None and record.version != expected:
            raise self._conflict(record, kind)
        record.updated_at = now
        if agent_id is not None:
            record.updated_by_id = agent_id
        return record

    def check_version(self, ticket_id: int, expected: int) -> None:
        """Raise the `Conflict` a save from a form that loaded version `expected` (0: no record
        yet) meets, before anything is decided on what that form saw."""
        record = self.session.get(m.ComplaintRecord, ticket_id)
        if record is None and expected != 0:
            raise Conflict("complaint", ticket_id, "", None, 0)
        if record is not None and record.version != expected:
            raise self._conflict(record, "complaint")

    def _conflict(self, record: m.ComplaintRecord, kind: str) -> Conflict:
        """What the other desk saved, as the conflict view shows it."""
        saver = self.session.get(m.Agent, record.updated_by_id) if record.updated_by_id else None
        if kind == "reply":
            theirs = {name: str(getattr(record, name) or "") for name in REPLY_FIELDS}
        else:
            theirs = {k: str(v) for k, v in (record.answers or {}).items() if v not in (None, "")}
        return Conflict(
            kind,
            record.ticket_id,
            saver.name if saver else "",
            record.updated_at,
            record.version,
            theirs,
            saved_by_id=saver.id if saver else None,
        )

    def _flush_checked(self, record: m.ComplaintRecord, kind: str) -> None:
        """Flush, turning a write another desk got in first into a Conflict: the version
        matched when read but not when written (UPDATE ... WHERE version = ...), or both
        desks created the record at once (the second INSERT meets the first's key)."""
        ticket_id, inserting = record.ticket_id, record in self.session.new
        try:
            self.session.flush()
        except (StaleDataError, IntegrityError) as error:
            if isinstance(error, IntegrityError) and not inserting:
                raise
            self.session.rollback()
            theirs = self.session.get(m.ComplaintRecord, ticket_id)
            if theirs is None:
                raise
            raise self._conflict(theirs, kind) from error

    def save_complaint_step(
        self, ticket_id: int, agent_id: int, save: StepSave, now: datetime
    ) -> int:
        """Keep where the call stands and what was captured; the facts that matter elsewhere
        go to their columns: the promised time (with its countdown), unit number, cause."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        record = self._record(ticket_id, now, save.expected_version, agent_id)
        record.script = save.script
        record.step = save.step
        record.path = list(save.path)
        record.answers = {k: v for k, v in save.answers.items() if v not in (None, "")}
        answers = record.answers
        self._flush_checked(record, "complaint")  # before any query autoflushes it unchecked
        if save.status:
            ticket.status = save.status
        if save.first_contact:
            self.meet_deadlines(SubjectType.TICKET, ticket_id, now, DeadlineKind.FIRST_CONTACT)
        if save.promised_at is not None and save.promised_at != record.promised_at:
            record.commit_mode = save.commit_mode
            record.promised_at = save.promised_at
            ticket.promised_at = save.promised_at
            # seed 001:6.4: what is promised is kept; the promise counts down
            self.meet_deadlines(SubjectType.TICKET, ticket_id, now, DeadlineKind.PROMISED_REPLY)
            self.add_deadline(
                DeadlineKind.PROMISED_REPLY,
                SubjectType.TICKET,
                ticket_id,
                ticket.owner_id,
                now,
                save.promised_at,
                label=" ".join(ticket.customer_words.split())[:60],
                customer_id=ticket.customer_id,
                severity=ticket.severity,
                team=ticket.owner.team,
            )
            self._event(
                ticket_id,
                agent_id,
                now,
                "promised",
                {"mode": save.commit_mode, "at": save.promised_at.isoformat()},
            )
        if answers.get("unit_number"):
            ticket.unit_number = str(answers["unit_number"])[:40]
        if answers.get("cause"):
            record.cause = str(answers["cause"])
        if answers.get("responsible"):
            record.responsible = str(answers["responsible"])[:200]
        if save.expected_finish is not None:
            record.expected_finish = save.expected_finish
        self.session.flush()
        self._changed("ticket", ticket_id, now)
        return record.version

    def resolve_complaint(
        self,
        ticket_id: int,
        agent_id: int,
        action_taken: str,
        now: datetime,
        transition: Transition,
    ) -> None:
        """Step 6, fixed at once: what was done is the result (seed 001:6.6)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        record = self._record(ticket_id, now, None)
        record.result = action_taken
        record.action_at = now
        save_transition(ticket, transition, now)
        ticket.answer = action_taken
        self.meet_deadlines(SubjectType.TICKET, ticket_id, now, DeadlineKind.PROMISED_REPLY)
        self.meet_deadlines(SubjectType.TICKET, ticket_id, now, DeadlineKind.FIRST_CONTACT)
        self._event(ticket_id, agent_id, now, "resolved", {"action": action_taken[:200]})
        self.session.flush()
        self._changed("ticket", ticket_id, now)

    def hand_to_lead(
        self, ticket_id: int, agent_id: int, now: datetime, transition: Transition, lead_id: int
    ) -> tuple[int, str]:
        """Step 6, not fixable now: the team lead the service chose (domain/assignment's
        lead_taking_over) takes the complaint over with everything captured, and starts with
        the apology (seed 002:2.4.1). Returns the lead's id, name."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        lead = self.session.get_one(m.Agent, lead_id)
        record = self._record(ticket_id, now, None)
        previous = ticket.owner_id
        owner = self.session.get_one(m.Agent, previous).name  # who had it, for its history
        ticket.owner_id = lead.id
        save_transition(ticket, transition, now)
        record.taken_over_by_id = lead.id
        record.taken_over_at = now
        record.script = "complaint_lead"
        record.step = ""
        record.path = []
        moved = self._uow.deadlines.move_open(
            SubjectType.TICKET, ticket_id, lead.id, lead.team, now
        )
        if not moved:  # nothing counting down: the lead owes the customer a reply
            self.add_deadline(
                DeadlineKind.PROMISED_REPLY,
                SubjectType.TICKET,
                ticket_id,
                lead.id,
                now,
                repeat_contact_due(self.policy, now),
                label=" ".join(ticket.customer_words.split())[:60],
                customer_id=ticket.customer_id,
                severity=ticket.severity,
                team=lead.team,
            )
        self.session.add(
            m.Notification(
                agent_id=lead.id,
                kind="complaint_takeover",
                subject_type=SubjectType.TICKET,
                subject_id=ticket_id,
                text=ticket.customer.name,
                created_at=now,
            )
        )
        self._event(
            ticket_id,
            agent_id,
            now,
            "taken_over",
            {"from": previous, "to": lead.id, "lead": lead.name, "from_name": owner},
        )
        self.session.flush()
        self._changed("ticket", ticket_id, now)
        return lead.id, lead.name

    def schedule_satisfaction_callback(
        self, ticket_id: int, agent_id: int, due_at: datetime, now: datetime
    ) -> int:
        """Step 7: the satisfaction callback after a complaint (seed 001:6.7), for the callbacks
        queue, with its countdown. One per complaint: booking again moves it."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        callback = self.session.scalars(
            select(m.Callback).where(
                m.Callback.ticket_id == ticket_id,
                m.Callback.purpose == CallbackPurpose.AFTER_COMPLAINT,
                m.Callback.done_at.is_(None),
            )
        ).first()
        if callback is None:
            callback = m.Callback(
                customer_id=ticket.customer_id,
                contact_id=ticket.contact_id,
                ticket_id=ticket_id,
                agent_id=agent_id,
                purpose=CallbackPurpose.AFTER_COMPLAINT,
                way="phone",
                status=CallbackStatus.BOOKED,
                due_at=due_at,
                booked_at=due_at,
                created_at=now,
            )
            self.session.add(callback)
            self.session.flush()
            purpose = {"purpose": str(CallbackPurpose.AFTER_COMPLAINT)}
            self._uow.callbacks.callback_event(callback.id, agent_id, now, "created", purpose)
        else:
            moved = {"from": callback.due_at.isoformat(), "to": due_at.isoformat()}
            callback.due_at = due_at
            callback.booked_at = due_at
            self.meet_deadlines(SubjectType.CALLBACK, callback.id, now)
            self._uow.callbacks.callback_event(callback.id, agent_id, now, "booked", moved)
        agent = self.session.get_one(m.Agent, agent_id)
        self.add_deadline(
            DeadlineKind.CALLBACK,
            SubjectType.CALLBACK,
            callback.id,
            agent_id,
            now,
            due_at,
            label=" ".join(ticket.customer_words.split())[:60],
            customer_id=ticket.customer_id,
            team=agent.team,
        )
        self._event(ticket_id, agent_id, now, "callback_booked", {"at": due_at.isoformat()})
        self._changed("callback", callback.id, now)
        return callback.id

    def close_complaint(
        self, ticket_id: int, agent_id: int, now: datetime, transition: Transition
    ) -> None:
        """Closed only once the customer has confirmed they are satisfied (seed 001:6.7)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        save_transition(ticket, transition, now)
        self.meet_deadlines(SubjectType.TICKET, ticket_id, now)
        self._event(ticket_id, agent_id, now, "closed", {"satisfied": True})
        self._changed("ticket", ticket_id, now)

    # -- written complaints (seed 001:7) and forwarded ones (seed 000:3.2.2) ---------------

    def save_reply_facts(
        self, ticket_id: int, agent_id: int, facts: ReplyFactsSave, now: datetime
    ) -> int:
        record = self._record(ticket_id, now, facts.expected_version, agent_id, "reply")
        record.cause = facts.cause
        record.responsible = facts.responsible[:200]
        record.action_at = facts.action_at
        record.expected_finish = facts.expected_finish
        record.result = facts.result
        record.reply_text = facts.reply_text
        self._flush_checked(record, "reply")
        self._event(ticket_id, agent_id, now, "reply_saved", {"chars": len(facts.reply_text)})
        self.session.flush()
        self._changed("ticket", ticket_id, now)
        return record.version

    def record_forwarded(
        self,
        ticket_id: int,
        department_code: str,
        received_on: date,
        our_received_at: datetime,
    ) -> None:
        """A complaint a department received and passed on in writing (seed 000:3.2.2)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        department_id = self.session.scalar(
            select(m.Department.id).where(m.Department.code == department_code)
        )
        if department_id is None:
            raise LookupError(f"no department {department_code!r}")
        record = self._record(ticket_id, our_received_at, None)
        record.forwarded_by_department_id = department_id
        record.received_by_department_on = received_on
        record.our_received_at = our_received_at
        ticket.channel = Channel.DEPARTMENT
        ticket.received_by_department_on = received_on
        self._event(
            ticket_id,
            None,
            our_received_at,
            "forwarded",
            {"department": department_code, "received_on": received_on.isoformat()},
        )
        self.session.flush()
        self._changed("ticket", ticket_id, our_received_at)

    def forwarded_complaints(
        self,
    ) -> list[tuple[int, int, str, date, datetime, list[datetime]]]:
        """(ticket, customer, department code, their receipt, ours, later complaints of the
        same customer opened before ours) for the late hand-on count (seed 000:3.2.3)."""
        other = aliased(m.Ticket)
        query = (
            select(
                m.Ticket.id,
                m.Ticket.customer_id,
                m.Department.code,
                m.ComplaintRecord.received_by_department_on,
                m.ComplaintRecord.our_received_at,
            )
            .join(m.ComplaintRecord, m.ComplaintRecord.ticket_id == m.Ticket.id)
            .join(m.Department, m.Department.id == m.ComplaintRecord.forwarded_by_department_id)
            .where(
                m.ComplaintRecord.received_by_department_on.is_not(None),
                m.ComplaintRecord.our_received_at.is_not(None),
            )
            .order_by(m.Ticket.id)
        )
        result = []
        for ticket_id, customer_id, code, received_on, ours in self.session.execute(query):
            if received_on is None or ours is None:  # the query's `where` leaves none out
                continue
            repeats = list(
                self.session.scalars(
                    select(other.opened_at).where(
                        other.customer_id == customer_id,
                        other.kind == TicketKind.COMPLAINT,
                        other.id != ticket_id,
                        or_(other.opened_at < ours, other.opened_at.is_(None)),
                    )
                )
            )
            result.append((ticket_id, customer_id, code, received_on, ours, repeats))
        return result

    def department_repeats(self, calendar: BusinessCalendar) -> list[DepartmentRepeats]:
        """Per department: complaints forwarded, handed on late, and repeat complaints that
        fell on a late hand-on (seed 000:3.2.3)."""
        tally: dict[str, list[Any]] = {}
        for ticket_id, _, code, received_on, ours, repeats in self.forwarded_complaints():
            row = tally.setdefault(code, [0, 0, 0, []])
            row[0] += 1
            if late_hand_on(received_on, ours, calendar):
                row[1] += 1
            caused = [
                at
                for at in repeats
                if repeat_caused_by_late_hand_on(received_on, ours, at, calendar)
            ]
            if caused:
                row[2] += len(caused)
                row[3].append(ticket_id)
        return [
            DepartmentRepeats(code, forwarded, late, count, tuple(ids))
            for code, (forwarded, late, count, ids) in sorted(tally.items())
        ]
