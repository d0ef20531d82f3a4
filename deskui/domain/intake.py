"""Checks on the intake form (seed 002:2.2): each problem is a catalog key next to its field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from deskui.domain.deadlines import (
    DeadlinePolicy,
    first_contact_due,
    profile_filing_due,
    repeat_contact_due,
)
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import Channel, Severity, TicketKind
from deskui.domain.phone import normalise_phone
from deskui.domain.routing import RoutingRule, propose_department

MAX_WORDS = limit(FieldKind.NOTE)  # the customer's words; a longer paste is kept in the form
MAX_LINE = limit(FieldKind.SHORT_TEXT)  # one-line fields: the customer's name, expectation
MAX_NAME = limit(FieldKind.NAME)  # the new contact, a person (Contact.name is String(80))
MAX_UNIT = limit(FieldKind.UNIT_NUMBER)
MAX_CATEGORY = 40  # Ticket.category is String(40)
MAX_EMAIL = 200  # Ticket.caller_email is String(200)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
"""An address as a mail server takes it: no space, markup, quote or control character."""


def check_intake(
    *,
    phone: str,
    customer_known: bool,
    new_customer_name: str,
    customer_words: str,
    expectation: str,
    unit_number: str,
    new_contact_name: str,
    close_now: bool,
    answer: str,
    kind: str,
    answer_flagged: tuple[str, ...] = (),
    forwarded: bool = False,
    forwarded_by: str = "",
    forwarded_on: str = "",
    today: date | None = None,
    email: str = "",
    fax: str = "",
) -> list[FieldProblem]:
    """Everything wrong with the form, in field order; empty when it can be saved."""
    problems: list[FieldProblem] = []
    if phone.strip():
        parsed = normalise_phone(phone)
        if not parsed.valid:
            problems.append(FieldProblem("phone", parsed.error or "phone.invalid"))
    problems.extend(contact_means_problems(email, fax))
    if not customer_known:
        if not new_customer_name.strip():
            problems.append(FieldProblem("new_customer", "intake.error.customer_required"))
        elif len(new_customer_name) > MAX_LINE:
            problems.append(_too_long("new_customer", new_customer_name, MAX_LINE))
    if len(new_contact_name) > MAX_NAME:
        problems.append(_too_long("new_contact", new_contact_name, MAX_NAME))
    if len(unit_number) > MAX_UNIT:
        problems.append(_too_long("unit", unit_number, MAX_UNIT))
    if not customer_words.strip():
        problems.append(FieldProblem("words", "intake.error.words_required"))
    elif len(customer_words) > MAX_WORDS:
        problems.append(_too_long("words", customer_words, MAX_WORDS))
    if len(expectation) > MAX_LINE:
        problems.append(_too_long("expectation", expectation, MAX_LINE))
    if forwarded:
        problems.extend(_forward_problems(forwarded_by, forwarded_on, today))
    if close_now:
        if kind != "question":
            problems.append(FieldProblem("answer", "intake.error.only_questions_close"))
        elif not answer.strip():
            problems.append(FieldProblem("answer", "intake.error.answer_required"))
        elif len(answer) > MAX_WORDS:
            problems.append(_too_long("answer", answer, MAX_WORDS))
        elif answer_flagged:
            # the answer is said to the customer: seed 000:3.2.1.2 (never 不知道 ...)
            problems.append(
                FieldProblem(
                    "answer", "intake.error.conduct", (("phrases", "、".join(answer_flagged)),)
                )
            )
    return problems


def contact_means_problems(email: str, fax: str) -> list[FieldProblem]:
    """The caller's e-mail and fax beside the phone (seed 002:2.2.1): either may be left
    empty; one given is an address a mail server takes and a number a fax can dial."""
    problems: list[FieldProblem] = []
    if len(email) > MAX_EMAIL:
        problems.append(_too_long("email", email, MAX_EMAIL))
    elif email.strip() and _EMAIL.fullmatch(email.strip()) is None:
        problems.append(FieldProblem("email", "intake.error.email_invalid"))
    if fax.strip():
        parsed = normalise_phone(fax)
        if not parsed.valid:
            problems.append(FieldProblem("fax", parsed.error or "phone.invalid"))
    return problems


def received_day(text: str) -> date | None:
    """The local day a department received the complaint, typed as 2026-11-20."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _forward_problems(department: str, typed: str, today: date | None) -> list[FieldProblem]:
    """seed 000:3.2.2-3.2.3: the delay and the repeat-complaint count need both facts."""
    problems: list[FieldProblem] = []
    if not department:
        problems.append(FieldProblem("forwarded_by", "intake.error.forwarded_by_required"))
    if not typed.strip():
        problems.append(FieldProblem("forwarded_on", "intake.error.forwarded_on_required"))
        return problems
    day = received_day(typed)
    if day is None:
        problems.append(FieldProblem("forwarded_on", "intake.error.forwarded_on_unreadable"))
    elif today is not None and day > today:
        problems.append(FieldProblem("forwarded_on", "intake.error.forwarded_on_future"))
    return problems


def _too_long(field: str, text: str, limit: int) -> FieldProblem:
    return FieldProblem(field, "intake.error.too_long", (("limit", limit), ("length", len(text))))


def check_choices(*, kind: str, category: str, channel: str, severity: str) -> list[FieldProblem]:
    """The form's lists: a kind, channel and severity the desk knows, and a category (a site
    may add its own, so any short code) (seed 002:2.2)."""
    problems: list[FieldProblem] = []
    if kind not in set(TicketKind):
        problems.append(FieldProblem("kind", "intake.error.choice_required"))
    if not category.strip() or len(category) > MAX_CATEGORY:
        problems.append(FieldProblem("category", "intake.error.choice_required"))
    if channel not in set(Channel):
        problems.append(FieldProblem("channel", "intake.error.choice_required"))
    if severity not in set(Severity):
        problems.append(FieldProblem("severity", "intake.error.choice_required"))
    return problems


def department_problem(
    may_choose: bool, chosen: str | None, proposed: str | None
) -> list[FieldProblem]:
    """seed 002:2.3.2: routing proposes the department (None: it proposes none, or the
    store routes); only a role that `may_choose` (work_permissions.CHOOSE_DEPARTMENT) sends
    the ticket to another."""
    if may_choose or chosen is None or chosen == proposed:
        return []
    return [FieldProblem("department", "intake.error.department_lead_only")]


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What follows from a call as the agent took it (seed 002:2.2-2.3), decided before
    anything is written: where it is routed, whether it closes at once, and its deadlines."""

    department: str | None
    """The department chosen, else the routing table's proposal (None: CS keeps it)."""
    closes: bool
    """A question answered while the caller is on the line is closed at intake."""
    first_contact_due: datetime
    """Severity decides it (seed 002:2.3.2): normal 24 h, urgent 8 h, critical 4 h."""
    repeat_contact_due: datetime | None
    """Urgent and still open: keep the customer informed 1-2 times a day (seed 002:2.3.2)."""
    profile_filing_due: datetime | None
    """A new customer's profile is filed by CS within 24 hours (seed 000:1.4.3)."""
    personal_notes_due: datetime | None = None
    """A new customer's personal notes (hobbies, family) follow within a month (seed
    000:1.4.2), as for a customer filed from the profiles."""


def plan_call(
    *,
    kind: str,
    category: str,
    severity: str,
    department_code: str | None,
    close_now: bool,
    answer: str,
    customer_known: bool,
    rules: Sequence[RoutingRule],
    policy: DeadlinePolicy,
    now: datetime,
) -> CallPlan:
    """The plan of a call whose fields the intake checks passed (check_choices,
    check_intake, department_problem)."""
    department = department_code
    if department is None:
        rule = propose_department(kind, category, rules)
        department = rule.department if rule else None
    closes = close_now and kind == TicketKind.QUESTION and bool(answer)
    level = Severity(severity)
    urgent = not closes and level == Severity.URGENT
    return CallPlan(
        department=department,
        closes=closes,
        first_contact_due=first_contact_due(policy, level, now),
        repeat_contact_due=repeat_contact_due(policy, now) if urgent else None,
        profile_filing_due=None if customer_known else profile_filing_due(policy, "cs", now),
        personal_notes_due=(
            None if customer_known else profile_filing_due(policy, "personal_notes", now)
        ),
    )
