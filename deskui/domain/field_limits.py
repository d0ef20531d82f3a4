"""How long each kind of field may be: one limit per kind, from this one place.

Every form field is one of these kinds. An `Input` takes its kind's limit as `max_length`
(a key past it is refused where the agent sees it); a text area is checked before the save
and refused with the limit and the length, keeping the text. The limits are the columns'
sizes where a column has one (a longer value would fail on PostgreSQL, not on SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class FieldKind(StrEnum):
    NAME = "name"
    """A person: contact, visitor, host, the department's person, an agent (String(80))."""
    COMPANY = "company"
    """A company or party on a register: visitor's company, contractor, sender (String(120))."""
    SHORT_TEXT = "short_text"
    """One line: a customer's name, the expectation, a title, a next step (String(200))."""
    ADDRESS = "address"
    """A customer's address (String(300))."""
    PHONE = "phone"
    """A number as typed, with spaces, brackets and an extension (转 301)."""
    UNIT_NUMBER = "unit_number"
    """The shop's unit number, 铺位号 (String(40))."""
    CODE = "code"
    """A date, a time, a number, a file path or a search: typed short by nature."""
    NOTE = "note"
    """Several lines: the customer's words, a complaint note, measures, callback notes."""
    LETTER = "letter"
    """A written reply to a complaint (seed 001:7): a letter, longer than any note."""


LIMITS: dict[FieldKind, int] = {
    FieldKind.NAME: 80,
    FieldKind.COMPANY: 120,
    FieldKind.SHORT_TEXT: 200,
    FieldKind.ADDRESS: 300,
    FieldKind.PHONE: 40,
    FieldKind.UNIT_NUMBER: 40,
    FieldKind.CODE: 500,  # a file path may be long; dates and times never come close
    FieldKind.NOTE: 4000,
    FieldKind.LETTER: 20000,
}
"""Characters each kind may hold."""

NEAR_LIMIT = 0.9
"""From this share of the limit on, a text area shows how many characters are left."""


def limit(kind: FieldKind) -> int:
    return LIMITS[kind]


def over_limit(text: str, kind: FieldKind) -> bool:
    return len(text) > LIMITS[kind]


def near_limit(text: str, kind: FieldKind) -> bool:
    """Whether the count is worth showing while the agent types (near or past the limit)."""
    return len(text) >= NEAR_LIMIT * LIMITS[kind]


@dataclass(frozen=True, slots=True)
class TooLong:
    """A field past its kind's limit, shaped like the forms' FieldProblem (field, key,
    values), so a form shows it next to the field like its other problems."""

    field: str
    limit: int
    length: int
    key: str = "field.too_long"

    @property
    def values(self) -> tuple[tuple[str, object], ...]:
        return (("limit", self.limit), ("length", self.length))


def too_long(values: Mapping[str, object], kinds: Mapping[str, FieldKind]) -> list[TooLong]:
    """The fields of `values` past their kind's limit, in the order of `kinds`."""
    problems = []
    for name, kind in kinds.items():
        text = values.get(name)
        if isinstance(text, str) and over_limit(text, kind):
            problems.append(TooLong(name, LIMITS[kind], len(text)))
    return problems


_PEOPLE = (
    "contact", "contact_name", "new_contact", "new-name", "sales_head", "received_from",
    "person", "visitor", "host", "by_name", "handed_to", "signed_by", "issued_by", "from_name",
    "sent_by", "invited_by", "plan_by", "for_agent",
)  # fmt: skip
_COMPANIES = ("company", "party", "area", "place")
_PHONES = ("phone", "contact_phone", "from_number", "fax")
_UNITS = ("unit", "unit_number")
_CODES = (
    "promised_at", "callback_time", "expected_finish", "action_at", "booked_at", "postpone_to",
    "first_date", "end_date", "starts_on", "ends_on", "received_at", "birthday",
    "contract_signed_on", "founded_on", "day", "due", "at", "sent_at", "valid_from",
    "valid_to", "path", "setting", "forwarded_on",
)  # fmt: skip
_NOTES = (
    "message", "people", "interest", "purpose", "prepare", "plan", "measures", "result",
    "outcome", "feedback", "issue", "words", "answer", "personal_notes", "note_long",
    "confirmation_form",
)  # fmt: skip

INPUT_KINDS: dict[str, FieldKind] = {
    **dict.fromkeys(_PEOPLE, FieldKind.NAME),
    **dict.fromkeys(_COMPANIES, FieldKind.COMPANY),
    **dict.fromkeys(_PHONES, FieldKind.PHONE),
    "address": FieldKind.ADDRESS,
    **dict.fromkeys(_UNITS, FieldKind.UNIT_NUMBER),
    **dict.fromkeys(_CODES, FieldKind.CODE),
    **dict.fromkeys(_NOTES, FieldKind.NOTE),
}
"""The kind of each named form field; any other one-line field is SHORT_TEXT. Where a name
means a longer text on one form than on another, it takes the longer kind here and the
form's own check says the tighter limit at the save."""


def kind_of(name: str) -> FieldKind:
    return INPUT_KINDS.get(name, FieldKind.SHORT_TEXT)


def input_limit(name: str) -> int:
    """`max_length` for the Input of the field called `name`."""
    return LIMITS[kind_of(name)]
