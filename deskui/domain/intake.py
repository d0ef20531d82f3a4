"""Checks on the intake form (seed 002:2.2): each problem is a catalog key next to its field."""

from __future__ import annotations

from dataclasses import dataclass

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.phone import normalise_phone

MAX_WORDS = limit(FieldKind.NOTE)  # the customer's words; a longer paste is kept in the form
MAX_LINE = limit(FieldKind.SHORT_TEXT)  # one-line fields: the customer's name, expectation
MAX_NAME = limit(FieldKind.NAME)  # the new contact, a person (Contact.name is String(80))
MAX_UNIT = limit(FieldKind.UNIT_NUMBER)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    key: str
    values: tuple[tuple[str, object], ...] = ()


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
) -> list[FieldProblem]:
    """Everything wrong with the form, in field order; empty when it can be saved."""
    problems: list[FieldProblem] = []
    if phone.strip():
        parsed = normalise_phone(phone)
        if not parsed.valid:
            problems.append(FieldProblem("phone", parsed.error or "phone.invalid"))
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
    if close_now:
        if kind != "question":
            problems.append(FieldProblem("answer", "intake.error.only_questions_close"))
        elif not answer.strip():
            problems.append(FieldProblem("answer", "intake.error.answer_required"))
        elif len(answer) > MAX_WORDS:
            problems.append(_too_long("answer", answer, MAX_WORDS))
    return problems


def _too_long(field: str, text: str, limit: int) -> FieldProblem:
    return FieldProblem(field, "intake.error.too_long", (("limit", limit), ("length", len(text))))
