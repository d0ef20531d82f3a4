"""The models an idle desk does not read (issue 27): mapped the first time one of them is
asked for through `deskui.data.models` (its module `__getattr__`), or by `every_model()`.
Import them from `deskui.data.models`, not from here. They may refer to the tables of
`deskui.data.models`; those refer to none of these.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from deskui.data.models import Base


class CustomerChange(Base):
    """Append-only history of a customer and its contacts (issue 16): who, when, what
    changed, each changed field as [old, new] in `detail`. `contact_id` is no foreign key: a
    removed contact's entries stay. Nothing updates or deletes a row."""

    __tablename__ = "customer_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class TicketEvent(Base):
    """Append-only history of a ticket: who, when, what changed."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class HandoverEvent(Base):
    """Append-only history of a handover item (issue 16): who, when, what changed, each
    changed field as [old, new] in `detail`. Nothing updates or deletes a row."""

    __tablename__ = "handover_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("handover_item.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class RoutingRule(Base):
    """The editable routing table (seed 002:2.3.2, 2.4.2)."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(String(40))
    also: Mapped[str] = mapped_column(String(200), default="")


class Draft(Base):
    """A form's fields saved as the agent types (DESIGN.md 5)."""

    __tablename__ = "draft"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), primary_key=True)
    form: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class SearchGram(Base):
    """Two-character pieces of customer and contact names, so a name fragment is an index
    lookup instead of a `LIKE '%...%'` scan (38 ms at 1M rows on this machine kind)."""

    __tablename__ = "search_gram"

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TicketGram(Base):
    """Two-character pieces of each ticket's texts (the customer's words and the answer),
    so two characters of a problem find it from any screen (issue 26) by the index instead
    of a `LIKE '%...%'` scan; kept in the same unit of work as every write to those texts
    (deskui/data/search_index.py). Without a rowid on SQLite: the key is the table."""

    __tablename__ = "ticket_gram"
    __table_args__ = (
        Index("ix_ticket_gram_ticket_id", "ticket_id"),
        {"sqlite_with_rowid": False},
    )

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )


# -- handover and orders (issue 7) --


class HandoverReport(Base):
    """A shift handed over: the report frozen as it stood at that moment (seed 004)."""

    __tablename__ = "handover_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    to_agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    team: Mapped[str] = mapped_column(String(40), default="default")
    handed_over_at: Mapped[datetime]
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    rows: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")


class Order(Base):
    """A shop order followed up by the desk (seed 004 in-sales 1-6, pre-sales 7)."""

    __tablename__ = "shop_order"
    __table_args__ = (
        Index("ix_shop_order_shop_number", "shop", "number", unique=True),
        Index("ix_shop_order_paid", "paid_at"),  # the lead's measures: orders paid (0017)
    )
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64))
    shop: Mapped[str] = mapped_column(String(80))
    customer: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="unpaid", index=True)
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    courier: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(64), default="")
    last_tracking_at: Mapped[datetime | None]
    problem: Mapped[str | None] = mapped_column(String(20))
    problem_at: Mapped[datetime | None]
    responsible: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    """Who saved last, and when: a conflict names them (issue 16)."""


class OrderEvent(Base):
    """Append-only history of an order: follow-ups, chases, void notices, return steps."""

    __tablename__ = "order_event"
    __table_args__ = (Index("ix_order_event_action_at", "action", "at"),)  # returns (0017)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


# -- complaints (issue 5) --


class ComplaintRecord(Base):
    """Where a complaint stands in its seven steps and the facts its written reply reports
    (seed 001:6.1-6.7, 7.1-7.8); forwarded complaints keep the department's receipt date
    (seed 000:3.2.2)."""

    __tablename__ = "complaint_record"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    script: Mapped[str] = mapped_column(String(40), default="complaint")
    step: Mapped[str] = mapped_column(String(40), default="")
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    commit_mode: Mapped[str] = mapped_column(String(20), default="")
    promised_at: Mapped[datetime | None]
    cause: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    action_at: Mapped[datetime | None]
    expected_finish: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(Text, default="")
    reply_text: Mapped[str] = mapped_column(Text, default="")
    forwarded_by_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    received_by_department_on: Mapped[date | None] = mapped_column(Date)
    our_received_at: Mapped[datetime | None]
    taken_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    taken_over_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    """Who saved last: a conflict names them (issue 13)."""


# -- callbacks (issue 6) --


class CallbackEvent(Base):
    """Append-only history of a callback: booked, moved, shared, reassigned, done."""

    __tablename__ = "callback_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callback.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class VisitRequest(Base):
    """上门回访申请函: an on-site callback needs approval (seed 000:2.5.4)."""

    __tablename__ = "visit_request"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    reason: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(String(80))
    first_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # what the letter also states (seed 000:2.5.4): 回访确认表内容, 信息反馈的频率及时间
    confirmation_form: Mapped[str] = mapped_column(Text, default="", server_default="")
    feedback_frequency: Mapped[str] = mapped_column(String(80), default="", server_default="")
    feedback_times: Mapped[str] = mapped_column(String(80), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    feedback_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class SurveyForm(Base):
    """顾客满意度调查表: one customer's form for a quarter, handed in by sales to the CS lead
    (seed 000:2.5.3). `submitted_at` is when it was received, `received_from` who gave it."""

    __tablename__ = "survey_form"
    __table_args__ = (
        Index("ix_survey_form_customer_quarter", "customer_id", "year", "quarter", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    received_from: Mapped[str] = mapped_column(String(80), default="")
    score: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime | None]


class Promotion(Base):
    """促销活动期: special-occasion callbacks are generated ahead of it (seed 000:2.5.1.2)."""

    __tablename__ = "promotion"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime]


# -- departments and attachments (issue 8) --


class DepartmentLeg(Base):
    """One round trip of a ticket through a department (seed 002:2.3.2, 2.4.2, 2.5): handed
    over, accepted, planned (expected time and measures), result, returned to CS, customer
    told. `*_by` keep the department person's name, also when CS recorded it for them."""

    __tablename__ = "department_leg"
    __table_args__ = (
        Index("ix_department_leg_open", "department_id", "returned_at"),
        Index("ix_department_leg_planned", "planned_at"),  # the lead's measures (0017)
    )
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    handed_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    handed_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None]
    accepted_by: Mapped[str] = mapped_column(String(80), default="")
    planned_at: Mapped[datetime | None]
    expected_at: Mapped[datetime | None]
    measures: Mapped[str] = mapped_column(Text, default="")
    planned_by: Mapped[str] = mapped_column(String(80), default="")
    result_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(Text, default="")
    result_by: Mapped[str] = mapped_column(String(80), default="")
    returned_at: Mapped[datetime | None]
    returned_by: Mapped[str] = mapped_column(String(80), default="")
    returned_to_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    informed_at: Mapped[datetime | None]


class Attachment(Base):
    """A file attached to a ticket: a fax scan, a PDF, an e-mail (seed 002:2.2.2). The bytes
    live in `content` or in a file under the site's attachment folder (`stored_name`)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    stored_name: Mapped[str] = mapped_column(String(200), default="")
    added_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    added_at: Mapped[datetime]


# -- reception, correspondence, prospects (issue 8) --


class Visit(Base):
    """A visitor: booked for a time (`expected_at`) or walked in (seed 001:4.9-4.10)."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_expected_at", "expected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor: Mapped[str] = mapped_column(String(80))
    company: Mapped[str] = mapped_column(String(120), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(String(80), default="")
    prepare: Mapped[str] = mapped_column(Text, default="")
    expected_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    recorded_at: Mapped[datetime]


class ContractorPass(Base):
    """施工单位出入证 (seed 001:4.8)."""

    __tablename__ = "contractor_pass"
    __table_args__ = (Index("ix_contractor_pass_valid_to", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(120))
    people: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class PhoneMessage(Base):
    """A message taken for a colleague; an urgent one notifies them at once (seed 001:4.7)."""

    __tablename__ = "phone_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    for_agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    from_name: Mapped[str] = mapped_column(String(80))
    from_number: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    taken_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class Correspondence(Base):
    """A letter, parcel or fax received or sent, and who signed for it (seed 001:4.5-4.6)."""

    __tablename__ = "correspondence"
    __table_args__ = (Index("ix_correspondence_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    direction: Mapped[str] = mapped_column(String(10))  # received | sent
    kind: Mapped[str] = mapped_column(String(10))  # letter | parcel | fax
    category: Mapped[str] = mapped_column(String(40), default="")
    party: Mapped[str] = mapped_column(String(120))
    handed_to: Mapped[str] = mapped_column(String(80), default="")
    archive: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime | None]
    signed_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    copy_made: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A fading fax was copied; the copy goes with the original (seed 001:4.6)."""


class Prospect(Base):
    """A contact who showed interest in working with us (seed 000:1.4.7): CS follows it
    itself (`owner_id`, with a follow-up deadline row) unless a business department does,
    in which case it is handed to that department's person."""

    __tablename__ = "prospect"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    interest: Mapped[str] = mapped_column(Text)
    source_callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    recorded_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="following", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    follow_up_at: Mapped[datetime | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    department_person: Mapped[str] = mapped_column(String(80), default="")
    handed_at: Mapped[datetime | None]
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    outcome: Mapped[str] = mapped_column(Text, default="")


class ProspectEvent(Base):
    """Append-only history of a prospect: recorded, handed to a department, closed."""

    __tablename__ = "prospect_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class Gift(Base):
    """One line of a business department's gift list (seed 000:2.5.5.1); CS confirms its
    arrival in the callback `callback_id` within 3 days of `sent_at`."""

    __tablename__ = "gift"
    __table_args__ = (Index("ix_gift_sent_at", "sent_at"),)
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    gift: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime]
    sent_by: Mapped[str] = mapped_column(String(80))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    recorded_at: Mapped[datetime]
    arrived: Mapped[bool | None] = mapped_column(Boolean)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    confirm_note: Mapped[str] = mapped_column(Text, default="")


class CustomerEvent(Base):
    """联谊活动 (seed 000:4): the planning department's plan is due a month ahead."""

    __tablename__ = "customer_event"
    __table_args__ = (Index("ix_customer_event_event_on", "event_on"),)
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    event_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    plan_due_on: Mapped[date] = mapped_column(Date)
    plan: Mapped[str] = mapped_column(Text, default="")
    plan_by: Mapped[str] = mapped_column(String(80), default="")
    plan_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime]


class EventInvitee(Base):
    """A customer's contact invited to an event: the invitation and the attendance."""

    __tablename__ = "event_invitee"
    # optimistic locking for everything an agent edits (DESIGN.md 7)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("customer_event.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    added_at: Mapped[datetime]
    invited_at: Mapped[datetime | None]
    invited_via: Mapped[str] = mapped_column(String(20), default="")
    invited_by: Mapped[str] = mapped_column(String(80), default="")
    attendance: Mapped[str | None] = mapped_column(String(20))
    attendance_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")


# -- calls from the phone system (issue 25) --


class CallTicket(Base):
    """The ticket a popped call was recorded as (issue 25): the ticket shows the call's time,
    wait and talk; the caller log opens the ticket."""

    __tablename__ = "call_ticket"

    call_id: Mapped[int] = mapped_column(ForeignKey("call.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    tied_at: Mapped[datetime]
