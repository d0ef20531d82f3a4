"""What the agent typed into the caller field: a number, the last digits, or a name."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deskui.domain.phone import PhoneParse, lookup_fragment, normalise_phone

# screens import `visible` from here too: the one function lives in visible_text (issue 23)
from deskui.domain.visible_text import visible as visible


class LookupKind(StrEnum):
    PHONE = "phone"  # a full number: exact match on E.164
    DIGITS = "digits"  # 4+ digits: the end of a number
    NAME = "name"  # 2+ characters of a company or contact name
    NONE = "none"  # too little to look up yet


@dataclass(frozen=True, slots=True)
class Lookup:
    kind: LookupKind
    value: str
    phone: PhoneParse


MIN_NAME = 2


def classify(raw: str) -> Lookup:
    """Decide how to look up what was typed; cheap enough for every keystroke."""
    phone = normalise_phone(raw)
    if phone.valid and phone.e164:
        return Lookup(LookupKind.PHONE, phone.e164, phone)
    digits = lookup_fragment(raw)
    if digits:
        return Lookup(LookupKind.DIGITS, digits, phone)
    text = " ".join(raw.split())
    has_digits_only = text.replace(" ", "").replace("-", "").replace("+", "").isdigit()
    if len(text) >= MIN_NAME and not has_digits_only:
        return Lookup(LookupKind.NAME, text, phone)
    return Lookup(LookupKind.NONE, "", phone)


def name_grams(name: str) -> set[str]:
    """The two-character pieces of a name, case-folded, spaces ignored."""
    folded = "".join(name.casefold().split())
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


LOOK_AHEAD_DIGITS = 3
"""Digits typed before the next keystroke's answers are worth finding in advance: with one
more digit, 4 digits are the shortest lookup (the end of a number)."""


def next_keystrokes(raw: str, kind: LookupKind) -> tuple[str, ...]:
    """What the phone field may hold after the agent's next key, while a number is being
    typed: the value with each digit added. A name has no such short list. A number that
    is already valid still gets them: a 7-digit local number is the start of an 8-digit
    one, and an extension may follow as plain digits."""
    if kind is LookupKind.NAME or sum(ch.isdigit() for ch in raw) < LOOK_AHEAD_DIGITS:
        return ()
    return tuple(raw + digit for digit in "0123456789")
