"""What a role need not see of a person, hidden the same way on every screen and in every
export (issue 23; the site's `privacy.masked`, by default department members). One function,
`personal`, decides by a field's name whether it holds a phone number or an e-mail address
and masks it with the rules' own `masked_phone` / `masked_email` (`138****5678`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from deskui.domain.accounts import masked_email, masked_phone

PHONE_FIELDS = frozenset(
    {
        "phone",
        "phone_e164",
        "contact_phone",
        "caller_phone",
        "from_number",
        "mobile",
        "fax",
        "caller_fax",
        "from",  # the calls export (issue 25)
        "to",
        "to_number",
        "party_number",
    }
)
"""Fields and export columns holding a person's or a company's number. Not an extension
(`phone_extension`), nor a `unit_number`, an order's `number` or a `tracking_number`."""
EMAIL_FIELDS = frozenset({"email", "contact_email", "caller_email"})

R = TypeVar("R")


def personal(field: str, value: Any, *, sees: bool) -> Any:
    """`value` of the field named `field` as shown to someone who `sees` personal data or
    not: a number or an address masked for the latter, anything else as it is."""
    if sees or not value or not isinstance(value, str):
        return value
    if field in PHONE_FIELDS:
        return masked_phone(value)
    if field in EMAIL_FIELDS:
        return masked_email(value)
    return value


def masked_record(record: R, *, sees: bool) -> R:
    """A row (a frozen dataclass) with its number and address fields as `personal` shows
    them; the row itself when it has none or the reader `sees` them."""
    if sees or not is_dataclass(record) or isinstance(record, type):
        return record
    hidden = {
        f.name: personal(f.name, getattr(record, f.name), sees=False)
        for f in fields(record)
        if f.name in PHONE_FIELDS or f.name in EMAIL_FIELDS
    }
    return replace(record, **hidden) if hidden else record


def masked_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, sees: bool
) -> tuple[list[str], list[list[Any]]]:
    """An export's rows with the columns `personal` hides, by their column key."""
    if sees:
        return list(headers), [list(row) for row in rows]
    return list(headers), [
        [personal(header, value, sees=False) for header, value in zip(headers, row, strict=True)]
        for row in rows
    ]
