"""An on-site visit request's life (seed 000:2.5.4): asked with its reason, frequency and
dates; approved or rejected by a lead or manager (a rejection says why); the approved visit's
feedback kept. Pure: the visits service asks, the callback store saves what was decided."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class VisitStatus(StrEnum):
    """VisitRequest.status as stored."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class VisitRefusal:
    """Why the request may not be made or move so, as a catalog key."""

    key: str


def request_refusal(reason: str, frequency: str, first: date, end: date) -> VisitRefusal | None:
    """A request needs its reason and frequency, and ends no earlier than it starts."""
    if not reason.strip() or not frequency.strip():
        return VisitRefusal("callbacks.error.required")
    if end < first:
        return VisitRefusal("callbacks.error.end_before_first")
    return None


def decision(status: str, approve: bool, note: str) -> VisitStatus | VisitRefusal:
    """The status a pending request is decided to; decided once, a rejection with its note."""
    if status != VisitStatus.PENDING:
        return VisitRefusal("callbacks.error.already_decided")
    if not approve and not note.strip():
        return VisitRefusal("callbacks.error.reject_needs_note")
    return VisitStatus.APPROVED if approve else VisitStatus.REJECTED


def feedback_refusal(status: str, feedback: str) -> VisitRefusal | None:
    """Feedback follows an approved visit only, and says something."""
    if status != VisitStatus.APPROVED:
        return VisitRefusal("callbacks.error.not_approved")
    if not feedback.strip():
        return VisitRefusal("callbacks.error.required")
    return None


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
