"""What the agent typed into the caller field (a number, the last digits, or a name), and
what a search from any screen asks for (issue 26: a ticket number, a phone, a name, words)."""

from __future__ import annotations

import re
import unicodedata
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


# -- finding a record from any screen (issue 26) ------------------------------------------------

MAX_QUERY = 200
"""Characters of a search that are read: a 2 MB paste is cut here before anything else."""
MAX_TICKET_ID = 2**31 - 1
"""A ticket number past this is no ticket number (the column is a 32-bit integer)."""
MAX_QUERY_GRAMS = 12
"""Index pieces a query sends at most; the words found are checked whole afterwards."""


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SEPARATORS = re.compile(r"[\W_]+")
"""What is not a letter or a digit (`\\w` is `str.isalnum` and the underscore)."""


class RecordMatch(StrEnum):
    """Why a record was found, in the order the results list them."""

    NUMBER = "number"  # its ticket number
    PHONE = "phone"  # the customer's, a contact's or the caller's number
    NAME = "name"  # the customer's or a contact's name
    WORDS = "words"  # the customer's words or the answer


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """What a search typed into Ctrl+F asks for, each way it can be read at once: `54` is a
    ticket number and words; `13812345678` a phone; `星辰` a name and words."""

    text: str
    ticket_id: int | None = None
    phone: str | None = None
    """A full number, E.164 (or a short service number as typed): matched exactly."""
    digits: str | None = None
    """4+ digits that are no full number: the end of one."""
    name: str | None = None
    """A name fragment, case-folded and without spaces (2+ characters)."""
    words: tuple[str, ...] = ()
    """Runs of letters and digits the customer's words or the answer must each hold."""
    grams: tuple[str, ...] = ()
    """The two-character pieces the index is asked for (from the runs of 2+ characters)."""

    @property
    def empty(self) -> bool:
        """Nothing to look for: too short (one character) or no letters or digits at all."""
        return not (self.ticket_id or self.phone or self.digits or self.name or self.grams)


def text_runs(text: str) -> list[str]:
    """The runs of letters and digits of `text`, full-width folded to half-width (NFKC) and
    case-folded: what is indexed and what a search matches. Punctuation, spaces, markup
    brackets, `%`, `_`, quotes and control characters only separate runs."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [run for run in _SEPARATORS.split(folded) if run]


def text_grams(*texts: str) -> set[str]:
    """The two-character pieces of the texts' runs (Chinese has no spaces between words, so
    a two-character word is one piece, which a trigram index could not serve)."""
    grams: set[str] = set()
    for text in texts:
        for run in text_runs(text):
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def holds_words(words: tuple[str, ...], *texts: str) -> bool:
    """Whether the texts together hold every run of `words`, each run whole within one run
    of theirs (the index found candidates: a text holding each piece need not hold the word)."""
    plain = " ".join(texts).casefold()
    if all(word in plain for word in words):  # a run of letters and digits held as it is
        return True
    folded = " ".join(" ".join(text_runs(text)) for text in texts)
    return all(word in folded for word in words)


def record_query(raw: str) -> RecordQuery:
    """How to look for what was typed; pure and cheap, whatever was pasted."""
    cut = raw[:MAX_QUERY]
    text = " ".join(_CONTROLS.sub(" ", cut).split())  # an ESC or a NUL only separates
    folded = unicodedata.normalize("NFKC", text)
    if folded.startswith("#"):  # `#54`: that ticket and nothing else
        return RecordQuery(text, ticket_id=_ticket_number(folded[1:].strip()))
    compact = folded.replace(" ", "")
    ticket_id = _ticket_number(compact)
    phone = normalise_phone(text) if text else None
    if phone is not None and phone.valid and phone.e164:
        return RecordQuery(text, ticket_id=ticket_id, phone=phone.e164)
    digits = lookup_fragment(text) if text else None
    looks_like_number = (
        compact.lstrip("+").replace("-", "").replace("(", "").replace(")", "").isdecimal()
    )
    name = None
    # a name holds a letter or a digit: `%_%` or `（）` is nothing to look for (a name's own
    # punctuation still counts in its pieces: `A&B`)
    if not looks_like_number and len(compact) >= MIN_NAME and any(c.isalnum() for c in compact):
        name = compact.casefold()
    words = tuple(dict.fromkeys(text_runs(text)))
    grams = sorted(text_grams(text))
    return RecordQuery(
        text,
        ticket_id=ticket_id,
        digits=digits,
        name=name,
        words=words if grams else (),
        grams=tuple(_spread(grams, words)),
    )


def _ticket_number(typed: str) -> int | None:
    """`typed` as a ticket number, when it is one (ASCII digits, in the column's range)."""
    if not (typed.isascii() and typed.isdecimal()) or len(typed) > len(str(MAX_TICKET_ID)):
        return None
    number = int(typed)
    return number if 0 < number <= MAX_TICKET_ID else None


def _spread(grams: list[str], words: tuple[str, ...]) -> list[str]:
    """At most MAX_QUERY_GRAMS pieces, taken across the runs (each run's first and last
    pieces first), so a long query still narrows by every word it holds."""
    if len(grams) <= MAX_QUERY_GRAMS:
        return grams
    chosen: dict[str, None] = {}
    for word in words:
        if len(word) >= 2:
            chosen[word[:2]] = None
            chosen[word[-2:]] = None
    for gram in grams:
        chosen[gram] = None
    return sorted(list(chosen)[:MAX_QUERY_GRAMS])
