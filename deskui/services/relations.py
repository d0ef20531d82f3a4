"""Customer relations (seed 000:1.4.7, 2.5.5, 4): prospects a call turned up and who follows
them, the business department's gifts and their arrival confirmation within 3 days, customer
events with their plan, invitees, invitations and attendance. Each step is one use case
with its own commit; everyone at the desk may do them (Action.WORK_OWN), as F10 allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from deskui.data.callback_store import CallbackResult
from deskui.data.relations_store import (
    ContactChoice,
    EventRow,
    GiftRow,
    GiftSaved,
    InviteeRow,
    ProspectRow,
)
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.clock import site_zone
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.domain.relations import (
    attendance_note_problems,
    confirmation_problems,
    event_problems,
    gift_problems,
    hand_off_problems,
    invitation_problems,
    outcome_problems,
    plan_problems,
    prospect_problems,
)
from deskui.services.actor import Actor, require

__all__ = [
    "AddEvent",
    "CallbackResult",
    "CloseProspect",
    "ConfirmGift",
    "ContactChoice",
    "CustomerEvent",
    "Departments",
    "EventRow",
    "GiftRow",
    "GiftSaved",
    "HandProspect",
    "InvitationSent",
    "Invite",
    "InviteeRow",
    "ProspectRow",
    "RecordAttendance",
    "RecordGift",
    "RecordPlan",
    "RecordProspect",
    "RelationsPage",
    "add_event",
    "close_prospect",
    "confirm_gift",
    "customer_event",
    "hand_prospect",
    "invitation_sent",
    "invite",
    "list_departments",
    "record_attendance",
    "record_gift",
    "record_plan",
    "record_prospect",
    "relations_count",
    "relations_rows",
]


# -- prospects (seed 000:1.4.7) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordProspect:
    """A contact's cooperation interest. With no department following it (`department_code`
    None) CS follows it itself, by `follow_up_at` (or the default follow-up deadline); else
    it is handed to the department and its `person`. `source_callback_id`: the callback
    whose call turned it up."""

    customer_id: int
    interest: str
    contact_id: int | None = None
    department_code: str | None = None
    person: str = ""
    follow_up_at: datetime | None = None
    source_callback_id: int | None = None


def record_prospect(uow: UnitOfWork, actor: Actor, command: RecordProspect, now: datetime) -> int:
    """Returns the prospect's id."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        prospect_problems(
            interest=command.interest,
            department_code=command.department_code,
            person=command.person,
            follow_up_at=command.follow_up_at,
            now=now,
        )
    )
    prospect_id = uow.relations.record_prospect(
        actor.id,
        now,
        customer_id=command.customer_id,
        contact_id=command.contact_id,
        interest=command.interest,
        source_callback_id=command.source_callback_id,
        department_code=command.department_code,
        person=command.person,
        follow_up_at=command.follow_up_at,
    )
    uow.commit()
    return prospect_id


@dataclass(frozen=True, slots=True)
class HandProspect:
    """CS found the department that follows the prospect after all: it goes on there."""

    prospect_id: int
    department_code: str
    person: str


def hand_prospect(uow: UnitOfWork, actor: Actor, command: HandProspect, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    refuse_problems(hand_off_problems(command.department_code, command.person))
    uow.relations.hand_prospect(
        command.prospect_id, actor.id, now, command.department_code, command.person
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class CloseProspect:
    """Followed up: how it ended (a contract, not interested after all, ...)."""

    prospect_id: int
    outcome: str


def close_prospect(uow: UnitOfWork, actor: Actor, command: CloseProspect, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    refuse_problems(outcome_problems(command.outcome))
    uow.relations.close_prospect(command.prospect_id, actor.id, now, command.outcome)
    uow.commit()


# -- gifts (seed 000:2.5.5) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordGift:
    """A line of a business department's gift list: what was sent to whom, when and by
    whom; `calendar` the desk's business calendar, on which the arrival confirmation
    callback is placed within 3 days."""

    customer_id: int
    gift: str
    sent_at: datetime
    sent_by: str
    department_code: str
    calendar: BusinessCalendar
    contact_id: int | None = None


def record_gift(uow: UnitOfWork, actor: Actor, command: RecordGift, now: datetime) -> GiftSaved:
    """The gift and the callback confirming its arrival (a routine callback in time takes
    it along: `joined`)."""
    require(actor, Action.WORK_OWN)
    refuse_problems(
        gift_problems(gift=command.gift, sent_by=command.sent_by, sent_at=command.sent_at, now=now)
    )
    saved = uow.relations.record_gift(
        actor.id,
        now,
        command.calendar,
        customer_id=command.customer_id,
        contact_id=command.contact_id,
        gift=command.gift,
        sent_at=command.sent_at,
        sent_by=command.sent_by,
        department_code=command.department_code,
    )
    uow.commit()
    return saved


@dataclass(frozen=True, slots=True)
class ConfirmGift:
    """CS confirmed the gift arrived, or found it did not (`note` says what happened)."""

    gift_id: int
    arrived: bool
    note: str = ""


def confirm_gift(
    uow: UnitOfWork, actor: Actor, command: ConfirmGift, now: datetime
) -> CallbackResult | None:
    """When it was the last gift its callback waited for, the callback's result (a gift that
    did not arrive opens a follow-up ticket there); else None."""
    require(actor, Action.WORK_OWN)
    refuse_problems(confirmation_problems(command.arrived, command.note))
    result = uow.relations.confirm_gift(
        command.gift_id, actor.id, now, command.arrived, command.note
    )
    uow.commit()
    return result


# -- customer events (seed 000:4) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddEvent:
    """A customer event on a local day; its plan is due a month ahead, on the desk of the
    agent who adds it. `site_timezone` says when that day starts."""

    name: str
    event_on: date
    place: str
    site_timezone: str


def add_event(uow: UnitOfWork, actor: Actor, command: AddEvent, now: datetime) -> int:
    """Returns the event's id."""
    require(actor, Action.WORK_OWN)
    zone = site_zone(command.site_timezone)
    refuse_problems(
        event_problems(
            name=command.name, place=command.place, event_on=command.event_on, now=now, zone=zone
        )
    )
    event_id = uow.relations.add_event(
        actor.id,
        now,
        site_zone(command.site_timezone),
        name=command.name,
        event_on=command.event_on,
        place=command.place,
    )
    uow.commit()
    return event_id


@dataclass(frozen=True, slots=True)
class RecordPlan:
    """The planning department's plan for the event; a later version replaces it."""

    event_id: int
    plan: str
    plan_by: str


def record_plan(uow: UnitOfWork, actor: Actor, command: RecordPlan, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    refuse_problems(plan_problems(command.plan, command.plan_by))
    uow.relations.record_plan(command.event_id, actor.id, now, command.plan, command.plan_by)
    uow.commit()


@dataclass(frozen=True, slots=True)
class Invite:
    """Customers (with their contacts) from the customer list on the event's invitation
    list, as (customer id, contact id); one already on it is not added twice."""

    event_id: int
    choices: Sequence[tuple[int, int | None]]


def invite(uow: UnitOfWork, actor: Actor, command: Invite, now: datetime) -> int:
    """Returns how many were added."""
    require(actor, Action.WORK_OWN)
    added = uow.relations.invite(command.event_id, actor.id, now, command.choices)
    uow.commit()
    return added


@dataclass(frozen=True, slots=True)
class InvitationSent:
    """The business department invited the invitee: when, how and who."""

    invitee_id: int
    at: datetime
    way: str
    invited_by: str


def invitation_sent(uow: UnitOfWork, actor: Actor, command: InvitationSent, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    refuse_problems(
        invitation_problems(invited_by=command.invited_by, way=command.way, at=command.at, now=now)
    )
    uow.relations.invitation_sent(
        command.invitee_id, now, at=command.at, way=command.way, invited_by=command.invited_by
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class RecordAttendance:
    """The invitee attended, declined or did not come; only a refusal comes before the
    event's local day (`site_timezone`)."""

    invitee_id: int
    attendance: str
    site_timezone: str
    note: str = ""


def record_attendance(
    uow: UnitOfWork, actor: Actor, command: RecordAttendance, now: datetime
) -> None:
    require(actor, Action.WORK_OWN)
    refuse_problems(attendance_note_problems(command.note))
    uow.relations.record_attendance(
        command.invitee_id, now, site_zone(command.site_timezone), command.attendance, command.note
    )
    uow.commit()


# -- reads -------------------------------------------------------------------------------------

Departments = Sequence[tuple[str, str, str]]
"""(code, Chinese name, English name) of every department."""


def list_departments(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> Departments:
    """Who may follow a prospect or send a gift."""
    require(actor, Action.WORK_OWN)
    return uow.tickets.departments()


@dataclass(frozen=True, slots=True)
class RelationsPage:
    """A page of one section: "prospects", "gifts", "events" (the coming ones first, from
    today in `site_timezone`), or "invitees" of `event_id`."""

    section: str
    site_timezone: str
    event_id: int | None = None
    offset: int = 0
    limit: int = 0


def relations_count(uow: UnitOfWork, actor: Actor, query: RelationsPage, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    if query.section == "prospects":
        return uow.relations.prospect_count()
    if query.section == "gifts":
        return uow.relations.gift_count()
    if query.section == "invitees" and query.event_id is not None:
        return uow.relations.invitee_count(query.event_id)
    return uow.relations.event_count()


def relations_rows(uow: UnitOfWork, actor: Actor, query: RelationsPage, now: datetime) -> list[Any]:
    """ProspectRow, GiftRow, EventRow or InviteeRow, as the section says."""
    require(actor, Action.WORK_OWN)
    if query.section == "prospects":
        return list(uow.relations.prospect_rows(query.offset, query.limit))
    if query.section == "gifts":
        return list(uow.relations.gift_rows(query.offset, query.limit))
    if query.section == "invitees" and query.event_id is not None:
        return list(uow.relations.invitee_rows(query.event_id, query.offset, query.limit))
    today = now.astimezone(site_zone(query.site_timezone)).date()
    return list(uow.relations.event_rows(today, query.offset, query.limit))


@dataclass(frozen=True, slots=True)
class CustomerEvent:
    """One customer event, with its plan and invitee counts."""

    event_id: int


def customer_event(uow: UnitOfWork, actor: Actor, query: CustomerEvent, now: datetime) -> EventRow:
    require(actor, Action.WORK_OWN)
    return uow.relations.event(query.event_id)
