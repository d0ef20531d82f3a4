"""An on-site visit request's life (seed 000:2.5.4): asked with what the request letter
states (its reason, frequency, confirmation form's contents, first and end dates, and the
feedback's frequency and times); approved or rejected by a lead or manager (a rejection
says why); the approved visit's feedback kept. Pure: the visits service asks, the callback
store saves what was decided."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.visible_text import drives_terminal


class VisitStatus(StrEnum):
    """VisitRequest.status as stored."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class VisitRefusal:
    """Why the request may not be made or move so, as a catalog key and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()


VISIT_TEXTS: dict[str, int] = {
    "reason": limit(FieldKind.SHORT_TEXT),
    "frequency": 80,  # its column is String(80): a longer one PostgreSQL refuses
    "confirmation_form": limit(FieldKind.NOTE),
    "feedback_frequency": 80,
    "feedback_times": 80,
}
"""What the request letter states in words (seed 000:2.5.4: 上门回访原因, 回访频率, 回访确认表
内容, 信息反馈的频率及时间), each required, and how long each may be."""

VISIT_HORIZON = timedelta(days=730)
"""A request's visits end within two years of the day it is made (a date typed as 2962 or
9999 would schedule nothing sane, and overflows the calendar)."""

NOTE_LIMIT = limit(FieldKind.NOTE)
"""A decision's note and the visit's feedback."""


def text_problem(field: str, text: str, most: int, *, required: bool = True) -> FieldProblem | None:
    """Blank (when required), too long, or holding a character that would drive the terminal
    (ESC, NUL, a bidi override): refused, never stored. Markup is text and kept as typed."""
    if not text.strip():
        return FieldProblem(field, "callbacks.error.required") if required else None
    if len(text) > most:
        return FieldProblem(
            field, "callbacks.error.too_long", (("limit", most), ("length", len(text)))
        )
    if drives_terminal(text, lines=True):
        return FieldProblem(field, "callbacks.error.control")
    return None


def request_problems(
    texts: Mapping[str, str], first: date | None, end: date | None, today: date
) -> list[FieldProblem]:
    """What is wrong with a request as asked, each beside its field (empty when it may be
    made): every statement of the letter present and plain text; the first visit no earlier
    than the desk's today, the end no earlier than the first and within VISIT_HORIZON. A
    date that could not be read is None; its problem shows an example from `today`."""
    problems = [
        problem
        for name, most in VISIT_TEXTS.items()
        if (problem := text_problem(name, texts.get(name, ""), most)) is not None
    ]
    example = (("example", (today + timedelta(days=1)).isoformat()),)
    last = today + VISIT_HORIZON
    if first is None:
        problems.append(FieldProblem("first_date", "callbacks.error.bad_date", example))
    elif first < today:
        said = (("today", today.isoformat()),)
        problems.append(FieldProblem("first_date", "callbacks.error.first_past", said))
    if end is None:
        problems.append(FieldProblem("end_date", "callbacks.error.bad_date", example))
    elif first is not None and end < first:
        problems.append(FieldProblem("end_date", "callbacks.error.end_before_first"))
    elif end > last:
        problems.append(
            FieldProblem("end_date", "callbacks.error.end_too_far", (("last", last.isoformat()),))
        )
    return problems


def _refused(problem: FieldProblem | None) -> VisitRefusal | None:
    return None if problem is None else VisitRefusal(problem.key, problem.values)


def decision(
    status: str, approve: bool, note: str, *, asked_by: int, decider: int
) -> VisitStatus | VisitRefusal:
    """The status a pending request is decided to; decided once, a rejection with its note,
    and never by whoever asked for it (seed 000:2.5.4: a visit is approved above the one who
    asks; a lead's own request waits for another lead or a manager)."""
    if status != VisitStatus.PENDING:
        return VisitRefusal("callbacks.error.already_decided")
    if asked_by == decider:
        return VisitRefusal("callbacks.error.own_request")
    if not approve and not note.strip():
        return VisitRefusal("callbacks.error.reject_needs_note")
    refused = _refused(text_problem("note", note, NOTE_LIMIT, required=False))
    if refused is not None:
        return refused
    return VisitStatus.APPROVED if approve else VisitStatus.REJECTED


def feedback_refusal(status: str, feedback: str) -> VisitRefusal | None:
    """Feedback follows an approved visit only, and says something in plain text."""
    if status != VisitStatus.APPROVED:
        return VisitRefusal("callbacks.error.not_approved")
    return _refused(text_problem("feedback", feedback, NOTE_LIMIT))


_EVERY: tuple[tuple[tuple[str, ...], int, int], ...] = (
    # (how the frequency is written, days, months) apart: the longest words first
    (("每两周", "每2周", "隔周", "biweekly", "every two weeks"), 14, 0),
    (("每半月", "半月"), 15, 0),
    (("每周", "每星期", "每礼拜", "weekly", "every week"), 7, 0),
    (("每两个月", "每两月", "每2个月", "every two months"), 0, 2),
    (("每季度", "每季", "每三个月", "quarterly", "every quarter"), 0, 3),
    (("每半年", "半年", "every six months"), 0, 6),
    (("每年", "每一年", "yearly", "annually", "every year"), 0, 12),
    (("每月", "每个月", "每一个月", "monthly", "every month"), 0, 1),
)
MAX_VISITS = 60
"""An approval never schedules more visits than this (a weekly visit for a year is 53)."""


def _months_later(day: date, months: int) -> date:
    """The same day `months` later, the month's last day where it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def visit_dates(first: date, end: date, frequency: str) -> list[date]:
    """The days an approved request's visits fall on (seed 000:2.5.4: its first date, its
    frequency, its end date): the first date, then every week, fortnight, month, quarter,
    half-year or year the frequency names, up to the end date; a frequency that names none
    (一次, 视情况) schedules the first visit only, the next booked from its feedback."""
    text = "".join(frequency.casefold().split())
    step = next(((d, mo) for words, d, mo in _EVERY if any(w in text for w in words)), None)
    days = [first]
    if step is None:
        return days
    every_days, every_months = step
    n = 1
    while len(days) < MAX_VISITS:
        if every_days:
            day = date.fromordinal(first.toordinal() + every_days * n)
        else:
            day = _months_later(first, every_months * n)
        if day > end:
            break
        days.append(day)
        n += 1
    return days
