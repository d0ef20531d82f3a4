"""The one repository every screen uses, and the unit of work that wraps it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Select, delete, func, literal, select
from sqlalchemy.orm import aliased, selectinload

from deskui.data import caller_lookup
from deskui.data import models as m
from deskui.data.callback_store import CallbackStore
from deskui.data.complaint_store import ComplaintStore
from deskui.data.database import Database
from deskui.data.frontdesk_store import FrontDeskStore
from deskui.data.handover_store import HandoverStore
from deskui.data.pause_store import PauseStore
from deskui.data.profile_store import ProfileStore
from deskui.data.reception_store import ReceptionStore
from deskui.data.records import (
    AgentRecord,
    CallerMatch,
    CallIntake,
    ContactRecord,
    CustomerCard,
    CustomerRecord,
    HistoryRow,
    NewTicket,
    NotificationRecord,
    SavedCall,
    TicketRecord,
    WorkItem,
)
from deskui.data.relations_store import RelationsStore
from deskui.data.survey_store import SurveyStore
from deskui.domain.deadlines import (
    DeadlinePolicy,
    escalation_role,
    first_contact_due,
    profile_filing_due,
    repeat_contact_due,
)
from deskui.domain.model import DeadlineKind, Role, Severity, SubjectType, TicketKind
from deskui.domain.phone import reversed_digits
from deskui.domain.routing import DEFAULT_RULES, RoutingRule, propose_department
from deskui.domain.search import Lookup, LookupKind, name_grams


class Repository(
    ProfileStore,
    ComplaintStore,
    CallbackStore,
    SurveyStore,
    HandoverStore,
    FrontDeskStore,
    ReceptionStore,
    RelationsStore,
    PauseStore,
):
    """Reads and writes in terms of the glossary; callers never see SQL or ORM objects."""

    # -- agents -------------------------------------------------------------------------

    def agents(self) -> list[AgentRecord]:
        rows = self.session.scalars(
            select(m.Agent).where(m.Agent.active.is_(True)).order_by(m.Agent.id)
        )
        return [_agent(a) for a in rows]

    def add_agent(self, name: str, role: str, now: datetime, team: str = "default") -> AgentRecord:
        agent = m.Agent(name=name.strip(), role=role, team=team, created_at=now)
        self.session.add(agent)
        self.session.flush()
        self._changed("agent", agent.id, now)
        return _agent(agent)

    # -- the desk: open deadlines as rows (DESIGN.md 2) -----------------------------------

    def _work_query(self, owner_id: int | None, team: str | None) -> Select[Any]:
        query = select(m.Deadline).where(m.Deadline.met_at.is_(None))
        if owner_id is not None:
            query = query.where(m.Deadline.owner_id == owner_id)
        if team is not None:
            query = query.where(m.Deadline.team == team)
        return query

    def work_count(self, owner_id: int | None = None, team: str | None = None) -> int:
        query = self._work_query(owner_id, team).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def work_rows(
        self, offset: int, limit: int, owner_id: int | None = None, team: str | None = None
    ) -> list[WorkItem]:
        owner = aliased(m.Agent)
        query = (
            self._work_query(owner_id, team)
            .add_columns(m.Customer.name, owner.name)
            .outerjoin(m.Customer, m.Customer.id == m.Deadline.customer_id)
            .outerjoin(owner, owner.id == m.Deadline.owner_id)
            .order_by(m.Deadline.due_at, m.Deadline.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            WorkItem(
                deadline_id=d.id,
                kind=d.kind,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                label=d.label,
                customer_name=customer_name or "",
                owner_name=owner_name or "",
                severity=d.severity,
                starts_at=d.starts_at,
                due_at=d.due_at,
                paused_at=d.paused_at,
                note=d.note or "",
            )
            for d, customer_name, owner_name in self.session.execute(query)
        ]

    def latest_open_due(self) -> datetime | None:
        """The furthest open deadline of the site (callbacks and bookings have theirs too): the
        desk warns about a year the calendar does not know only once work reaches into it."""
        return self.session.scalar(
            select(func.max(m.Deadline.due_at)).where(m.Deadline.met_at.is_(None))
        )

    # -- customers ------------------------------------------------------------------------

    def customer_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(m.Customer)) or 0)

    def customers(self) -> list[CustomerRecord]:
        query = (
            select(m.Customer).options(selectinload(m.Customer.contacts)).order_by(m.Customer.id)
        )
        agents = {a.id: a.name for a in self.session.scalars(select(m.Agent))}
        return [_customer(c, agents) for c in self.session.scalars(query)]

    # -- caller lookup (seed 002:2.2: who is calling) -----------------------------------------

    def index_customer_names(self, customer_id: int) -> None:
        """Refresh the name pieces of one customer and its contacts."""
        self.session.execute(delete(m.SearchGram).where(m.SearchGram.customer_id == customer_id))
        names = [self.session.get_one(m.Customer, customer_id).name]
        names += self.session.scalars(
            select(m.Contact.name).where(m.Contact.customer_id == customer_id)
        ).all()
        grams = set().union(*(name_grams(name) for name in names))
        self.session.add_all(m.SearchGram(gram=g, customer_id=customer_id) for g in sorted(grams))

    def find_callers(self, lookup: Lookup, limit: int = 20) -> list[CallerMatch]:
        """Customers answering to a number, its last digits or a name piece; best first."""
        connection = self.session.connection()
        if lookup.kind is LookupKind.PHONE and lookup.phone.short:
            return caller_lookup.by_short_number(connection, lookup.value, limit)
        if lookup.kind is LookupKind.PHONE:
            return caller_lookup.by_number(connection, lookup.value, limit)
        if lookup.kind is LookupKind.DIGITS:
            return caller_lookup.by_last_digits(connection, lookup.value, limit)
        if lookup.kind is LookupKind.NAME:
            pieces = sorted(name_grams(lookup.value))[:8]
            needle = "".join(lookup.value.casefold().split())
            return caller_lookup.by_name(connection, pieces, needle, limit) if pieces else []
        return []

    def customer_card(self, customer_id: int) -> CustomerCard:
        card = caller_lookup.card(self.session.connection(), customer_id)
        if card is None:
            raise LookupError(f"no customer {customer_id}")
        return card

    def _history_union(self, customer_id: int) -> Any:
        def open_deadline(subject: SubjectType, subject_id: Any, column: Any) -> Any:
            return (
                select(column)
                .where(
                    m.Deadline.subject_type == subject,
                    m.Deadline.subject_id == subject_id,
                    m.Deadline.met_at.is_(None),
                )
                .order_by(m.Deadline.due_at)
                .limit(1)
                .scalar_subquery()
            )

        tickets = (
            select(
                literal("ticket").label("kind"),
                m.Ticket.id.label("subject_id"),
                m.Ticket.opened_at.label("at"),
                m.Ticket.customer_words.label("summary"),
                m.Ticket.status.label("status"),
                m.Agent.name.label("handler"),
                open_deadline(SubjectType.TICKET, m.Ticket.id, m.Deadline.due_at).label("due_at"),
                open_deadline(SubjectType.TICKET, m.Ticket.id, m.Deadline.starts_at).label(
                    "starts_at"
                ),
            )
            .join(m.Agent, m.Agent.id == m.Ticket.owner_id)
            .where(m.Ticket.customer_id == customer_id)
        )
        callbacks = (
            select(
                literal("callback").label("kind"),
                m.Callback.id,
                m.Callback.due_at,
                m.Callback.purpose,
                m.Callback.status,
                func.coalesce(m.Agent.name, ""),
                open_deadline(SubjectType.CALLBACK, m.Callback.id, m.Deadline.due_at),
                open_deadline(SubjectType.CALLBACK, m.Callback.id, m.Deadline.starts_at),
            )
            .outerjoin(m.Agent, m.Agent.id == m.Callback.agent_id)
            .where(m.Callback.customer_id == customer_id)
        )
        return tickets.union_all(callbacks).subquery()

    def history_count(self, customer_id: int) -> int:
        history = self._history_union(customer_id)
        return int(self.session.scalar(select(func.count()).select_from(history)) or 0)

    def history_rows(self, customer_id: int, offset: int, limit: int) -> list[HistoryRow]:
        history = self._history_union(customer_id)
        query = (
            select(history)
            .order_by(history.c.at.desc(), history.c.subject_id.desc())
            .offset(offset)
            .limit(limit)
        )
        utc = m.UTCDateTime()
        return [
            HistoryRow(
                kind=row.kind,
                subject_id=row.subject_id,
                at=utc.process_result_value(row.at, None),  # type: ignore[arg-type]
                summary=row.summary,
                status=row.status,
                handler=row.handler,
                due_at=utc.process_result_value(row.due_at, None),
                starts_at=utc.process_result_value(row.starts_at, None),
            )
            for row in self.session.execute(query)
        ]

    def routing_rules(self) -> list[RoutingRule]:
        rows = self.session.scalars(select(m.RoutingRule).order_by(m.RoutingRule.id)).all()
        if not rows:
            return list(DEFAULT_RULES)
        return [
            RoutingRule(
                TicketKind(r.kind),
                r.category,
                r.department_code,
                tuple(a for a in r.also.split(",") if a),
            )
            for r in rows
        ]

    def departments(self) -> list[tuple[str, str, str]]:
        return [
            (d.code, d.name_zh, d.name_en)
            for d in self.session.scalars(select(m.Department).order_by(m.Department.id))
        ]

    def record_call(self, intake: CallIntake, agent_id: int, now: datetime) -> SavedCall:
        """One call, one unit of work: the customer if new, the ticket, its deadlines, the
        routing proposal, escalation, and the draft gone (seed 002:2.2-2.3)."""
        owner = self.session.get_one(m.Agent, agent_id)
        customer_id = intake.customer_id
        if customer_id is None:
            phone = intake.caller_phone or None
            customer = m.Customer(
                name=intake.new_customer_name.strip(),
                phone_e164=phone,
                phone_extension=(intake.caller_extension or None) if phone else None,
                phone_reversed=reversed_digits(phone) if phone else None,
                unit_number=intake.unit_number,
                assigned_agent_id=agent_id,
                created_at=now,
                updated_at=now,
            )
            self.session.add(customer)
            self.session.flush()
            customer_id = customer.id
            self._changed("customer", customer_id, now)
            # CS files a new customer's profile within 24 hours (seed 000:1.4.3)
            self.add_deadline(
                DeadlineKind.PROFILE_FILING,
                SubjectType.CUSTOMER,
                customer_id,
                agent_id,
                now,
                profile_filing_due(self.policy, "cs", now),
                customer_id=customer_id,
                team=owner.team,
            )
        contact_id = intake.contact_id
        if contact_id is None and intake.new_contact_name.strip():
            phone = intake.caller_phone or None
            contact = m.Contact(
                customer_id=customer_id,
                name=intake.new_contact_name.strip(),
                phone_e164=phone,
                phone_extension=(intake.caller_extension or None) if phone else None,
                phone_reversed=reversed_digits(phone) if phone else None,
            )
            self.session.add(contact)
            self.session.flush()
            contact_id = contact.id
        if intake.customer_id is None or intake.new_contact_name.strip():
            self.index_customer_names(customer_id)
        department = intake.department_code
        if department is None:
            rule = propose_department(intake.kind, intake.category, self.routing_rules())
            department = rule.department if rule else None
        ticket_id = self.open_ticket(
            NewTicket(
                customer_id=customer_id,
                contact_id=contact_id,
                kind=intake.kind,
                category=intake.category,
                channel=intake.channel,
                severity=intake.severity,
                customer_words=intake.customer_words,
                expectation=intake.expectation,
                unit_number=intake.unit_number,
                caller_phone=intake.caller_phone,
                received_by_department_on=intake.received_by_department_on,
                caller_extension=intake.caller_extension,
            ),
            agent_id,
            now,
            department_code=department,
        )
        if intake.forwarded_by and intake.received_by_department_on is not None:
            self._record_forward(ticket_id, intake, agent_id, now)
        ticket = self.session.get_one(m.Ticket, ticket_id)
        closed = intake.close_now and intake.kind == TicketKind.QUESTION and bool(intake.answer)
        if closed:
            ticket.answer = intake.answer
            ticket.status = "closed"
            ticket.closed_at = now
            self._event(ticket_id, agent_id, now, "answered", {"answer": intake.answer[:200]})
            self.meet_deadlines(SubjectType.TICKET, ticket_id, now)
        elif intake.severity == Severity.URGENT:
            # urgent: keep the customer informed 1-2 times a day (seed 002:2.3.2)
            self.add_deadline(
                DeadlineKind.REPEAT_CONTACT,
                SubjectType.TICKET,
                ticket_id,
                agent_id,
                now,
                repeat_contact_due(self.policy, now),
                customer_id=customer_id,
                label=ticket.customer_words[:60],
                severity=intake.severity,
                team=owner.team,
            )
        self.delete_draft(agent_id, "intake")
        due = first_contact_due(self.policy, Severity(intake.severity), now)
        return SavedCall(ticket_id, customer_id, department, due, closed)

    def _record_forward(
        self, ticket_id: int, intake: CallIntake, agent_id: int, now: datetime
    ) -> None:
        """A complaint keeps which department had it and since when, for its delay and the
        repeat complaints counted against that department (seed 000:3.2.2-3.2.3)."""
        assert intake.forwarded_by and intake.received_by_department_on is not None
        if intake.kind == TicketKind.COMPLAINT:
            self.record_forwarded(
                ticket_id, intake.forwarded_by, intake.received_by_department_on, now
            )
            return
        detail = {
            "department": intake.forwarded_by,
            "received_on": intake.received_by_department_on.isoformat(),
        }
        self._event(ticket_id, agent_id, now, "forwarded", detail)

    # -- tickets --------------------------------------------------------------------------

    def open_ticket(
        self, new: NewTicket, owner_id: int, now: datetime, department_code: str | None = None
    ) -> int:
        """File a ticket owned by whoever took it (seed 001:5.5), with its first-contact due."""
        customer = self.session.get_one(m.Customer, new.customer_id)
        owner = self.session.get_one(m.Agent, owner_id)
        department_id = None
        if department_code:
            department_id = self.session.scalar(
                select(m.Department.id).where(m.Department.code == department_code)
            )
        ticket = m.Ticket(
            customer_id=new.customer_id,
            contact_id=new.contact_id,
            kind=new.kind,
            category=new.category,
            channel=new.channel,
            severity=new.severity,
            status="open",
            owner_id=owner_id,
            department_id=department_id,
            unit_number=new.unit_number or customer.unit_number,
            customer_words=new.customer_words,
            expectation=new.expectation,
            caller_phone=new.caller_phone,
            caller_extension=new.caller_extension,
            received_by_department_on=new.received_by_department_on,
            opened_at=now,
        )
        self.session.add(ticket)
        self.session.flush()
        self._event(ticket.id, owner_id, now, "opened", {"owner": owner.name})
        severity = Severity(new.severity)
        self.add_deadline(
            DeadlineKind.FIRST_CONTACT,
            SubjectType.TICKET,
            ticket.id,
            owner_id,
            now,
            first_contact_due(self.policy, severity, now),
            label=_summary(new.customer_words),
            customer_id=customer.id,
            severity=new.severity,
            team=owner.team,
        )
        role = escalation_role(severity)
        if role is not None:
            self._escalate(ticket.id, role, owner.team, now, customer.name, new.severity)
        self._changed("ticket", ticket.id, now)
        return ticket.id

    def _escalate(
        self, ticket_id: int, role: Role, team: str, now: datetime, customer: str, severity: str
    ) -> None:
        # seed 002:2.3.2: urgent goes to the supervisor, critical to the CS manager
        query = select(m.Agent).where(m.Agent.role == role, m.Agent.active.is_(True))
        targets = list(self.session.scalars(query))
        for agent in targets:
            self.session.add(
                m.Notification(
                    agent_id=agent.id,
                    kind=f"escalation_{severity}",
                    subject_type=SubjectType.TICKET,
                    subject_id=ticket_id,
                    text=customer,
                    created_at=now,
                )
            )
        if targets:
            self._event(ticket_id, None, now, "escalated", {"to": [a.name for a in targets]})

    def tickets(self, ticket_id: int | None = None) -> list[TicketRecord]:
        """Every ticket, or the one with `ticket_id`, oldest first."""
        contact = aliased(m.Contact)
        first_contact = (
            select(m.Deadline.due_at)
            .where(
                m.Deadline.subject_type == SubjectType.TICKET,
                m.Deadline.subject_id == m.Ticket.id,
                m.Deadline.kind == DeadlineKind.FIRST_CONTACT,
            )
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(m.Ticket, m.Customer.name, contact.name, m.Agent.name, m.Department.code)
            .add_columns(first_contact)
            .join(m.Customer, m.Customer.id == m.Ticket.customer_id)
            .join(m.Agent, m.Agent.id == m.Ticket.owner_id)
            .outerjoin(contact, contact.id == m.Ticket.contact_id)
            .outerjoin(m.Department, m.Department.id == m.Ticket.department_id)
            .order_by(m.Ticket.id)
        )
        if ticket_id is not None:
            query = query.where(m.Ticket.id == ticket_id)
        return [
            TicketRecord(
                id=t.id,
                customer_id=t.customer_id,
                customer_name=customer_name,
                contact_name=contact_name,
                kind=t.kind,
                category=t.category,
                channel=t.channel,
                severity=t.severity,
                status=t.status,
                owner_name=owner_name,
                department_code=department_code,
                unit_number=t.unit_number,
                customer_words=t.customer_words,
                expectation=t.expectation,
                opened_at=t.opened_at,
                first_contact_due=due,
                closed_at=t.closed_at,
            )
            for t, customer_name, contact_name, owner_name, department_code, due in (
                self.session.execute(query)
            )
        ]

    def history(
        self, ticket_id: int | None = None
    ) -> Iterator[tuple[int, str, str, datetime, str, dict[str, object]]]:
        """Every ticket event, or one ticket's: (ticket id, customer, agent, at, action, detail)."""
        query = (
            select(m.TicketEvent, m.Customer.name, m.Agent.name)
            .join(m.Ticket, m.Ticket.id == m.TicketEvent.ticket_id)
            .join(m.Customer, m.Customer.id == m.Ticket.customer_id)
            .outerjoin(m.Agent, m.Agent.id == m.TicketEvent.agent_id)
            .order_by(m.TicketEvent.id)
        )
        if ticket_id is not None:
            query = query.where(m.TicketEvent.ticket_id == ticket_id)
        for event, customer_name, agent_name in self.session.execute(query):
            yield (
                event.ticket_id,
                customer_name,
                agent_name or "",
                event.at,
                event.action,
                dict(event.detail or {}),
            )

    # -- callbacks and handover (read side for export; later issues add the flows) ------------

    def callbacks(self) -> Sequence[tuple[Any, ...]]:
        query = (
            select(m.Callback, m.Customer.name, m.Agent.name)
            .join(m.Customer, m.Customer.id == m.Callback.customer_id)
            .outerjoin(m.Agent, m.Agent.id == m.Callback.agent_id)
            .order_by(m.Callback.due_at, m.Callback.id)
        )
        return [
            (
                c.id,
                customer_name,
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

    def handover_items(self) -> Sequence[tuple[Any, ...]]:
        giver = aliased(m.Agent)
        taker = aliased(m.Agent)
        query = (
            select(m.HandoverItem, m.Customer.name, giver.name, taker.name)
            .outerjoin(m.Customer, m.Customer.id == m.HandoverItem.customer_id)
            .join(giver, giver.id == m.HandoverItem.from_agent_id)
            .outerjoin(taker, taker.id == m.HandoverItem.to_agent_id)
            .order_by(m.HandoverItem.id)
        )
        return [
            (
                h.id,
                h.sheet,
                h.status,
                customer_name or "",
                h.title,
                h.done_so_far,
                h.next_step,
                h.due_at,
                from_name,
                to_name or "",
                h.note,
                h.acknowledged_at,
            )
            for h, customer_name, from_name, to_name in self.session.execute(query)
        ]

    # -- notifications ------------------------------------------------------------------------

    def unread_notifications(self, agent_id: int) -> list[NotificationRecord]:
        query = (
            select(m.Notification)
            .where(m.Notification.agent_id == agent_id, m.Notification.read_at.is_(None))
            .order_by(m.Notification.id)
        )
        return [
            NotificationRecord(n.id, n.kind, n.text, n.created_at, n.subject_type, n.subject_id)
            for n in self.session.scalars(query)
        ]

    def mark_read(self, notification_ids: Sequence[int], now: datetime) -> None:
        for notification in self.session.scalars(
            select(m.Notification).where(m.Notification.id.in_(notification_ids))
        ):
            notification.read_at = now

    # -- calendar, drafts, changes -----------------------------------------------------------

    def calendar_overrides(self) -> dict[date, bool]:
        return {d.day: d.is_working for d in self.session.scalars(select(m.CalendarDay))}

    def set_calendar_day(self, day: date, is_working: bool, note: str = "") -> None:
        self.session.merge(m.CalendarDay(day=day, is_working=is_working, note=note))

    def calendar_days(self) -> list[tuple[date, bool, str]]:
        """The site's overrides with their notes, by date."""
        query = select(m.CalendarDay).order_by(m.CalendarDay.day)
        return [(d.day, d.is_working, d.note) for d in self.session.scalars(query)]

    def save_draft(
        self, agent_id: int, form: str, payload: dict[str, object], now: datetime, key: str = ""
    ) -> None:
        self.session.merge(
            m.Draft(agent_id=agent_id, form=form, subject_key=key, payload=payload, updated_at=now)
        )

    def load_draft(self, agent_id: int, form: str, key: str = "") -> dict[str, object] | None:
        draft = self.session.get(m.Draft, (agent_id, form, key))
        return dict(draft.payload) if draft else None

    def delete_draft(self, agent_id: int, form: str, key: str = "") -> None:
        self.session.execute(
            delete(m.Draft).where(
                m.Draft.agent_id == agent_id, m.Draft.form == form, m.Draft.subject_key == key
            )
        )

    def last_change_id(self) -> int:
        return int(self.session.scalar(select(func.max(m.Change.id))) or 0)

    def changes_since(self, change_id: int) -> list[tuple[int, str, int]]:
        query = select(m.Change.id, m.Change.entity, m.Change.entity_id).where(
            m.Change.id > change_id
        )
        return [(i, e, eid) for i, e, eid in self.session.execute(query.order_by(m.Change.id))]


class UnitOfWork:
    """A transaction around the repository: rolls back unless `commit()` was called."""

    def __init__(
        self, database: Database, policy: DeadlinePolicy | None = None, *, quick: bool = False
    ) -> None:
        self._database = database
        self._policy = policy
        self._quick = quick
        """Read on the UI thread: a busy file fails fast instead of waiting (reads only)."""

    def __enter__(self) -> UnitOfWork:
        self.session = self._database.quick_session() if self._quick else self._database.session()
        self.repo = Repository(self.session, self._policy)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()


def _agent(agent: m.Agent) -> AgentRecord:
    return AgentRecord(agent.id, agent.name, agent.role, agent.team)


def _customer(customer: m.Customer, agents: dict[int, str]) -> CustomerRecord:
    return CustomerRecord(
        id=customer.id,
        name=customer.name,
        address=customer.address,
        phone_e164=customer.phone_e164,
        phone_extension=customer.phone_extension,
        unit_number=customer.unit_number,
        assigned_agent=agents.get(customer.assigned_agent_id or -1),
        contacts=tuple(
            ContactRecord(
                c.id,
                c.name,
                c.role,
                c.position,
                c.gender,
                c.phone_e164,
                c.phone_extension,
                c.email,
                c.birthday,
                c.convenient_time,
            )
            for c in customer.contacts
        ),
    )


def _summary(words: str) -> str:
    line = " ".join(words.split())
    return line[:60]
