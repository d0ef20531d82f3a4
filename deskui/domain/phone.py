"""Phone numbers as an agent types them while listening: parse, index, display.

Callers give numbers the way they say them (seed 002:2.2: the record keeps the customer's
phone): mobiles, landlines with an area code, 400 numbers, extensions after 转 / 分机 (or a
dash), and the short service numbers phonenumbers knows for the region (95588, 10086, 12345).

phonenumbers (58 modules, about 1 MB of an idle desk and some 40 ms of its start) is imported
by the first number parsed or shown, not with this module: a desk signed in with its work
list never needs it (issue 27). The intake loads it ahead (`load_phone_rules`) once it is
painted, so the agent's first digit does not wait for it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

_EXTENSION = re.compile(
    r"(?:转|分机号?|extension|ext\.?|x|#)\s*[:：.]?\s*(\d*)\s*$",
    re.IGNORECASE,
)
"""An extension marker and its digits at the end of the input."""

_DASHED_EXTENSION = re.compile(r"-\s*(\d{1,6})\s*$")
"""`010-8888 6666-301`: the written form of an extension, taken as one only when the digits
before the dash are a whole number by themselves."""

_MIN_NATIONAL_DIGITS = 7
"""Fewer national digits than this cannot be a CN subscriber number with its area code."""

MAX_EXTENSION_DIGITS = 8
"""An extension is a switchboard's few digits; more is a mishearing (and the column is 12)."""
_CN_MOBILE_DIGITS = 11
_LOOKUP_MIN_DIGITS = 4


@dataclass(frozen=True, slots=True)
class PhoneParse:
    raw: str
    e164: str | None
    """`+8613812345678` when the number is valid; a short service number (95588), which has
    no E.164 form, as its digits were typed; else None. What is stored and matched exactly."""
    extension: str | None
    digits: str
    """The digits typed for the number itself (not the extension): the last-digits lookup key."""
    valid: bool
    error: str | None
    """A catalog key (`phone.empty`, `phone.not_a_number`, `phone.too_short`,
    `phone.too_long`, `phone.invalid`), or None when valid."""
    short: bool = False
    """A short service number of the region (95588, 12345): valid, dialled as typed."""


@lru_cache(maxsize=2048)
def normalise_phone(raw: str, region: str = "CN") -> PhoneParse:
    """Parse what the agent typed; never raises, cheap enough for every keystroke."""
    text = unicodedata.normalize("NFKC", raw).strip()  # full-width digits and brackets
    if not text:
        return PhoneParse(raw, None, None, "", False, "phone.empty")
    extension: str | None = None
    match = _EXTENSION.search(text)
    if match is not None:
        extension = match.group(1) or None  # a marker typed, its digits not yet
        text = text[: match.start()]
    if extension is not None and len(extension) > MAX_EXTENSION_DIGITS:
        digits = "".join(ch for ch in text if ch.isdecimal())
        return PhoneParse(raw, None, extension, digits, False, "phone.too_long")
    parsed = _parse_number(raw, text, extension, region)
    dashed = _DASHED_EXTENSION.search(text) if match is None else None
    if not parsed.valid and dashed is not None:
        before = _parse_number(raw, text[: dashed.start()], dashed.group(1), region)
        if before.valid and not before.short:
            return before
    return parsed


def _parse_number(raw: str, text: str, extension: str | None, region: str) -> PhoneParse:
    digits = "".join(ch for ch in text if ch.isdecimal())
    if not digits or any(ch.isalpha() for ch in text):
        return PhoneParse(raw, None, extension, digits, False, "phone.not_a_number")
    plus = "+" if text.lstrip().startswith("+") else ""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    try:
        number = phonenumbers.parse(plus + digits, region)
    except NumberParseException as exc:
        if not plus and _is_short_number(digits, region):
            return PhoneParse(raw, digits, extension, digits, True, None, short=True)
        return PhoneParse(raw, None, extension, digits, False, _parse_error(exc))
    if phonenumbers.is_valid_number(number):
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        return PhoneParse(raw, e164, extension, digits, True, None)
    if not plus and _is_short_number(digits, region):
        # a service number has no E.164 form: kept as dialled, matched exactly
        return PhoneParse(raw, digits, extension, digits, True, None, short=True)
    return PhoneParse(raw, None, extension, digits, False, _invalid_reason(number))


def _is_short_number(digits: str, region: str) -> bool:
    """What phonenumbers holds to be a valid short number in the region (95588, 110)."""
    import phonenumbers
    from phonenumbers import NumberParseException
    from phonenumbers.shortnumberinfo import is_valid_short_number_for_region

    try:
        number = phonenumbers.parse(digits, region)
    except NumberParseException:
        return False
    return is_valid_short_number_for_region(number, region)


def _parse_error(exc: phonenumbers.NumberParseException) -> str:
    from phonenumbers import NumberParseException

    if exc.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return "phone.too_short"
    if exc.error_type == NumberParseException.TOO_LONG:
        return "phone.too_long"
    if exc.error_type == NumberParseException.NOT_A_NUMBER:  # only digits reach here: 1 digit
        return "phone.too_short"
    return "phone.invalid"


def _invalid_reason(number: phonenumbers.PhoneNumber) -> str:
    """Tell the agent whether to keep typing or to check what they heard."""
    import phonenumbers
    from phonenumbers import ValidationResult

    national = phonenumbers.national_significant_number(number)
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.TOO_LONG:
        return "phone.too_long"
    if reason == ValidationResult.TOO_SHORT or len(national) < _MIN_NATIONAL_DIGITS:
        return "phone.too_short"
    if number.country_code == 86 and national.startswith("1"):  # CN mobiles have 11 digits
        if len(national) < _CN_MOBILE_DIGITS:
            return "phone.too_short"
        if len(national) > _CN_MOBILE_DIGITS:
            return "phone.too_long"
    return "phone.invalid"


def load_phone_rules(region: str = "CN") -> None:
    """Import phonenumbers and read the region's rules now (from a worker, ahead of the first
    number typed) rather than in the keystroke that first needs them."""
    _parse_number("", "13800138000", None, region)


def reversed_digits(e164_or_digits: str) -> str:
    """Digits only, reversed: stored indexed so "last 4 digits" is a prefix search."""
    text = unicodedata.normalize("NFKC", e164_or_digits)
    return "".join(ch for ch in reversed(text) if ch.isdecimal())


def lookup_fragment(raw: str) -> str | None:
    """The digits to search by their ending, when the input is 4+ digits but no full number."""
    parsed = normalise_phone(raw)
    if parsed.valid or len(parsed.digits) < _LOOKUP_MIN_DIGITS:
        return None
    return parsed.digits


def format_display(e164: str, extension: str | None = None) -> str:
    """National format for CN numbers, international for others, then ` 转 {ext}`; a masked
    number (`138****5678`) as it is."""
    if "*" in e164:
        return f"{e164} 转 {extension}" if extension else e164
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    try:
        number = phonenumbers.parse(e164, None if e164.startswith("+") else "CN")
    except NumberParseException:
        shown = e164
    else:
        national = number.country_code == 86
        style = PhoneNumberFormat.NATIONAL if national else PhoneNumberFormat.INTERNATIONAL
        shown = phonenumbers.format_number(number, style)
    return f"{shown} 转 {extension}" if extension else shown


def display_number(text: str) -> str:
    """A number as stored or typed (`+8613800138000`, `13800138000转301`) as the card writes
    numbers (`138 0013 8000`, ` 转 301`); a short number, a masked one or words that are no
    number as they are (issue 26: raw E.164 in messages and notifications)."""
    if not text.strip() or "*" in text:
        return text
    parsed = normalise_phone(text)
    if not parsed.valid or parsed.short or parsed.e164 is None:
        return text
    return format_display(parsed.e164, parsed.extension)
