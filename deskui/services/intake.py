"""The incoming call (F2, seed 002:2.2-2.3): who is calling as the agent types, the customer
card and history, the problem record saved as one ticket, and the form's draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from deskui.data.records import CallerMatch, CallIntake, CustomerCard, HistoryRow, SavedCall
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import masked_email, masked_number, sees_personal
from deskui.domain.clock import SITE_TIMEZONE, site_zone
from deskui.domain.conduct import flagged_phrases, packaged_conduct
from deskui.domain.field_problem import FieldProblem
from deskui.domain.intake import (
    CallPlan,
    check_choices,
    check_intake,
    department_problem,
    plan_call,
)
from deskui.domain.model import Channel
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid, refuse_problems
from deskui.domain.routing import RoutingRule, department_leg_for, propose_department
from deskui.domain.search import Lookup, LookupKind
from deskui.domain.ticket_life import TicketMove, TicketRefusal, next_state
from deskui.domain.work_permissions import WorkChoice, may_choose
from deskui.services.actor import Actor, require
from deskui.services.new_customers import share_new_customer

if TYPE_CHECKING:
    from deskui.data.database import Database

__all__ = [
    "DRAFT_FORM",
    "CallIntake",
    "CallerMatch",
    "CallersFound",
    "CustomerCard",
    "HistoryPage",
    "HistoryRow",
    "IntakeReference",
    "RecordCall",
    "SaveIntakeDraft",
    "SavedCall",
    "callers_and_card",
    "customer_card",
    "discard_intake_draft",
    "history_count",
    "history_page",
    "intake_reference",
    "read_now",
    "record_call",
    "record_queued_call",
    "save_intake_draft",
]

CONDUCT_LOCALES = ("zh-CN", "en")
"""The locales with a packaged list of the rules of conduct (deskui/scripts/<locale>)."""

DRAFT_FORM = "intake"
"""The intake form's draft row (one per agent, DESIGN.md 5)."""

Q = TypeVar("Q")
R = TypeVar("R")


def read_now(
    database: Database,
    actor: Actor,
    query: Callable[[UnitOfWork, Actor, Q, datetime], R],
    value: Q,
    now: datetime,
) -> R:
    """A read on the UI thread, where it is measured to be fast: a unit of work on which a
    busy file fails at once instead of waiting (the caller falls back to a worker)."""
    with UnitOfWork(database, quick=True) as uow:
        return query(uow, actor, value, now)


# -- opening the form ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntakeReference:
    """What the form starts with: the routing rules, the departments and the agent's draft."""

    rules: list[RoutingRule]
    departments: list[tuple[str, str, str]]
    """(code, Chinese name, English name)."""
    draft: dict[str, object] | None


def intake_reference(uow: UnitOfWork, actor: Actor, _: None, now: datetime) -> IntakeReference:
    require(actor, Action.WORK_OWN)
    return IntakeReference(
        uow.tickets.routing_rules(),
        uow.tickets.departments(),
        uow.drafts.load_draft(actor.id, DRAFT_FORM),
    )


# -- who is calling ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallersFound:
    matches: list[CallerMatch]
    card: CustomerCard | None
    """Read with the matches when a number finds exactly one caller (one hop)."""


def callers_and_card(uow: UnitOfWork, actor: Actor, lookup: Lookup, now: datetime) -> CallersFound:
    """The callers a number, its last digits or a name finds; the card too when a number
    finds exactly one (a name is no proof: the agent picks). Phones and e-mail masked for a
    role the site says need not see them (issue 16)."""
    require(actor, Action.WORK_OWN)
    matches = uow.customers.find_callers(lookup)
    card = None
    if len(matches) == 1 and lookup.kind is not LookupKind.NAME:
        card = uow.customers.customer_card(matches[0].customer_id)
    if sees_personal(actor.role, uow.rules.masked_roles):
        return CallersFound(matches, card)
    return CallersFound([_masked_match(m) for m in matches], card and _masked_card(card))


def customer_card(uow: UnitOfWork, actor: Actor, customer_id: int, now: datetime) -> CustomerCard:
    require(actor, Action.WORK_OWN)
    card = uow.customers.customer_card(customer_id)
    return card if sees_personal(actor.role, uow.rules.masked_roles) else _masked_card(card)


def _masked_match(match: CallerMatch) -> CallerMatch:
    return replace(match, phone_e164=masked_number(match.phone_e164))


def _masked_card(card: CustomerCard) -> CustomerCard:
    """The card as a role that need not see personal details sees it: `138****5678`."""
    customer = card.customer
    contacts = tuple(
        replace(
            contact,
            phone_e164=masked_number(contact.phone_e164),
            email=masked_email(contact.email),
        )
        for contact in customer.contacts
    )
    shown = replace(customer, phone_e164=masked_number(customer.phone_e164), contacts=contacts)
    return replace(card, customer=shown)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A window of one customer's tickets and callbacks, newest first."""

    customer_id: int
    offset: int = 0
    limit: int = 0


def history_count(uow: UnitOfWork, actor: Actor, customer_id: int, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    return uow.customers.history_count(customer_id)


def history_page(
    uow: UnitOfWork, actor: Actor, page: HistoryPage, now: datetime
) -> list[HistoryRow]:
    require(actor, Action.WORK_OWN)
    return uow.customers.history_rows(page.customer_id, page.offset, page.limit)


# -- the problem record --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordCall:
    """One call as the intake form collected it (客户问题记录表, seed 002:2.2)."""

    intake: CallIntake
    locale: str = "zh-CN"
    """Whose rules of conduct an answer said to the customer is held to."""
    site_timezone: str = SITE_TIMEZONE
    """Where "today" is, for the day a forwarding department received the complaint."""
    call: int | None = None
    """The phone call the agent answered and intake popped (issue 25): the ticket carries it."""


def _check_call(uow: UnitOfWork, actor: Actor, command: RecordCall, now: datetime) -> None:
    """Refuse (`Invalid`, each problem beside its field) what the form's own checks refuse:
    the same domain functions (seed 002:2.2), the routing's department unless a lead chose
    another (seed 002:2.3.2), an answer breaking the rules of conduct (seed 000:3.2.1.2)."""
    intake = command.intake
    today = now.astimezone(site_zone(command.site_timezone)).date()
    received = intake.received_by_department_on
    problems = check_choices(
        kind=intake.kind,
        category=intake.category,
        channel=intake.channel,
        severity=intake.severity,
    )
    problems += check_intake(
        phone=intake.caller_phone if intake.customer_id is None else "",
        customer_known=intake.customer_id is not None,
        new_customer_name=intake.new_customer_name,
        customer_words=intake.customer_words,
        expectation=intake.expectation,
        unit_number=intake.unit_number,
        new_contact_name=intake.new_contact_name,
        close_now=intake.close_now,
        answer=intake.answer,
        kind=intake.kind,
        answer_flagged=_flagged(command.locale, intake.answer) if intake.close_now else (),
        forwarded=intake.channel == Channel.DEPARTMENT,
        forwarded_by=intake.forwarded_by or "",
        forwarded_on=received.isoformat() if received is not None else "",
        today=today,
        email=intake.caller_email,
        fax=intake.caller_fax,
    )
    if intake.contact_id is not None:  # the caller picked among this customer's contacts
        owner = uow.customers.contact_customer(intake.contact_id)
        if owner is None or owner != intake.customer_id:
            problems.append(FieldProblem("contact", "intake.error.contact_unknown"))
    rule = propose_department(intake.kind, intake.category, uow.tickets.routing_rules())
    proposed = rule.department if rule else None
    lead = may_choose(actor.role, WorkChoice.CHOOSE_DEPARTMENT)
    problems += department_problem(lead, intake.department_code, proposed)
    refuse_problems(problems)


def _flagged(locale: str, answer: str) -> tuple[str, ...]:
    """The forbidden phrases in an answer, by `locale`'s list (the site's own, zh-CN, for a
    locale the desk has no list for)."""
    rules = packaged_conduct(locale if locale in CONDUCT_LOCALES else "zh-CN")
    return tuple(flagged_phrases(rules, answer))


def record_call(uow: UnitOfWork, actor: Actor, command: RecordCall, now: datetime) -> SavedCall:
    """The customer if new, the ticket, its deadlines, the routing proposal, escalation, and
    the intake draft gone; one commit (seed 002:2.2-2.3)."""
    require(actor, Action.WORK_OWN)
    _check_call(uow, actor, command, now)
    saved = uow.tickets.record_call(
        command.intake, actor.id, now, call_plan(uow, command.intake, now)
    )
    _land_routing(uow, actor, saved, now)
    _tie_call(uow, actor, command, saved, now)
    _share_new_customer(uow, actor, command.intake, saved, now)
    uow.commit()
    return saved


def _land_routing(uow: UnitOfWork, actor: Actor, saved: SavedCall, now: datetime) -> None:
    """Routing lands (issue 26): a record saved with a department is that department's
    first leg in the same unit of work, on its desk at once (seed 002:2.3.1, 2.4.2)."""
    code = department_leg_for(saved.department_code, saved.closed)
    if code is None:
        return
    decided = next_state(uow.tickets.ticket_state(saved.ticket_id), TicketMove.HANDED_TO_DEPARTMENT)
    if isinstance(decided, TicketRefusal):  # a record opened just now: never, but say why
        raise Invalid([FieldProblem("department", decided.key)])
    uow.frontdesk.hand_to_department(saved.ticket_id, code, actor.id, now, decided)


def call_plan(uow: UnitOfWork, intake: CallIntake, now: datetime) -> CallPlan:
    """What follows from the call (domain): its department, a close at intake, deadlines."""
    return plan_call(
        kind=intake.kind,
        category=intake.category,
        severity=intake.severity,
        department_code=intake.department_code,
        close_now=intake.close_now,
        answer=intake.answer,
        customer_known=intake.customer_id is not None,
        rules=uow.tickets.routing_rules(),
        policy=uow.policy,
        now=now,
    )


def _share_new_customer(
    uow: UnitOfWork, actor: Actor, intake: CallIntake, saved: SavedCall, now: datetime
) -> None:
    """A customer the call filed goes to an agent by the balance (seed 000:1.3, issue 26)."""
    if intake.customer_id is None:
        share_new_customer(uow, saved.customer_id, actor.id, now=now)


def _tie_call(
    uow: UnitOfWork, actor: Actor, command: RecordCall, saved: SavedCall, now: datetime
) -> None:
    if command.call is not None:
        from deskui.services.phone_desk import tie_call_in

        tie_call_in(uow, actor, command.call, saved.ticket_id, now)


def record_queued_call(
    uow: UnitOfWork, actor: Actor, command: RecordCall, now: datetime
) -> SavedCall:
    """A call the database could not take, saved later at the time it was taken (`now`).
    A draft the agent has since started for another call stays (record_call deletes the
    intake draft)."""
    require(actor, Action.WORK_OWN)
    _check_call(uow, actor, command, now)
    intake = command.intake
    draft = uow.drafts.load_draft(actor.id, DRAFT_FORM)
    saved = uow.tickets.record_call(intake, actor.id, now, call_plan(uow, intake, now))
    _land_routing(uow, actor, saved, now)
    _tie_call(uow, actor, command, saved, now)
    _share_new_customer(uow, actor, intake, saved, now)
    if draft and str(draft.get("words") or "").strip() != intake.customer_words.strip():
        uow.drafts.save_draft(actor.id, DRAFT_FORM, draft, now)
    uow.commit()
    return saved


# -- the form's draft (DESIGN.md 5) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaveIntakeDraft:
    """The form as it stands, kept for the agent until the call is saved."""

    payload: dict[str, object]


def save_intake_draft(
    uow: UnitOfWork, actor: Actor, command: SaveIntakeDraft, now: datetime
) -> None:
    require(actor, Action.WORK_OWN)
    uow.drafts.save_draft(actor.id, DRAFT_FORM, command.payload, now)
    uow.commit()


def discard_intake_draft(uow: UnitOfWork, actor: Actor, _: None, now: datetime) -> None:
    """A new call, or an emptied form: no draft to restore."""
    require(actor, Action.WORK_OWN)
    uow.drafts.delete_draft(actor.id, DRAFT_FORM)
    uow.commit()
