"""A person's data on request (PIPL, issue 28): who the person is, which fields of a record
are theirs, and how a text held about them is masked. Pure: the store applies it.

A person is named by a contact's id, by a customer's id (a customer that is a person: a
shop's owner filed as the customer, with its contacts) or by a phone number. Erasing them
keeps every record's facts (kind, category, status, times, who worked it: what the measures
count) and blanks their personal fields; free text and history values that hold their name,
number, e-mail or personal notes have those pieces masked (`MASK`).

A number held by more than one profile (a company's switchboard, a family phone), or a
customer's own line, is not one contact's: asked for by that number, the desk lists the
holders and erases nothing (a company's line is asked for by the customer's id); asked for
by a contact holding it, the contact's own copy of the number goes, and the number stays on
the other profiles and on calls not tied to that contact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from deskui.domain.phone import normalise_phone

MASK = "***"
"""What a masked piece of text reads as: the same in every language, no catalog word."""

MIN_NAME = 2
"""A name shorter than this (one character) is not looked for in free text: it would mask
every word holding that character."""

MIN_NUMBER = 5
"""Digits shorter than this are no phone number to look for in free text."""

MIN_NOTES = 4
"""Personal notes at least this long are looked for where they were copied (drafts, history)."""


CONTACT_BLANKS: Mapping[str, object] = {
    "name": "",
    "position": "",
    "gender": "unknown",
    "phone_e164": None,
    "phone_extension": None,
    "phone_reversed": None,
    "email": "",
    "birthday": None,
    "convenient_time": "",
    "personal_notes": "",
}
"""A contact's personal fields and what each reads once erased; `role` (principal or
liaison) and the customer it belongs to are facts and stay."""

CUSTOMER_BLANKS: Mapping[str, object] = {
    "name": "",
    "address": "",
    "phone_e164": None,
    "phone_extension": None,
    "phone_reversed": None,
    "notes": "",
}
"""A customer's own fields when the customer is the person; the unit (铺位号), the agent it
is assigned to and its contract date are the site's facts and stay."""

PERSONAL_HISTORY_KEYS = frozenset(
    {
        # a contact's fields as the customer's history names them (customer_store.contact_fields)
        "contact",
        "position",
        "contact_phone",
        "phone_extension",
        "email",
        "gender",
        "birthday",
        "convenient_time",
        "personal_notes",
        # a ticket's caller as its events name it
        "caller_phone",
        "caller_extension",
        "phone",
        "notes",
        # a customer's own, when the customer is the person (customer_store.customer_fields)
        "name",
        "address",
    }
)
"""Keys of a history entry's detail whose [old, new] values are the person's: blanked."""


def is_pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2


@dataclass(frozen=True, slots=True)
class Person:
    """Whom a request is about: the contacts that are them, the numbers that are theirs,
    and the pieces of text that name them."""

    contact_ids: tuple[int, ...] = ()
    phones: tuple[str, ...] = ()
    """E.164 numbers (or a short number's digits) that are this person's alone: records
    held under them (calls, callers of tickets, messages) are theirs."""
    own_phones: tuple[str, ...] = ()
    """The contacts' own numbers, also when shared: blanked on the contacts only."""
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    customer_ids: tuple[int, ...] = ()
    """The customers the contacts belong to (their history and search pieces)."""
    whole_customers: tuple[int, ...] = ()
    """Customers that are the person (a shop's owner filed as the customer): their own
    fields go too, and every record of theirs is the person's."""
    needles: tuple[str, ...] = field(default=())
    """Every piece of text masked wherever it is found, longest first."""


def make_person(
    contact_ids: Iterable[int],
    phones: Iterable[str],
    own_phones: Iterable[str],
    names: Iterable[str],
    emails: Iterable[str] = (),
    notes: Iterable[str] = (),
    customer_ids: Iterable[int] = (),
    whole_customers: Iterable[int] = (),
) -> Person:
    """A person with the needles their pieces give (see `needles`)."""
    person = Person(
        contact_ids=tuple(sorted(set(contact_ids))),
        phones=tuple(sorted({p for p in phones if p})),
        own_phones=tuple(sorted({p for p in own_phones if p})),
        names=tuple(sorted({n.strip() for n in names if n.strip()})),
        emails=tuple(sorted({e.strip() for e in emails if e.strip()})),
        notes=tuple(sorted({n.strip() for n in notes if n.strip()})),
        customer_ids=tuple(sorted(set(customer_ids))),
        whole_customers=tuple(sorted(set(whole_customers))),
    )
    return replace(person, needles=needles(person))


def number_forms(number: str) -> tuple[str, ...]:
    """The ways a stored number is written in free text: its E.164 form, its national digits
    and those with the trunk 0 (`+8613912345678`, `13912345678`, `013912345678`)."""
    forms = {number}
    digits = "".join(ch for ch in number if ch.isdecimal())
    if number.startswith("+86") and len(digits) > 2:
        national = digits[2:]
        forms |= {national, "0" + national}
    elif number.startswith("+"):
        forms.add(digits)
    return tuple(f for f in forms if sum(ch.isdecimal() for ch in f) >= MIN_NUMBER)


def needles(person: Person) -> tuple[str, ...]:
    """The pieces masked in free text: names of two characters or more, every form of the
    numbers that are the person's alone (a shared number is the other holders' too), their
    e-mail and personal notes; longest first, so a longer piece goes before a part."""
    found: set[str] = set()
    found |= {n for n in person.names if len(n) >= MIN_NAME}
    for number in person.phones:
        found |= set(number_forms(number))
    found |= {e for e in person.emails if len(e) >= MIN_NUMBER}
    found |= {n for n in person.notes if len(n) >= MIN_NOTES}
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def json_forms(needle: str) -> tuple[str, ...]:
    """A needle as a JSON column's text may hold it: as is, and with non-ASCII characters
    escaped (`\\u6b27`), as json.dumps writes them by default."""
    escaped = json.dumps(needle)[1:-1]
    return (needle,) if escaped == needle else (needle, escaped)


def scrub(text: str, pieces: Iterable[str]) -> str:
    """`text` with each piece masked."""
    for piece in pieces:
        if piece and piece in text:
            text = text.replace(piece, MASK)
    return text


def scrub_value(value: object, pieces: tuple[str, ...]) -> object:
    """A JSON value (a history entry's detail, a draft's payload, a call event as received)
    with each piece masked in every string, keys kept."""
    if isinstance(value, str):
        return scrub(value, pieces)
    if isinstance(value, list):
        return [scrub_value(v, pieces) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, pieces) for k, v in value.items()}
    return value


def blank_personal_pairs(detail: Mapping[str, object]) -> dict[str, object]:
    """A history entry's detail with the [old, new] values of the person's fields blanked:
    the entry still says that the field changed, not from what to what."""
    return {
        key: (["", ""] if key in PERSONAL_HISTORY_KEYS and is_pair(value) else value)
        for key, value in detail.items()
    }


def phone_of(text: str) -> str | None:
    """The number a manager typed, in any format (`139 1234 5678`, `+86-139-1234-5678`,
    `０１３９…`), as the desk stores it; None when it is no number (a paste of 2 MB is
    none, at once)."""
    if len(text) > MAX_TYPED_NUMBER:
        return None
    parsed = normalise_phone(text)
    return parsed.e164 if parsed.valid else None


MAX_TYPED_NUMBER = 64
"""Longer than this, what was typed is no phone number, however it is spaced."""

RETENTION_OFF = 0
"""A retention of 0 days keeps records' personal fields until a request (the default)."""


def retention_cutoff(now: datetime, days: int) -> datetime | None:
    """Records closed before this instant have their personal fields anonymised by the
    purge; None when the site keeps them (retention off)."""
    if days <= RETENTION_OFF:
        return None
    return now - timedelta(days=days)
