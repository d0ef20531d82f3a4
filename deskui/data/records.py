"""Plain dataclasses the repository hands to screens: ORM objects never leave a worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AgentRecord:
    id: int
    name: str
    role: str
    team: str
    department_code: str | None = None


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One open deadline as a row of the desk, a queue or the team view."""

    deadline_id: int
    kind: str
    subject_type: str
    subject_id: int
    label: str
    customer_name: str
    owner_name: str
    severity: str | None
    starts_at: datetime
    due_at: datetime
    paused_at: datetime | None
    note: str = ""
    """Tells deadlines of one kind apart: a profile filing's `cs`, `sales`, `personal_notes`."""


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    kind: str
    text: str
    created_at: datetime
    subject_type: str | None
    subject_id: int | None


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    name: str
    role: str
    position: str
    gender: str
    phone_e164: str | None
    phone_extension: str | None
    email: str
    birthday: date | None
    convenient_time: str


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    name: str
    address: str
    phone_e164: str | None
    unit_number: str
    assigned_agent: str | None
    contacts: tuple[ContactRecord, ...] = field(default_factory=tuple)
    phone_extension: str | None = None
    founded_on: date | None = None
    """公司成立日期: its anniversary is a special-occasion callback (seed 000:2.5.1.2)."""


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: int
    customer_id: int
    customer_name: str
    contact_name: str | None
    kind: str
    category: str
    channel: str
    severity: str
    status: str
    owner_name: str
    department_code: str | None
    unit_number: str
    customer_words: str
    expectation: str
    opened_at: datetime
    first_contact_due: datetime | None
    closed_at: datetime | None
    version: int = 0
    """The ticket's version as read: an edit made from this record carries it."""
    answer: str = ""
    """The answer or result written into the record (seed 002:2.3.2, 2.4.2)."""
    caller_phone: str = ""
    caller_extension: str = ""
    caller_email: str = ""
    caller_fax: str = ""


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What intake collects; the repository turns it into a ticket, its history and deadlines."""

    customer_id: int
    kind: str
    category: str
    channel: str
    severity: str
    customer_words: str
    expectation: str = ""
    unit_number: str = ""
    contact_id: int | None = None
    caller_phone: str = ""
    caller_extension: str = ""
    received_by_department_on: date | None = None
    caller_email: str = ""
    caller_fax: str = ""


@dataclass(frozen=True, slots=True)
class CallerMatch:
    """One customer that answers to what was typed in the caller field."""

    customer_id: int
    name: str
    phone_e164: str | None
    unit_number: str
    matched_by: str
    contact_name: str = ""


@dataclass(frozen=True, slots=True)
class CustomerCard:
    customer: CustomerRecord
    open_tickets: int
    callbacks_due: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A ticket or callback in a customer's history, newest first."""

    kind: str
    subject_id: int
    at: datetime
    summary: str
    status: str
    handler: str
    due_at: datetime | None
    starts_at: datetime | None
    paused_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallIntake:
    """Everything the intake form collected for one call."""

    kind: str
    category: str
    channel: str
    severity: str
    customer_words: str
    expectation: str = ""
    unit_number: str = ""
    caller_phone: str = ""
    caller_extension: str = ""
    """The extension said after the number (转 301): kept apart from it."""
    customer_id: int | None = None
    contact_id: int | None = None
    new_customer_name: str = ""
    new_contact_name: str = ""
    department_code: str | None = None
    answer: str = ""
    close_now: bool = False
    forwarded_by: str | None = None  # the department that received it (seed 000:3.2.2)
    received_by_department_on: date | None = None
    caller_email: str = ""
    """Beside the phone, as the caller gave them (seed 002:2.2.1)."""
    caller_fax: str = ""


@dataclass(frozen=True, slots=True)
class SavedCall:
    ticket_id: int
    customer_id: int
    department_code: str | None
    first_contact_due: datetime
    closed: bool
