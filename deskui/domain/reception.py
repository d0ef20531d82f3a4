"""Reception rules (seed 001:4; 000:1.4.7, 2.5.5, 4): functions of (facts, now), no clock.

Times are stored in UTC; "today" and the times an agent types are the site's local day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.intake import check_choices
from deskui.domain.model import COMPLAINT_CATEGORIES, QUESTION_CATEGORIES, Channel, TicketKind

MAX_NAME = limit(FieldKind.NAME)
MAX_TEXT = limit(FieldKind.NOTE)  # the registers' free text (Text columns)
SIGN_WITHIN_HOURS = 4  # a site setting: an item not signed for by then is flagged (seed 001:4.5)
GIFT_CONFIRM_DAYS = 3  # CS confirms a gift's arrival within 3 days of sending (seed 000:2.5.5)
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%H:%M")


class PassState(StrEnum):
    UPCOMING = "upcoming"
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class MailKind(StrEnum):
    LETTER = "letter"
    PARCEL = "parcel"
    FAX = "fax"


class Direction(StrEnum):
    RECEIVED = "received"
    SENT = "sent"


def local_day(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds [start, end) of the site's local day containing `now`."""
    day = _utc(now).astimezone(zone).date()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def pass_state(
    valid_from: datetime, valid_to: datetime, revoked_at: datetime | None, now: datetime
) -> PassState:
    if revoked_at is not None and revoked_at <= _utc(now):
        return PassState.REVOKED
    if _utc(now) < valid_from:
        return PassState.UPCOMING
    if _utc(now) >= valid_to:
        return PassState.EXPIRED
    return PassState.VALID


def expires_today(
    valid_to: datetime, revoked_at: datetime | None, now: datetime, zone: ZoneInfo
) -> bool:
    """A pass not revoked whose validity ends within the site's local today (seed 001:4.8)."""
    start, end = local_day(now, zone)
    return revoked_at is None and start <= valid_to < end


def sign_due(at: datetime, hours: int = SIGN_WITHIN_HOURS) -> datetime:
    return _utc(at) + timedelta(hours=hours)


def unsigned_late(
    at: datetime, signed_at: datetime | None, now: datetime, hours: int = SIGN_WITHIN_HOURS
) -> bool:
    """Received and still not signed for when the site's time has passed (seed 001:4.5)."""
    return signed_at is None and _utc(now) >= sign_due(at, hours)


def gift_confirmation_due(sent_at: datetime, days: int = GIFT_CONFIRM_DAYS) -> datetime:
    """CS confirms arrival in the next routine callback within 3 days (seed 000:2.5.5)."""
    return _utc(sent_at) + timedelta(days=days)


def gift_confirmation_late(
    sent_at: datetime, confirmed_at: datetime | None, now: datetime, days: int = GIFT_CONFIRM_DAYS
) -> bool:
    return confirmed_at is None and _utc(now) >= gift_confirmation_due(sent_at, days)


def event_plan_due(event_day: date) -> date:
    """The planning department's plan is due a month ahead (seed 000:4): the same day of the
    previous month, or that month's last day when it is shorter."""
    year, month = (
        (event_day.year - 1, 12)
        if event_day.month == 1
        else (
            event_day.year,
            event_day.month - 1,
        )
    )
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(event_day.day, last))


def parse_local_time(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """`2026-11-23 14:30`, a date alone (start of that day) or `14:30` (today), site zone."""
    value = " ".join(text.split())
    for pattern in TIME_FORMATS:
        try:
            parsed = datetime.strptime(value, pattern)  # naive: the zone is set below
        except ValueError:
            continue
        if pattern == "%H:%M":
            today = _utc(now).astimezone(zone).date()
            parsed = datetime.combine(today, parsed.time())
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    return None


# -- checks before saving: each problem goes next to its field ---------------------------------


@dataclass(frozen=True, slots=True)
class PassFacts:
    valid_from: datetime
    valid_to: datetime


def check_text(
    field: str, text: str, *, required: bool = True, limit: int = MAX_TEXT
) -> list[FieldProblem]:
    """Plain text of a sane length; markup is kept as typed, escapes are refused."""
    if not text.strip():
        return [FieldProblem(field, "reception.error.required")] if required else []
    if len(text) > limit:
        return [FieldProblem(field, "reception.error.too_long", (("limit", limit),))]
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text.replace("\n", "")):
        return [FieldProblem(field, "reception.error.control")]
    return []


def check_time(
    field: str, text: str, now: datetime, zone: ZoneInfo, *, required: bool = True
) -> tuple[datetime | None, list[FieldProblem]]:
    if not text.strip():
        problems = [FieldProblem(field, "reception.error.required")] if required else []
        return None, problems
    parsed = parse_local_time(text, now, zone)
    if parsed is None:
        return None, [FieldProblem(field, "reception.error.time_format")]
    return parsed, []


def check_pass(
    values: dict[str, str], now: datetime, zone: ZoneInfo
) -> tuple[PassFacts | None, list[FieldProblem]]:
    valid_from, bad_from = check_time("valid_from", values.get("valid_from", ""), now, zone)
    valid_to, bad_to = check_time("valid_to", values.get("valid_to", ""), now, zone)
    problems = pass_problems(
        company=values.get("company", ""),
        people=values.get("people", ""),
        area=values.get("area", ""),
        issued_by=values.get("issued_by", ""),
        valid_from=valid_from,
        valid_to=valid_to,
        times_read=False,  # check_time said which is missing or unreadable
    )
    problems += bad_from + bad_to
    problems.sort(key=lambda problem: PASS_FIELDS.index(problem.field))
    if problems or valid_from is None or valid_to is None:
        return None, problems
    return PassFacts(valid_from, valid_to), []


# -- the same checks on a command's typed facts (the services' gate, issue 24) ------------------

PASS_FIELDS = ("company", "people", "area", "issued_by", "valid_from", "valid_to")


def pass_problems(
    *,
    company: str,
    people: str,
    area: str,
    issued_by: str,
    valid_from: datetime | None,
    valid_to: datetime | None,
    times_read: bool = True,
) -> list[FieldProblem]:
    """A contractor pass (seed 001:4.8): who, where, who issued it, and a validity that
    ends after it starts. `times_read` False: the form reports the unreadable times itself."""
    problems = check_text("company", company, limit=limit(FieldKind.COMPANY))
    problems += check_text("people", people)
    problems += check_text("area", area, limit=limit(FieldKind.COMPANY))
    problems += check_text("issued_by", issued_by, limit=MAX_NAME)
    if times_read:
        if valid_from is None:
            problems.append(FieldProblem("valid_from", "reception.error.required"))
        if valid_to is None:
            problems.append(FieldProblem("valid_to", "reception.error.required"))
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        problems.append(FieldProblem("valid_to", "reception.error.to_before_from"))
    return problems


def visit_problems(
    *, visitor: str, company: str, host: str, purpose: str, prepare: str, walk_in: bool
) -> list[FieldProblem]:
    """A visitor (seed 001:4.9-4.10): their name; a booked visit names whom they meet."""
    problems = check_text("visitor", visitor, limit=MAX_NAME)
    problems += check_text("company", company, required=False, limit=limit(FieldKind.COMPANY))
    problems += check_text("host", host, required=not walk_in, limit=MAX_NAME)
    problems += check_text("purpose", purpose, required=False)
    problems += check_text("prepare", prepare, required=False)
    return problems


def message_problems(*, from_name: str, from_number: str, message: str) -> list[FieldProblem]:
    """A phone message for a colleague (seed 001:4.7): who called and what they said."""
    problems = check_text("from_name", from_name, limit=MAX_NAME)
    problems += check_text("from_number", from_number, required=False, limit=limit(FieldKind.PHONE))
    problems += check_text("message", message)
    return problems


def revoke_problems(reason: str) -> list[FieldProblem]:
    """A pass taken back says why (seed 001:4.8)."""
    return check_text("reason", reason, limit=limit(FieldKind.SHORT_TEXT))


MAIL_CATEGORY_MAX = 40  # CorrespondenceItem.category is String(40)


def mail_problems(
    *,
    direction: str,
    kind: str,
    category: str,
    party: str,
    handed_to: str,
    note: str,
) -> list[FieldProblem]:
    """A register line (seed 001:4.5-4.6): received or sent, a letter, parcel or fax, from
    or to whom. (Only a fax is copied: the store refuses a copied letter, FrontDeskError.)"""
    problems: list[FieldProblem] = []
    if direction not in set(Direction):
        problems.append(FieldProblem("direction", "reception.error.choice"))
    if kind not in set(MailKind):
        problems.append(FieldProblem("kind", "reception.error.choice"))
    problems += check_text("category", category, required=False, limit=MAIL_CATEGORY_MAX)
    problems += check_text("party", party, limit=limit(FieldKind.COMPANY))
    problems += check_text("handed_to", handed_to, required=False, limit=MAX_NAME)
    problems += check_text("note", note, required=False)
    return problems


def signer_problems(signed_by: str) -> list[FieldProblem]:
    """Who signed for an item (seed 001:4.5)."""
    return check_text("signed_by", signed_by, limit=MAX_NAME)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("reception rules need timezone-aware instants")
    return instant.astimezone(UTC)


def walk_in_ticket_problems(*, kind: str, category: str, severity: str) -> list[FieldProblem]:
    """A walk-in's problem is classified as a call's is (seed 002:2.1, 2.2.3): a kind, a
    category of that kind (a site's own category goes with either), and a severity."""
    problems = check_choices(
        kind=kind, category=category, channel=Channel.WALK_IN, severity=severity
    )
    other = COMPLAINT_CATEGORIES if kind == TicketKind.QUESTION else QUESTION_CATEGORIES
    if kind in set(TicketKind) and category in other:
        problems.append(FieldProblem("category", "intake.error.choice_required"))
    return problems
