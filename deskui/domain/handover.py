"""The shift handover (seed 004 after-sales 8): what is gathered, when an unacknowledged item
is flagged, how an item may leave the list, and the report's layout. Functions of (facts, now).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.deadlines import DeadlinePolicy, handover_ack_due
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import DeadlineKind, HandoverSheet, HandoverStatus, Role, SubjectType
from deskui.domain.visible_text import drives_terminal

MAX_TITLE = limit(FieldKind.SHORT_TEXT)
MAX_ITEM_TEXT = limit(FieldKind.NOTE)
"""What was done so far, the next step, a note, a reassignment's reason: a note's length."""
SHEET_ORDER: tuple[HandoverSheet, ...] = tuple(HandoverSheet)
"""The seed's order: unfinished, payment, responsibility, courier, repair, return."""


class Leave(StrEnum):
    """The only ways an item leaves the list: nothing handed over silently vanishes."""

    DONE = "done"
    REASSIGNED = "reassigned"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True, slots=True)
class OpenWork:
    """One open deadline the outgoing agent owns."""

    kind: str
    subject_type: str
    subject_id: int
    customer_id: int | None
    customer: str
    label: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Gathered:
    """One subject to hand over, with its soonest deadline."""

    sheet: HandoverSheet
    subject_type: str
    subject_id: int
    customer_id: int | None
    customer: str
    title: str
    due_at: datetime
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The wall layout: customer, item, status, deadline, owner, note."""

    sheet: str
    customer: str
    item: str
    status: str
    deadline: datetime | None
    owner: str
    note: str
    done_so_far: str = ""
    next_step: str = ""


def sheet_for(kind: str) -> HandoverSheet:
    """A chased parcel goes on the courier sheet; every other open deadline is unfinished
    work (seed 004 after-sales 8)."""
    if kind == DeadlineKind.PARCEL_CHASE:
        return HandoverSheet.COURIER
    return HandoverSheet.UNFINISHED


def local_day(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day holding `now`, as its first instant and the next day's (dates are local)."""
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(0), tzinfo=tz)
    return start, datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)


def todays_work(work: OpenWork, day_end: datetime) -> bool:
    """seed 004 after-sales 8, the day's unfinished-work sheet: what is due by the end of
    today (overdue included) and every problem record still open; a callback or a chase
    due on a later day is that day's work, not this shift's leftover."""
    return work.due_at < day_end or work.subject_type == SubjectType.TICKET


def gather(
    open_work: Iterable[OpenWork],
    already_listed: Iterable[tuple[str, int]] = (),
    day: tuple[datetime, datetime] | None = None,
) -> list[Gathered]:
    """One item per subject (a ticket with two deadlines is one piece of work), soonest due
    first; handover deadlines themselves and subjects already on the list are left out, and
    with `day` (its start and end) only that day's work is gathered."""
    skip = set(already_listed)
    by_subject: dict[tuple[str, int], list[OpenWork]] = {}
    for work in open_work:
        if day is not None and not todays_work(work, day[1]):
            continue
        if work.kind in (DeadlineKind.HANDOVER_ACK, DeadlineKind.HANDOVER_FOLLOW_UP):
            continue
        if work.subject_type == SubjectType.HANDOVER_ITEM:
            continue
        key = (work.subject_type, work.subject_id)
        if key in skip:
            continue
        by_subject.setdefault(key, []).append(work)
    gathered = []
    for (subject_type, subject_id), works in by_subject.items():
        works.sort(key=lambda w: w.due_at)
        first = works[0]
        gathered.append(
            Gathered(
                sheet=sheet_for(first.kind),
                subject_type=subject_type,
                subject_id=subject_id,
                customer_id=first.customer_id,
                customer=first.customer,
                title=first.label or f"{subject_type} #{subject_id}",
                due_at=first.due_at,
                kinds=tuple(dict.fromkeys(w.kind for w in works)),
            )
        )
    gathered.sort(key=lambda g: (g.due_at, g.subject_type, g.subject_id))
    return gathered


def ack_due(policy: DeadlinePolicy, shift_start: datetime) -> datetime:
    """The site-set time after the incoming shift's start (DeadlinePolicy.handover_ack)."""
    return handover_ack_due(policy, shift_start)


def is_ack_overdue(
    policy: DeadlinePolicy,
    status: str,
    shift_start: datetime | None,
    acknowledged_at: datetime | None,
    now: datetime,
) -> bool:
    """Handed over, not acknowledged, and past the site-set time: flag it to the lead."""
    if status != HandoverStatus.HANDED_OVER or acknowledged_at is not None:
        return False
    if shift_start is None:
        return False
    return _utc(now) >= ack_due(policy, shift_start)


def check_leave(status: str, how: Leave, note: str) -> str | None:
    """Why the item may not leave the list this way, as a catalog key, or None."""
    if status == HandoverStatus.DONE:
        return "handover.error.already_done"
    if how is Leave.REASSIGNED and not note.strip():
        return "handover.error.note_required"
    if how is Leave.ACKNOWLEDGED and status != HandoverStatus.HANDED_OVER:
        return "handover.error.not_handed_over"
    return None


@dataclass(frozen=True, slots=True)
class ItemRefusal:
    """Why the item may not move so, as a catalog key."""

    key: str


OPEN_ITEM_STATES = frozenset({HandoverStatus.OPEN, HandoverStatus.HANDED_OVER})
"""An item still on the list: it may be edited, handed over, reassigned, finished."""


def next_item_status(status: str, how: Leave, note: str) -> HandoverStatus | ItemRefusal:
    """The status an item leaving the list `how` is saved with (a reassigned item keeps its
    own: it stays on the list, with someone else), or why it may not leave so."""
    problem = check_leave(status, how, note)
    if problem is not None:
        return ItemRefusal(problem)
    if how is Leave.REASSIGNED:
        return HandoverStatus(status)
    return HandoverStatus.DONE if how is Leave.DONE else HandoverStatus.ACKNOWLEDGED


def hand_over_refusal(
    from_agent_id: int, to_agent_id: int, to_role: str | None = Role.AGENT
) -> ItemRefusal | None:
    """A shift is handed to someone else: never to the one handing it over, to a department
    member (who keeps no front desk: seed 004 hands the desk's pending work to the desk),
    or to no active account (`to_role` None)."""
    if from_agent_id == to_agent_id:
        return ItemRefusal("handover.error.same_agent")
    return recipient_refusal(to_role)


def recipient_refusal(to_role: str | None) -> ItemRefusal | None:
    """Whom the desk's pending work (a shift, or one item of it) may go to: an active
    account (`to_role` None: none) that keeps the desk, never a department member."""
    if to_role is None:
        return ItemRefusal("handover.error.no_such_agent")
    if to_role == Role.DEPARTMENT:
        return ItemRefusal("handover.error.not_desk")
    return None


def takes_handover(role: str) -> bool:
    """Whether an account of `role` may be handed the desk's pending work."""
    return role != Role.DEPARTMENT


def handed_item_status(record_still_open: bool | None) -> HandoverStatus:
    """What an open item is saved with when the shift is handed over: handed over, or done
    when the record it follows (`record_still_open`: None for a hand-entered item, which
    follows none) was finished since it was gathered: it leaves the list as done."""
    return HandoverStatus.DONE if record_still_open is False else HandoverStatus.HANDED_OVER


def edit_refusal(status: str) -> ItemRefusal | None:
    """Why an item may not be edited (it left the list), or None."""
    return None if status in OPEN_ITEM_STATES else ItemRefusal("handover.error.closed")


def item_text_problems(texts: dict[str, str]) -> list[FieldProblem]:
    """An item's typed texts (field -> text) too long for a note, or holding a character that
    would drive the terminal of every desk listing the handover or reading the audit (ESC,
    NUL, a bidi override; line breaks and tabs are text): refused, never stored."""
    problems: list[FieldProblem] = []
    for field, text in texts.items():
        if len(text) > MAX_ITEM_TEXT:
            problems.append(
                FieldProblem(field, "handover.error.too_long", (("max", MAX_ITEM_TEXT),))
            )
        elif drives_terminal(text, lines=True):
            problems.append(FieldProblem(field, "handover.error.control"))
    return problems


def check_item(*, title: str, sheet: str, next_step: str) -> list[FieldProblem]:
    """A hand-entered item needs what it is, its sheet and what the next shift does."""
    problems: list[FieldProblem] = []
    if not title.strip():
        problems.append(FieldProblem("title", "handover.error.required"))
    elif len(title) > MAX_TITLE:
        problems.append(FieldProblem("title", "handover.error.too_long", (("max", MAX_TITLE),)))
    if sheet not in {s.value for s in HandoverSheet}:
        problems.append(FieldProblem("sheet", "handover.error.bad_sheet"))
    if not next_step.strip():
        problems.append(FieldProblem("next_step", "handover.error.next_step_required"))
    return problems


def by_sheet(rows: Sequence[ReportRow]) -> dict[HandoverSheet, list[ReportRow]]:
    """The report, one list per sheet in the seed's order; every sheet present (an empty
    sheet on the wall says 'nothing' rather than going missing)."""
    grouped: dict[HandoverSheet, list[ReportRow]] = {sheet: [] for sheet in SHEET_ORDER}
    for row in rows:
        grouped[HandoverSheet(row.sheet)].append(row)
    for sheet_rows in grouped.values():
        sheet_rows.sort(
            key=lambda r: (r.deadline is None, r.deadline or datetime.max.replace(tzinfo=UTC))
        )
    return grouped


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("handover rules need timezone-aware instants")
    return instant.astimezone(UTC)
