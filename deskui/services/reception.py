"""Reception (接待, seed 001:4): today's booked visitors and the walk-ins, signed in and out at
the front desk (a walk-in's problem becomes a ticket on the channel walk-in), contractor
passes (施工单位出入证, 4.8) and phone messages for colleagues (4.7: an urgent one rings the
addressee's bell).

Not in deskui/services/visits.py: that module is the on-site visit request (上门回访申请,
seed 000:2.5.4), a callback made at the customer's; these are people coming to the desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.reception_store import MessageRow, PassRow, VisitRow
from deskui.data.records import CallIntake
from deskui.domain.clock import site_zone
from deskui.domain.model import Channel, Severity
from deskui.domain.permissions import Action
from deskui.domain.reception import (
    message_problems,
    pass_problems,
    revoke_problems,
    visit_problems,
    walk_in_ticket_problems,
)
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, require
from deskui.services.intake import call_plan
from deskui.services.new_customers import share_new_customer

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "SECTIONS",
    "FinishMessage",
    "IssuePass",
    "MakeWalkInTicket",
    "MessageRow",
    "PassRow",
    "ReceptionPage",
    "RecordVisit",
    "RevokePass",
    "TakeMessage",
    "VisitRow",
    "VisitorArrived",
    "VisitorLeft",
    "finish_message",
    "issue_pass",
    "make_walk_in_ticket",
    "reception_count",
    "reception_page",
    "record_visit",
    "revoke_pass",
    "take_message",
    "visitor_arrived",
    "visitor_left",
]

SECTIONS = ("visitors", "walk_ins", "expiring", "passes", "messages")
"""The reception screen's lists, in the order of their keys 1-5."""


# -- the lists -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceptionPage:
    """A page of one section: today's booked visitors, today's walk-ins, the passes that
    expire today, every running pass, or the open phone messages. `site_timezone` says
    where today begins and ends."""

    section: str
    site_timezone: str
    offset: int = 0
    limit: int = 0


def reception_count(uow: UnitOfWork, actor: Actor, page: ReceptionPage, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    zone = site_zone(page.site_timezone)
    if page.section == "visitors":
        return uow.reception.today_visits_count(now, zone)
    if page.section == "walk_ins":
        return uow.reception.walk_ins_count(now, zone)
    if page.section == "messages":
        return uow.reception.messages_count()
    return uow.reception.passes_count(now, zone, page.section == "expiring")


def reception_page(
    uow: UnitOfWork, actor: Actor, page: ReceptionPage, now: datetime
) -> list[VisitRow] | list[PassRow] | list[MessageRow]:
    """Visitors in time order, walk-ins newest first, passes soonest end first, messages
    urgent first."""
    require(actor, Action.WORK_OWN)
    zone = site_zone(page.site_timezone)
    offset, limit = page.offset, page.limit
    if page.section == "visitors":
        return list(uow.reception.today_visits(now, zone, offset, limit))
    if page.section == "walk_ins":
        return list(uow.reception.walk_ins(now, zone, offset, limit))
    if page.section == "messages":
        return list(uow.reception.messages(offset, limit))
    expiring = page.section == "expiring"
    return list(uow.reception.passes(now, zone, offset, limit, expiring))


# -- visitors (seed 001:4.9-4.10) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordVisit:
    """A booked visitor expected at `expected_at`, with what to prepare; or, without
    `expected_at`, a walk-in who is at the desk now."""

    visitor: str
    company: str = ""
    purpose: str = ""
    host: str = ""
    prepare: str = ""
    expected_at: datetime | None = None


def record_visit(uow: UnitOfWork, actor: Actor, command: RecordVisit, now: datetime) -> int:
    """The visit's id; a walk-in is signed in at `now`."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        visit_problems(
            visitor=command.visitor,
            company=command.company,
            host=command.host,
            purpose=command.purpose,
            prepare=command.prepare,
            walk_in=command.expected_at is None,
        )
    )
    visit_id = uow.reception.add_visit(
        actor.id,
        now,
        visitor=command.visitor,
        company=command.company,
        purpose=command.purpose,
        host=command.host,
        prepare=command.prepare,
        expected_at=command.expected_at,
    )
    uow.commit()
    return visit_id


@dataclass(frozen=True, slots=True)
class VisitorArrived:
    """A booked visitor is at the desk: signed in now."""

    visit_id: int


def visitor_arrived(uow: UnitOfWork, actor: Actor, command: VisitorArrived, now: datetime) -> None:
    """Raises `FrontDeskError` when the visitor was signed in already."""
    require(actor, Action.WORK_OWN)
    uow.reception.visit_arrived(command.visit_id, now)
    uow.commit()


@dataclass(frozen=True, slots=True)
class VisitorLeft:
    """The visitor (booked or walk-in) left: signed out now."""

    visit_id: int


def visitor_left(uow: UnitOfWork, actor: Actor, command: VisitorLeft, now: datetime) -> None:
    """Raises `FrontDeskError` when the visitor never arrived or left already."""
    require(actor, Action.WORK_OWN)
    uow.reception.visit_left(command.visit_id, now)
    uow.commit()


@dataclass(frozen=True, slots=True)
class MakeWalkInTicket:
    """The visitor's problem becomes a ticket on the channel walk-in (seed 001:8.1),
    classified as the receptionist heard it, as a call is (seed 002:2.1, 2.2.3)."""

    visit_id: int
    kind: str = ""
    category: str = ""
    severity: str = Severity.NORMAL


def make_walk_in_ticket(
    uow: UnitOfWork, actor: Actor, command: MakeWalkInTicket, now: datetime
) -> int:
    """The new ticket's id, made through the same intake as a call: the customer the
    visitor's company names when one does (no second 天合科技), else a new one, shared out by
    the balance (seed 000:1.3). Raises `FrontDeskError` when the visit has a ticket already,
    no problem written down, or names several customers; `Invalid` for a missing or
    mismatched kind, category or severity."""
    require(actor, Action.WORK_OWN)
    visit = uow.reception.visit(command.visit_id)
    if visit.ticket_id is not None:
        raise FrontDeskError("reception.error.has_ticket", id=visit.ticket_id)
    if not visit.purpose.strip():
        raise FrontDeskError("reception.error.no_problem")
    refuse_problems(
        walk_in_ticket_problems(
            kind=command.kind, category=command.category, severity=command.severity
        )
    )
    name = (visit.company or visit.visitor).strip()
    found = uow.customers.customers_named(name)
    exact = [customer_id for customer_id, known in found if known == name]
    if len(found) > 1 and not exact:
        raise FrontDeskError("reception.error.which_customer", name=name, count=len(found))
    customer_id = exact[0] if exact else (found[0][0] if found else None)
    contact_id = uow.customers.contact_named(customer_id, visit.visitor) if customer_id else None
    intake = CallIntake(
        kind=command.kind,
        category=command.category,
        channel=Channel.WALK_IN,
        severity=command.severity,
        customer_words=visit.purpose,
        customer_id=customer_id,
        contact_id=contact_id,
        new_customer_name="" if customer_id else name,
        new_contact_name="" if contact_id else visit.visitor,
    )
    saved = uow.tickets.record_call(intake, actor.id, now, call_plan(uow, intake, now))
    if customer_id is None:
        share_new_customer(uow, saved.customer_id, actor.id, now=now)
    uow.reception.tie_ticket(command.visit_id, saved.ticket_id, now)
    uow.commit()
    return saved.ticket_id


# -- contractor passes (seed 001:4.8) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuePass:
    """A contractor pass: who, where, from when to when, and who issued it (as written)."""

    company: str
    people: str
    area: str
    valid_from: datetime
    valid_to: datetime
    issued_by: str


def issue_pass(uow: UnitOfWork, actor: Actor, command: IssuePass, now: datetime) -> int:
    """The pass's number; a pass ending before it starts is refused (`Invalid`)."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        pass_problems(
            company=command.company,
            people=command.people,
            area=command.area,
            issued_by=command.issued_by,
            valid_from=command.valid_from,
            valid_to=command.valid_to,
        )
    )
    pass_id = uow.reception.issue_pass(
        actor.id,
        now,
        company=command.company,
        people=command.people,
        area=command.area,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        issued_by=command.issued_by,
    )
    uow.commit()
    return pass_id


@dataclass(frozen=True, slots=True)
class RevokePass:
    """A pass taken back before it runs out, with the reason."""

    pass_id: int
    reason: str


def revoke_pass(uow: UnitOfWork, actor: Actor, command: RevokePass, now: datetime) -> None:
    """Raises `FrontDeskError` when the pass was revoked already."""
    require(actor, Action.WORK_OWN)
    refuse_problems(revoke_problems(command.reason))
    uow.reception.revoke_pass(command.pass_id, actor.id, now, command.reason)
    uow.commit()


# -- phone messages for colleagues (seed 001:4.7) --------------------------------------------


@dataclass(frozen=True, slots=True)
class TakeMessage:
    """A phone message taken for a colleague; an urgent one goes to them at once."""

    for_agent_id: int
    from_name: str
    message: str
    from_number: str = ""
    urgent: bool = False


def take_message(uow: UnitOfWork, actor: Actor, command: TakeMessage, now: datetime) -> int:
    """The message's id; an urgent one rings the addressee's bell in the same commit."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        message_problems(
            from_name=command.from_name, from_number=command.from_number, message=command.message
        )
    )
    message_id = uow.reception.take_message(
        actor.id,
        now,
        for_agent_id=command.for_agent_id,
        from_name=command.from_name,
        from_number=command.from_number,
        message=command.message,
        urgent=command.urgent,
    )
    uow.commit()
    return message_id


@dataclass(frozen=True, slots=True)
class FinishMessage:
    """The message was passed on: it leaves the open list."""

    message_id: int


def finish_message(uow: UnitOfWork, actor: Actor, command: FinishMessage, now: datetime) -> None:
    """Raises `FrontDeskError` when the message was done already."""
    require(actor, Action.WORK_OWN)
    uow.reception.message_done(command.message_id, now)
    uow.commit()
