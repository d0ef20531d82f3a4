"""SQLAlchemy 2.x typed models for the whole glossary (DOMAIN.md). Times are stored in UTC.

The models an idle desk reads (its work list, sign-in, presence, the polls of its tick) are
mapped here; the others are in `deskui.data.later_models`, imported the first time one of them
is asked for (`models.Order` works as ever): mapping all 45 at start cost an idle desk some
4 MB and 40 ms before its first rows (issue 27). The tables here refer to no table of the
later ones, so a row of them is written without those loaded. Whatever needs the whole schema
(the migrations, a copy of every table) calls `every_model()` first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:  # the later models, as `models.<name>` (mapped on first use below)
    from deskui.data import later_models as _later

    CustomerChange = _later.CustomerChange
    TicketEvent = _later.TicketEvent
    HandoverEvent = _later.HandoverEvent
    RoutingRule = _later.RoutingRule
    Draft = _later.Draft
    SearchGram = _later.SearchGram
    TicketGram = _later.TicketGram
    HandoverReport = _later.HandoverReport
    Order = _later.Order
    OrderEvent = _later.OrderEvent
    ComplaintRecord = _later.ComplaintRecord
    CallbackEvent = _later.CallbackEvent
    VisitRequest = _later.VisitRequest
    SurveyForm = _later.SurveyForm
    Promotion = _later.Promotion
    DepartmentLeg = _later.DepartmentLeg
    Attachment = _later.Attachment
    Visit = _later.Visit
    ContractorPass = _later.ContractorPass
    PhoneMessage = _later.PhoneMessage
    Correspondence = _later.Correspondence
    Prospect = _later.Prospect
    ProspectEvent = _later.ProspectEvent
    Gift = _later.Gift
    CustomerEvent = _later.CustomerEvent
    EventInvitee = _later.EventInvitee
    CallTicket = _later.CallTicket


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))


class Agent(Base):
    __tablename__ = "agent"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="agent")
    skills: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    team: Mapped[str] = mapped_column(String(40), default="default")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # sign-in (issue 16): an argon2id hash, never the password; demo people have none
    password_hash: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    failed_signins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Seeded by --demo: signs in from the pick list without a password, nowhere else."""
    extension: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)
    """The agent's phone extension (8001): calls answered there pop on their desk (issue 25)."""


class AuditEntry(Base):
    """Append-only: sign-ins, failures, locks, denied actions, exports, account changes."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    agent_name: Mapped[str] = mapped_column(String(80), default="")
    """As typed at sign-in too, so failures for unknown names are kept."""
    action: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    subject: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class Presence(Base):
    """Which record each agent has open now (issue 16): one row per agent, refreshed by the
    desk's tick; rows older than a few ticks are stale and ignored."""

    __tablename__ = "presence"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(60), index=True)
    seen_at: Mapped[datetime]


class Customer(Base):
    __tablename__ = "customer"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone_e164: Mapped[str | None] = mapped_column(String(32), index=True)
    # 转 301 said after the number: kept apart, the number alone is what a lookup matches
    phone_extension: Mapped[str | None] = mapped_column(String(12))
    phone_reversed: Mapped[str | None] = mapped_column(String(32), index=True)
    unit_number: Mapped[str] = mapped_column(String(40), default="")
    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    contract_signed_on: Mapped[date | None] = mapped_column(Date)
    # its anniversary is a special-occasion callback (公司成立纪念日, seed 000:2.5.1.2)
    founded_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    """Who saved last: a conflict names them (issue 13)."""
    # issue 6: confirm with the customer's sales head before every callback (seed 000:2.5.2.1)
    needs_sales_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", order_by="Contact.id", cascade="all, delete-orphan"
    )


class Contact(Base):
    __tablename__ = "contact"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    role: Mapped[str] = mapped_column(String(20), default="liaison")
    position: Mapped[str] = mapped_column(String(80), default="")
    gender: Mapped[str] = mapped_column(String(10), default="unknown")
    phone_e164: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_extension: Mapped[str | None] = mapped_column(String(12))
    phone_reversed: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    birthday: Mapped[date | None] = mapped_column(Date)
    convenient_time: Mapped[str] = mapped_column(String(80), default="")
    personal_notes: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Ticket(Base):
    """客户问题记录表 (seed 002:2.2)."""

    __tablename__ = "ticket"
    # the lead's measures count by when a ticket opened and closed (issue 17)
    __table_args__ = (
        Index("ix_ticket_opened", "opened_at", "kind"),
        Index("ix_ticket_closed", "closed_at"),
        Index("ix_ticket_open_work", "status", "severity", "department_id"),  # the live view
    )
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    unit_number: Mapped[str] = mapped_column(String(40), default="")
    customer_words: Mapped[str] = mapped_column(Text, default="")
    expectation: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    caller_phone: Mapped[str] = mapped_column(String(64), default="")
    caller_extension: Mapped[str] = mapped_column(String(12), default="", server_default="")
    # beside the phone, as the caller gave them (seed 002:2.2.1, issue 26)
    caller_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    caller_fax: Mapped[str] = mapped_column(String(64), default="", server_default="")
    promised_at: Mapped[datetime | None]
    received_by_department_on: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    owner: Mapped[Agent] = relationship(foreign_keys=[owner_id])
    department: Mapped[Department | None] = relationship()


Index("ix_ticket_caller_phone", Ticket.caller_phone)  # a search by the caller's number


class Callback(Base):
    """回访 (seed 000:2)."""

    __tablename__ = "callback"
    __table_args__ = (Index("ix_callback_due", "due_at"),)  # callback coverage (issue 17)
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    """None for a missed call from a number no customer has (issue 25): `number` says whom."""
    number: Mapped[str] = mapped_column(String(32), default="", server_default="")
    """The number to call back when there is no customer (E.164 or a short number)."""
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    way: Mapped[str] = mapped_column(String(20), default="phone")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime]
    booked_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    answers: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    # issue 6: who called, the follow-up it opened, why it was moved, its occasion
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    follow_up_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    moved_from: Mapped[datetime | None]
    moved_reason: Mapped[str] = mapped_column(String(80), default="")
    occasion: Mapped[str] = mapped_column(String(80), default="")
    # the sales head's last answer before calling (seed 000:2.5.2.1); each one is an event too
    sales_head: Mapped[str] = mapped_column(String(80), default="")
    sales_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    sales_confirmed_at: Mapped[datetime | None]
    sales_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    sales_note: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime | None]
    """Taken from the shared queue (issue 16): the overdue clock for sharing it again starts
    here, or the claimed callback would go straight back to the shared queue."""
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    """Who saved last, and when: a conflict names them (issue 16)."""


class HandoverItem(Base):
    """未完结工作表: unfinished work passed to the next shift (seed 004)."""

    __tablename__ = "handover_item"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet: Mapped[str] = mapped_column(String(20), default="unfinished")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    # a buyer on the seed's sheets often has no profile: the name as the agent wrote it
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    subject_type: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    from_agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    to_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    done_so_far: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    """Who saved last, and when: a conflict names them (issue 16)."""


class CalendarDay(Base):
    """A site override of the official working-day calendar."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")


class SiteSettingRow(Base):
    """A site setting as a lead typed it (deskui.domain.site reads it into rules)."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    updated_at: Mapped[datetime]


class Deadline(Base):
    """Every deadline the desk counts down, as a row (DESIGN.md 2)."""

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_owner_open", "owner_id", "met_at", "due_at"),
        Index("ix_deadline_open_due", "met_at", "due_at"),
        Index("ix_deadline_subject", "subject_type", "subject_id"),
        Index(
            "ix_deadline_kind_due", "kind", "due_at", "met_at"
        ),  # on-time shares by period (issue 17)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    team: Mapped[str] = mapped_column(String(40), default="default")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    label: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str | None] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    due_at: Mapped[datetime]
    met_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")


class Notification(Base):
    """An in-app notice to one agent (escalations, urgent phone messages)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_agent_unread", "agent_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class Change(Base):
    """One row per write, so other desks see it (DESIGN.md 7)."""

    __tablename__ = "change"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]


# -- callbacks (issue 6) --


class CallbackSeen(Base):
    """When each agent last opened the callback queue: callbacks falling due after that make
    the desk say so (issue 6). Kept in the database so it follows the agent to any desk and
    survives a restart; one small row per agent, apart from `agent` (no version bump)."""

    __tablename__ = "callback_seen"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    seen_at: Mapped[datetime]


# -- calls from the phone system (issue 25) --


class Call(Base):
    """One call the PBX told us of (DESIGN.md 12), unique on (source, call_id); its state
    follows from its events (deskui.domain.calls.apply_event)."""

    __tablename__ = "call"
    __table_args__ = (
        Index("ix_call_source_call_id", "source", "call_id", unique=True),
        Index("ix_call_started", "started_at"),
        Index("ix_call_state", "state", "started_at"),
        Index("ix_call_party_outcome", "party_number", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    """Which phone system posted it ("cti": the generic CTI push)."""
    call_id: Mapped[str] = mapped_column(String(200))
    """The PBX's callId (a SIP Call-ID)."""
    direction: Mapped[str] = mapped_column(String(3))
    from_number: Mapped[str] = mapped_column(String(32))
    to_number: Mapped[str] = mapped_column(String(32))
    party_number: Mapped[str] = mapped_column(String(32))
    """The caller's side, normalised: `from` inbound, `to` outbound (or `anonymous`)."""
    queue: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    cause: Mapped[str | None] = mapped_column(String(20))
    answering_extension: Mapped[str] = mapped_column(String(80), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    """The agent whose extension answered."""
    rings: Mapped[list[int]] = mapped_column(JSON, default=list)
    """The agents whose extensions (`user[]`) it rang."""
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback.id"))
    """The missed-call callback (未接来电回拨) this missed call is counted in."""
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class CallEvent(Base):
    """Each post of the PBX about a call, kept as received (append-only)."""

    __tablename__ = "call_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id"), index=True)
    """The `call` row's id (not the PBX's callId)."""
    kind: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime]
    effect: Mapped[str] = mapped_column(String(12))
    raw: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class AgentStateRow(Base):
    """An agent's state for the lead's floor: ready, not ready (with a reason), wrap-up, on a
    call; one row per agent, since when (issue 25)."""

    __tablename__ = "agent_state"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(20), default="")
    since: Mapped[datetime]
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id"))
    """The call that put the agent on a call or in wrap-up."""


LATER: frozenset[str] = frozenset(
    {
        "CustomerChange",
        "TicketEvent",
        "HandoverEvent",
        "RoutingRule",
        "Draft",
        "SearchGram",
        "TicketGram",
        "HandoverReport",
        "Order",
        "OrderEvent",
        "ComplaintRecord",
        "CallbackEvent",
        "VisitRequest",
        "SurveyForm",
        "Promotion",
        "DepartmentLeg",
        "Attachment",
        "Visit",
        "ContractorPass",
        "PhoneMessage",
        "Correspondence",
        "Prospect",
        "ProspectEvent",
        "Gift",
        "CustomerEvent",
        "EventInvitee",
        "CallTicket",
    }
)
"""The models of `deskui.data.later_models`, by name."""


def every_model() -> type[Base]:
    """`Base`, with every model mapped: its metadata holds the whole schema."""
    from deskui.data import later_models  # noqa: F401  (maps them)

    return Base


def __getattr__(name: str) -> object:
    """A model of `deskui.data.later_models`, mapped when first asked for."""
    if name not in LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from deskui.data import later_models

    found = {model: getattr(later_models, model) for model in LATER}
    globals().update(found)  # found directly from now on
    return found[name]
