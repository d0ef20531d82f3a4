"""An on-site visit request's life (seed 000:2.5.4): asked with its reason, frequency and
dates; approved or rejected by a lead or manager (a rejection says why); the approved visit's
feedback kept. Pure: the visits service asks, the callback store saves what was decided."""

from __future__ import annotations

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
