"""Customer relations (seed 000:1.4.7, 2.5.5, 4): prospects, gifts and customer events.

Functions of (facts, now), no clock and no database. Times are UTC; the dates an agent types
and "today" are the site's local day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.field_problem import FieldProblem
from deskui.domain.reception import (
    MAX_NAME,
    check_text,
    check_time,
    event_plan_due,
    gift_confirmation_due,
    gift_confirmation_late,
)

PROSPECT_FOLLOW_UP_DAYS = 7
"""CS follows a prospect up within a week (the seeds set no time: the callback week,
seed 000:2.5.2.1, as the site default)."""
PLAN_DUE_TIME = time(18, 0)
"""The plan is due by the end of the working day a month ahead (seed 000:4.2)."""
STEP = timedelta(minutes=30)
"""The grain at which a gift's confirmation call is placed before its deadline."""

CS = "cs"
"""The prospect's follower when no business department follows it (seed 000:1.4.7)."""


class ProspectStatus(StrEnum):
    FOLLOWING = "following"  # CS follows it itself
    HANDED = "handed"  # a department follows it
    CLOSED = "closed"


class GiftState(StrEnum):
    PENDING = "pending"  # not confirmed yet, still within 3 days
    LATE = "late"  # not confirmed and the 3 days are over (seed 000:2.5.5.1)
    ARRIVED = "arrived"
    NOT_ARRIVED = "not_arrived"


class InviteWay(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    VISIT = "visit"


class Attendance(StrEnum):
    ATTENDED = "attended"
    DECLINED = "declined"
    NO_SHOW = "no_show"


# -- prospects (seed 000:1.4.7) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProspectFacts:
    interest: str
    department_code: str | None
    """None: CS follows it itself; else the business department that follows it."""
    person: str
    """The department person it is handed to ("" when CS follows it)."""
    follow_up_at: datetime | None
    """When CS follows it up (None when handed to a department)."""


def prospect_follow_up_due(recorded_at: datetime, days: int = PROSPECT_FOLLOW_UP_DAYS) -> datetime:
    return _utc(recorded_at) + timedelta(days=days)


def check_prospect(
    values: Mapping[str, str], now: datetime, zone: ZoneInfo
) -> tuple[ProspectFacts | None, list[FieldProblem]]:
    """What interests the contact; who follows it: CS (with its follow-up time, a week by
    default) or a department (with the person it is handed to)."""
    problems = check_text("interest", values.get("interest", ""))
    follow = values.get("follow", CS) or CS
    person = values.get("person", "")
    follow_up_at: datetime | None = None
    if follow == CS:
        problems += check_text("person", person, required=False, limit=MAX_NAME)
        text = values.get("follow_up", "")
        if text.strip():
            follow_up_at, bad = check_time("follow_up", text, now, zone)
            problems += bad
            if follow_up_at is not None and follow_up_at <= _utc(now):
                problems.append(FieldProblem("follow_up", "relations.error.not_future"))
        else:
            follow_up_at = prospect_follow_up_due(now)
    else:
        problems += check_text("person", person, limit=MAX_NAME)
    if problems:
        return None, problems
    return (
        ProspectFacts(
            interest=values.get("interest", "").strip(),
            department_code=None if follow == CS else follow,
            person=person.strip() if follow != CS else "",
            follow_up_at=follow_up_at,
        ),
        [],
    )


def check_hand_off(values: Mapping[str, str]) -> list[FieldProblem]:
    """Handing a prospect CS was following to a department: which one, and to whom."""
    return hand_off_problems(values.get("department", ""), values.get("person", ""))


# -- gifts (seed 000:2.5.5) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GiftFacts:
    gift: str
    sent_at: datetime
    sent_by: str
    department_code: str


def check_gift(
    values: Mapping[str, str], now: datetime, zone: ZoneInfo
) -> tuple[GiftFacts | None, list[FieldProblem]]:
    """The business department's gift list entry: the gift, when it was sent and by whom."""
    problems = check_text("gift", values.get("gift", ""), limit=200)
    problems += check_text("sent_by", values.get("sent_by", ""), limit=MAX_NAME)
    sent_at, bad = check_time("sent_at", values.get("sent_at", ""), now, zone)
    problems += bad
    if sent_at is not None and sent_at > _utc(now):
        problems.append(FieldProblem("sent_at", "relations.error.sent_in_future"))
    if problems or sent_at is None:
        return None, problems
    return (
        GiftFacts(
            gift=values.get("gift", "").strip(),
            sent_at=sent_at,
            sent_by=values.get("sent_by", "").strip(),
            department_code=values.get("department", "") or "business",
        ),
        [],
    )


def gift_state(sent_at: datetime, arrived: bool | None, now: datetime) -> GiftState:
    """Where a gift's confirmation stands: confirmed either way, or pending / late."""
    if arrived is True:
        return GiftState.ARRIVED
    if arrived is False:
        return GiftState.NOT_ARRIVED
    if gift_confirmation_late(sent_at, None, now):
        return GiftState.LATE
    return GiftState.PENDING


def arrival_from_answers(answers: Mapping[str, object] | None) -> bool | None:
    """What a finished gift-arrival callback found, from its script's `arrived` answer."""
    value = str((answers or {}).get("arrived", "") or "")
    if value == "yes":
        return True
    if value == "no":
        return False
    return None


@dataclass(frozen=True, slots=True)
class OpenCall:
    """An open callback of the customer a gift's confirmation could ride along with."""

    id: int
    purpose: str
    due_at: datetime


def callback_to_join(calls: Sequence[OpenCall], sent_at: datetime) -> int | None:
    """CS confirms the gift in the next routine callback if one falls within the 3 days
    (seed 000:2.5.5.1); another gift's confirmation call does as well. The earliest wins."""
    due = gift_confirmation_due(sent_at)
    fitting = [c for c in calls if c.purpose in ("routine", "gift_arrival") and c.due_at <= due]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (c.due_at, c.id)).id


def gift_call_at(sent_at: datetime, now: datetime, allowed: Callable[[datetime], bool]) -> datetime:
    """When to place the confirmation call: the latest time the customer may be called that
    still meets the 3 days, and not before now; the deadline itself when there is none."""
    due = gift_confirmation_due(sent_at)
    earliest = max(_utc(now), _utc(sent_at))
    at = due
    while at >= earliest:
        if allowed(at):
            return at
        at -= STEP
    return max(due, _utc(now))


# -- customer events, 联谊活动 (seed 000:4) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFacts:
    name: str
    event_on: date
    place: str
    plan_due_on: date


def plan_due_at(event_on: date, zone: ZoneInfo) -> datetime:
    """The plan's deadline as an instant: the end of the working day a month ahead."""
    day = event_plan_due(event_on)
    return datetime.combine(day, PLAN_DUE_TIME, tzinfo=zone).astimezone(UTC)


def check_event(
    values: Mapping[str, str], now: datetime, zone: ZoneInfo
) -> tuple[EventFacts | None, list[FieldProblem]]:
    """Name, a date not in the past, a place; the plan falls due a month ahead."""
    problems = check_text("name", values.get("name", ""), limit=120)
    problems += check_text("place", values.get("place", ""), limit=200)
    event_on = parse_day(values.get("event_on", ""))
    if not values.get("event_on", "").strip():
        problems.append(FieldProblem("event_on", "reception.error.required"))
    elif event_on is None:
        problems.append(FieldProblem("event_on", "relations.error.date_format"))
    elif event_on < _utc(now).astimezone(zone).date():
        problems.append(FieldProblem("event_on", "relations.error.event_past"))
    if problems or event_on is None:
        return None, problems
    return (
        EventFacts(
            name=values.get("name", "").strip(),
            event_on=event_on,
            place=values.get("place", "").strip(),
            plan_due_on=event_plan_due(event_on),
        ),
        [],
    )


def check_plan(values: Mapping[str, str]) -> list[FieldProblem]:
    """The planning department's plan and who wrote it (seed 000:4.2)."""
    return plan_problems(values.get("plan", ""), values.get("plan_by", ""))


def check_invitation(
    values: Mapping[str, str], now: datetime, zone: ZoneInfo
) -> tuple[datetime | None, list[FieldProblem]]:
    """When and how the invitation went out, and who sent it (business departments invite,
    seed 000:4.2); an empty time means now."""
    problems = check_text("invited_by", values.get("invited_by", ""), limit=MAX_NAME)
    if values.get("way", "") not in {w.value for w in InviteWay}:
        problems.append(FieldProblem("way", "relations.error.pick_way"))
    at: datetime | None = _utc(now)
    if values.get("invited_at", "").strip():
        at, bad = check_time("invited_at", values["invited_at"], now, zone)
        problems += bad
        if at is not None and at > _utc(now):
            problems.append(FieldProblem("invited_at", "relations.error.sent_in_future"))
    return (None, problems) if problems else (at, [])


def attendance_problem(
    attendance: str, invited: bool, event_on: date, now: datetime, zone: ZoneInfo
) -> str | None:
    """The catalog key saying why this attendance cannot be recorded yet, or None: only an
    invited customer answers, and nobody attends or fails to come before the day."""
    if attendance not in {a.value for a in Attendance}:
        return "relations.error.pick_attendance"
    if not invited:
        return "relations.error.not_invited"
    today = _utc(now).astimezone(zone).date()
    if attendance != Attendance.DECLINED and today < event_on:
        return "relations.error.before_event"
    return None


def parse_day(text: str) -> date | None:
    """`2026-12-23` (also with / or .) as a date; None when it does not read as one."""
    value = text.strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("relations rules need timezone-aware instants")
    return instant.astimezone(UTC)


# -- the same checks on a command's typed facts (the services' gate, issue 24) ------------------


def prospect_problems(
    *,
    interest: str,
    department_code: str | None,
    person: str,
    follow_up_at: datetime | None,
    now: datetime,
) -> list[FieldProblem]:
    """A prospect (seed 000:1.4.7): what interests the contact; CS follows it (a follow-up
    after now, or the default week) or a department's named person does."""
    problems = check_text("interest", interest)
    if department_code is None or department_code == CS:
        problems += check_text("person", person, required=False, limit=MAX_NAME)
        problems += _future_problems("follow_up", follow_up_at, now, "relations.error.not_future")
    else:
        problems += check_text("person", person, limit=MAX_NAME)
    return problems


def hand_off_problems(department_code: str, person: str) -> list[FieldProblem]:
    """Handing a prospect CS was following to a department: which one, and to whom."""
    problems = check_text("person", person, limit=MAX_NAME)
    if not department_code or department_code == CS:
        problems.append(FieldProblem("department", "relations.error.pick_department"))
    return problems


def outcome_problems(outcome: str) -> list[FieldProblem]:
    """How a prospect ended: said in words."""
    return check_text("outcome", outcome)


def gift_problems(
    *, gift: str, sent_by: str, sent_at: datetime, now: datetime
) -> list[FieldProblem]:
    """A gift sent (seed 000:2.5.5): what, by whom, and a time not after now."""
    problems = check_text("gift", gift, limit=200)
    problems += check_text("sent_by", sent_by, limit=MAX_NAME)
    problems += _past_problems("sent_at", sent_at, now)
    return problems


def confirmation_problems(arrived: bool, note: str) -> list[FieldProblem]:
    """A gift that did not arrive says what happened (its follow-up ticket carries it)."""
    return check_text("note", note, required=not arrived)


def event_problems(
    *, name: str, place: str, event_on: date, now: datetime, zone: ZoneInfo
) -> list[FieldProblem]:
    """A customer event (seed 000:4): a name, a place, a day not in the past."""
    problems = check_text("name", name, limit=120)
    problems += check_text("place", place, limit=200)
    if event_on < _utc(now).astimezone(zone).date():
        problems.append(FieldProblem("event_on", "relations.error.event_past"))
    return problems


def plan_problems(plan: str, plan_by: str) -> list[FieldProblem]:
    """The planning department's plan and who wrote it (seed 000:4.2)."""
    problems = check_text("plan", plan, limit=8000)
    problems += check_text("plan_by", plan_by, limit=MAX_NAME)
    return problems


def invitation_problems(
    *, invited_by: str, way: str, at: datetime, now: datetime
) -> list[FieldProblem]:
    """When and how an invitation went out (not after now), and who sent it (seed 000:4.2)."""
    problems = check_text("invited_by", invited_by, limit=MAX_NAME)
    if way not in {w.value for w in InviteWay}:
        problems.append(FieldProblem("way", "relations.error.pick_way"))
    problems += _past_problems("invited_at", at, now)
    return problems


def attendance_note_problems(note: str) -> list[FieldProblem]:
    """The note beside an invitee's attendance: optional, short."""
    return check_text("note", note, required=False, limit=500)


def _past_problems(field: str, at: datetime, now: datetime) -> list[FieldProblem]:
    if at.tzinfo is None:  # a time without its zone reads as no time
        return [FieldProblem(field, "reception.error.time_format")]
    if at > _utc(now):
        return [FieldProblem(field, "relations.error.sent_in_future")]
    return []


def _future_problems(
    field: str, at: datetime | None, now: datetime, key: str
) -> list[FieldProblem]:
    if at is None:
        return []
    if at.tzinfo is None:
        return [FieldProblem(field, "reception.error.time_format")]
    if at <= _utc(now):
        return [FieldProblem(field, key)]
    return []
