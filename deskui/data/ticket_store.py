"""Tickets: the call recorded, routed, escalated and its history (seed 002:2.2-2.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.customer_store import contact_fields
from deskui.data.history import field_changes
from deskui.data.missing import MissingRecord
from deskui.data.records import (
    CallIntake,
    NewTicket,
    SavedCall,
    TicketRecord,
)
from deskui.data.store_base import StoreBase
from deskui.domain.assignment import leads_for
from deskui.domain.deadlines import escalation_recipients, first_contact_due
from deskui.domain.intake import CallPlan
from deskui.domain.model import (
    DeadlineKind,
    Role,
    Severity,
    SubjectType,
    TicketKind,
    TicketStatus,
)
from deskui.domain.phone import reversed_digits
from deskui.domain.routing import CUSTOMER_SERVICE, DEFAULT_RULES, RoutingRule
from deskui.domain.ticket_life import TicketMove, TicketState, Transition, next_state


class TicketStore(StoreBase):
    """Record a call, open, route and escalate tickets, read them and their history."""

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

    def ticket_state(self, ticket_id: int) -> TicketState:
        """What the ticket's life reads of it (domain/ticket_life); `MissingRecord` when
        there is none."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        open_leg = self.session.scalar(
            select(m.DepartmentLeg.id)
            .where(m.DepartmentLeg.ticket_id == ticket_id, m.DepartmentLeg.returned_at.is_(None))
            .limit(1)
        )
        return TicketState(
            TicketStatus(ticket.status), ticket.closed_at is not None, open_leg is not None
        )

    def ticket_kind(self, ticket_id: int) -> str:
        """The ticket's kind (question, complaint); `MissingRecord` when there is none."""
        return self.session.get_one(m.Ticket, ticket_id).kind

    def record_call(
        self, intake: CallIntake, agent_id: int, now: datetime, plan: CallPlan
    ) -> SavedCall:
        """One call, one unit of work, as the intake service planned it (domain/intake's
        plan_call: the department, the close at intake, the deadlines): the customer if new,
        the ticket, its deadlines, escalation, and the draft gone (seed 002:2.2-2.3)."""
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
            customers = self._uow.customers
            fields = field_changes({}, customers.customer_fields(customer))
            customers.record_change(customer_id, agent_id, now, "created", fields)
            self._changed("customer", customer_id, now)
        # CS files a new customer's profile within 24 hours (seed 000:1.4.3), its personal
        # notes within a month (1.4.2): each filing says which it is, as the profiles' do
        for filing, due in (
            ("cs", plan.profile_filing_due),
            ("personal_notes", plan.personal_notes_due),
        ):
            if due is None:
                continue
            filing_id = self.add_deadline(
                DeadlineKind.PROFILE_FILING,
                SubjectType.CUSTOMER,
                customer_id,
                agent_id,
                now,
                due,
                customer_id=customer_id,
                team=owner.team,
            )
            self.session.get_one(m.Deadline, filing_id).note = filing
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
            fields = field_changes({}, contact_fields(contact))
            self._uow.customers.record_change(
                customer_id, agent_id, now, "contact_added", fields, contact
            )
        if intake.customer_id is None or intake.new_contact_name.strip():
            self._uow.customers.index_customer_names(customer_id)
        department = plan.department
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
                caller_email=intake.caller_email.strip(),
                caller_fax=intake.caller_fax.strip(),
            ),
            agent_id,
            now,
            department_code=department,
        )
        if intake.forwarded_by and intake.received_by_department_on is not None:
            self._record_forward(ticket_id, intake, agent_id, now)
        ticket = self.session.get_one(m.Ticket, ticket_id)
        closed = plan.closes
        if closed:
            answered = next_state(TicketState(TicketStatus(ticket.status)), TicketMove.ANSWERED)
            assert isinstance(answered, Transition)  # a ticket opened just now
            ticket.answer = intake.answer
            save_transition(ticket, answered, now)
            self._event(ticket_id, agent_id, now, "answered", {"answer": intake.answer[:200]})
            self.meet_deadlines(SubjectType.TICKET, ticket_id, now)
        elif plan.repeat_contact_due is not None:
            # urgent: keep the customer informed 1-2 times a day (seed 002:2.3.2)
            self.add_deadline(
                DeadlineKind.REPEAT_CONTACT,
                SubjectType.TICKET,
                ticket_id,
                agent_id,
                now,
                plan.repeat_contact_due,
                customer_id=customer_id,
                label=ticket.customer_words[:60],
                severity=intake.severity,
                team=owner.team,
            )
        self._uow.drafts.delete_draft(agent_id, "intake")
        return SavedCall(ticket_id, customer_id, department, plan.first_contact_due, closed)

    def _record_forward(
        self, ticket_id: int, intake: CallIntake, agent_id: int, now: datetime
    ) -> None:
        """A complaint keeps which department had it and since when, for its delay and the
        repeat complaints counted against that department (seed 000:3.2.2-3.2.3)."""
        assert intake.forwarded_by and intake.received_by_department_on is not None
        if intake.kind == TicketKind.COMPLAINT:
            self._uow.complaints.record_forwarded(
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
            caller_email=new.caller_email,
            caller_fax=new.caller_fax,
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
        if severity != Severity.NORMAL:
            self._escalate(ticket, severity, owner.team, now, customer.name)
        self._changed("ticket", ticket.id, now)
        return ticket.id

    def _escalate(
        self, ticket: m.Ticket, severity: Severity, team: str, now: datetime, customer: str
    ) -> None:
        """seed 002:2.3.2: urgent to the handling department's supervisor, critical to the
        CS manager and leadership (domain/deadlines.escalation_recipients decides)."""
        ticket_id = ticket.id

        def active(*where: Any) -> list[int]:
            query = select(m.Agent.id).where(m.Agent.active.is_(True), *where)
            return list(self.session.scalars(query.order_by(m.Agent.id)))

        supervisors: list[int] = []
        if ticket.department_id is not None:
            department = self.session.get_one(m.Department, ticket.department_id)
            if department.code != CUSTOMER_SERVICE:
                supervisors = active(
                    m.Agent.role == Role.DEPARTMENT, m.Agent.department_id == department.id
                )
        chosen = escalation_recipients(
            severity,
            department_supervisors=supervisors,
            team_leads=[lead.id for lead in leads_for(team, self._uow.agents.active_leads())],
            managers=active(m.Agent.role == Role.MANAGER),
            leadership=active(m.Agent.name.in_(self.rules.leadership))
            if self.rules.leadership
            else [],
        )
        targets = [self.session.get_one(m.Agent, agent_id) for agent_id in chosen]
        for agent in targets:
            self.session.add(
                m.Notification(
                    agent_id=agent.id,
                    kind=f"escalation_{severity.value}",
                    subject_type=SubjectType.TICKET,
                    subject_id=ticket_id,
                    text=customer,
                    created_at=now,
                )
            )
        if targets:
            self._event(ticket_id, None, now, "escalated", {"to": [a.name for a in targets]})

    def reassign_ticket(
        self,
        ticket_id: int,
        to_agent_id: int,
        by_agent_id: int,
        expected_version: int,
        now: datetime,
    ) -> tuple[str, str]:
        """A lead gives the ticket to another agent: its owner and its open deadlines move, a
        history entry says from whom to whom. Raises `Conflict` when the ticket changed since
        the lead read it (version), `LookupError` when it or the agent is gone."""
        ticket = self.session.get(m.Ticket, ticket_id)
        agent = self.session.get(m.Agent, to_agent_id)
        if ticket is None or agent is None or not agent.active:
            raise MissingRecord("ticket" if ticket is None else "agent", ticket_id)
        if ticket.version != expected_version:
            raise Conflict(
                "ticket",
                ticket_id,
                "",
                None,
                ticket.version,
                {"owner": ticket.owner.name, "status": ticket.status},
            )
        before = ticket.owner.name
        if ticket.owner_id == to_agent_id:
            return before, before
        ticket.owner_id = to_agent_id
        self.session.flush()  # the version moves with the owner
        self._uow.deadlines.move_open(SubjectType.TICKET, ticket_id, to_agent_id, agent.team, now)
        self._event(ticket_id, by_agent_id, now, "reassigned", {"from": before, "to": agent.name})
        self._changed("ticket", ticket_id, now)
        return before, agent.name

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
            .order_by(m.Deadline.id.desc())  # a reopened record counts its first contact again
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
                version=t.version,
                answer=t.answer,
                caller_phone=t.caller_phone,
                caller_extension=t.caller_extension,
                caller_email=t.caller_email,
                caller_fax=t.caller_fax,
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


def _summary(words: str) -> str:
    line = " ".join(words.split())
    return line[:60]


def save_transition(ticket: m.Ticket, transition: Transition, now: datetime) -> None:
    """Write the status the ticket's life decided (domain/ticket_life), closed now if it
    closes."""
    ticket.status = transition.status
    if transition.closes:
        ticket.closed_at = now
    if transition.reopens:
        ticket.closed_at = None
