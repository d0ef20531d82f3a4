"""Sign-in rules (issue 16, seed 002:2.5): how many wrong passwords lock an account, what a
password must be, and who may be told what. Pure: hashing is the services' business."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem

MAX_FAILED_SIGNINS = 5
"""The fifth wrong password in a row locks the account for the site's lock time (counted in
one statement: deskui/data/account_store.count_failure)."""
MIN_PASSWORD_LENGTH = 8


def name_key(name: str) -> str:
    """What an account's name looks like on a list or in the audit: NFKC (full-width forms,
    no-break spaces), case folded, spaces collapsed. Two accounts never share one."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


AGENT_NAME_LIMIT = limit(FieldKind.NAME)
"""An agent's name (its column is String(80))."""


def agent_name_problem(name: str) -> FieldProblem | None:
    """What is wrong with a new agent's name as typed (spaces already collapsed): blank, too
    long for its column, or holding a character that is not shown as itself (ESC, NUL, a bidi
    override, a zero-width space): it would sit in every list's owner column and the audit."""
    if not name.strip():
        return FieldProblem("name", "pick.name_empty")
    if len(name) > AGENT_NAME_LIMIT:
        return FieldProblem("name", "pick.name_too_long", (("max", AGENT_NAME_LIMIT),))
    if not all(ch.isprintable() for ch in name):
        return FieldProblem("name", "pick.name_unprintable")
    return None


class SignInOutcome:
    OK = "ok"
    WRONG = "wrong"  # no such account, or the wrong password: said the same way
    LOCKED = "locked"
    DISABLED = "disabled"
    NO_PASSWORD = "no_password"  # an account a lead has not given a password yet


def password_problem(password: str, name: str = "") -> str | None:
    """The catalog key of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "account.error.password_short"
    if name and password.strip().casefold() == name.strip().casefold():
        return "account.error.password_is_name"
    return None


def locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def masked_phone(phone: str) -> str:
    """`138****5678`: the first three and last four digits of a number shown to a role that
    need not see it (a Chinese landline in its national form, `021****0101`); short numbers
    keep only their last two."""
    digits = phone.removeprefix("+86")
    mobile = digits.startswith("1") and len(digits) == 11  # Beijing's 10 is a landline
    if phone.startswith("+86") and not mobile:
        digits = "0" + digits  # the trunk 0 the agent reads a landline with
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def masked_number(phone: str | None) -> str | None:
    """`masked_phone` of a number a record may not have (None or empty stays as it is)."""
    return masked_phone(phone) if phone else phone


def masked_email(email: str) -> str:
    """`w***@example.com`: the first letter and the domain of an address a role need not see."""
    name, at, domain = email.partition("@")
    return f"{name[:1]}***{at}{domain}" if at else (email[:1] + "***" if email else "")


def sees_personal(role: str, masked_roles: frozenset[str]) -> bool:
    """Whether `role` sees phone numbers, e-mail and personal notes unmasked; the site says
    which roles need not (privacy.masked; default: department members)."""
    return role not in masked_roles
