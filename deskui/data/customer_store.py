"""Customers as the caller lookup sees them: who is calling, their card, their history
(seed 002:2.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import selectinload

from deskui.data import caller_lookup
from deskui.data import models as m
from deskui.data.deadline_store import open_of
from deskui.data.history import HistoryEntry, entry_changes, newest_first
from deskui.data.missing import MissingRecord
from deskui.data.records import (
    CallerMatch,
    ContactRecord,
    CustomerCard,
    CustomerRecord,
    HistoryRow,
)
from deskui.data.search_index import reindex_customers
from deskui.data.store_base import StoreBase
from deskui.domain.model import SubjectType
from deskui.domain.search import Lookup, LookupKind, name_grams

EDITS = ("changed", "contact_changed", "assigned")
"""Actions whose entry is its changed fields: a save that changed none appends no entry."""


class CustomerStore(StoreBase):
    """Caller lookup, the customer card and the customer's history of tickets and callbacks."""

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
        """Refresh the name pieces of one customer and its contacts (every flush does it by
        itself: deskui/data/search_index.py)."""
        self.session.flush()
        reindex_customers(self.session.connection(), [customer_id])

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

    def customers_named(self, name: str, limit: int = 5) -> list[tuple[int, str]]:
        """Customers whose name holds `name` (天合科技 in 北京天合科技有限公司), as (id, name),
        fewest extra characters first: the customer a visitor names at the desk."""
        needle = name.strip()
        if not needle:
            return []
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.session.execute(
            select(m.Customer.id, m.Customer.name)
            .where(m.Customer.name.like(f"%{escaped}%", escape="\\"))
            .order_by(func.length(m.Customer.name), m.Customer.id)
            .limit(limit)
        ).all()
        return [(int(row.id), str(row.name)) for row in rows]

    def contact_named(self, customer_id: int, name: str) -> int | None:
        """The customer's contact of that name, if it has one."""
        return self.session.scalar(
            select(m.Contact.id)
            .where(m.Contact.customer_id == customer_id, m.Contact.name == name.strip())
            .order_by(m.Contact.id)
            .limit(1)
        )

    def customer_exists(self, customer_id: int) -> bool:
        return self.session.get(m.Customer, customer_id) is not None

    def contact_customer(self, contact_id: int) -> int | None:
        """The customer a contact belongs to (None: no such contact)."""
        return self.session.scalar(select(m.Contact.customer_id).where(m.Contact.id == contact_id))

    def customer_card(self, customer_id: int) -> CustomerCard:
        card = caller_lookup.card(self.session.connection(), customer_id)
        if card is None:
            raise MissingRecord("customer", customer_id)
        return card

    def _history_union(self, customer_id: int) -> Any:
        def open_deadline(subject: SubjectType, subject_id: Any, column: Any) -> Any:
            return (
                select(column)
                .where(*open_of(subject, subject_id))
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

    # -- the customer's own history: each change, field by field (issue 16) ------------------

    def record_change(
        self,
        customer_id: int,
        agent_id: int | None,
        now: datetime,
        action: str,
        changes: dict[str, list[Any]],
        contact: m.Contact | None = None,
    ) -> None:
        """Append one entry (in this transaction); a save that changed nothing appends none,
        unless the action itself is the news (a contact removed)."""
        if not changes and action in EDITS:
            return
        self.session.add(
            m.CustomerChange(
                customer_id=customer_id,
                contact_id=contact.id if contact is not None else None,
                contact_name=(contact.name if contact is not None else "")[:80],
                agent_id=agent_id,
                at=now,
                action=action,
                detail=changes,
            )
        )

    def customer_fields(self, customer: m.Customer) -> dict[str, object]:
        """The fields of a customer an entry compares, the agent by name."""
        agent = self.session.get(m.Agent, customer.assigned_agent_id or -1)
        return {
            "name": customer.name,
            "address": customer.address,
            "phone": customer.phone_e164,
            "phone_extension": customer.phone_extension,
            "unit_number": customer.unit_number,
            "contract_signed_on": customer.contract_signed_on,
            "founded_on": customer.founded_on,
            "needs_sales_confirmation": bool(customer.needs_sales_confirmation),
            "agent": agent.name if agent else None,
        }

    def customer_history(self, customer_id: int) -> list[HistoryEntry]:
        """Every entry of one customer and its contacts, newest first."""
        changes = m.CustomerChange
        return [
            HistoryEntry(
                id=change.id,
                at=change.at,
                agent_name=name,
                action=change.action,
                changes=entry_changes(change.detail or {}),
                subject=change.contact_name,
            )
            for change, name in newest_first(
                self.session, changes, changes.customer_id == customer_id
            )
        ]


def contact_fields(contact: m.Contact) -> dict[str, object]:
    """The fields of a contact an entry compares, named as the contact form names them."""
    return {
        "contact": contact.name,
        "role": contact.role,
        "position": contact.position,
        "contact_phone": contact.phone_e164,
        "phone_extension": contact.phone_extension,
        "email": contact.email,
        "gender": contact.gender,
        "birthday": contact.birthday,
        "convenient_time": contact.convenient_time,
        "personal_notes": contact.personal_notes,
    }


def _customer(customer: m.Customer, agents: dict[int, str]) -> CustomerRecord:
    return CustomerRecord(
        id=customer.id,
        name=customer.name,
        address=customer.address,
        phone_e164=customer.phone_e164,
        phone_extension=customer.phone_extension,
        unit_number=customer.unit_number,
        assigned_agent=agents.get(customer.assigned_agent_id or -1),
        founded_on=customer.founded_on,
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
