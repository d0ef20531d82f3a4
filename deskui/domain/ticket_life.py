"""A ticket's life: which status each thing that happens to it leads to, and when it may not
happen at all (seed 002:2.3-2.4, 001:6). Pure: a service loads the ticket's state as plain
data, asks `next_state`, and the store saves the status decided here.

The table is data, one row per move: a new status (issue 26's reopen, say) is a new row or a
new entry in a row's `to`, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from deskui.domain.deadlines import DeadlinePolicy, first_contact_due, repeat_contact_due
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import ContactWay, DeadlineKind, Severity, TicketKind, TicketStatus
from deskui.domain.visible_text import drives_terminal, says_nothing


class TicketMove(StrEnum):
    """What happened to the ticket, as the history says it."""

    CONTACTED = "contacted"
    """The agent is on the call: the call itself is the first contact (seed 002:2.3.2)."""
    ANSWERED = "answered"
    """A question answered while the caller is on the line: closed at intake."""
    RESOLVED = "resolved"
    """Complaint step 6, fixed at once (seed 001:6.6)."""
    TAKEN_OVER = "taken_over"
    """The team lead takes the complaint over (seed 002:2.4.1)."""
    CLOSED = "closed"
    """The customer confirmed they are satisfied (seed 001:6.7)."""
    HANDED_TO_DEPARTMENT = "department_handed"
    """The record goes to a department (seed 002:2.3.2, 2.4.2)."""
    RETURNED = "department_returned"
    """The department returns the record to its CS owner (seed 002:2.4.2)."""
    PAUSED = "paused"
    """The ticket waits on the customer: its countdowns stop."""
    RESUMED = "resumed"
    """The customer answered: back to the status it had when paused."""
    RESULT_TOLD = "result_told"
    """Resolved from the record's detail: the result, and how the customer was told
    (seed 002:2.3.1, 2.4.1): a question answered later, or once its department returned it."""
    FINISHED = "finished"
    """A resolved record is closed (closed from the detail, seed 002:2.5)."""
    REOPENED = "reopened"
    """The customer came back: a resolved or closed record is worked again, with a reason."""
    NOTED = "noted"
    """An internal note on the record: its status stays, whatever it is."""


ANY = frozenset(TicketStatus)
"""Every status, closed included."""


@dataclass(frozen=True, slots=True)
class TicketState:
    """What the rules read of a ticket."""

    status: TicketStatus
    closed: bool = False
    """Whether the ticket has its closed time (a closed ticket is closed for every move)."""
    open_leg: bool = False
    """Whether a department still holds the record (a leg not yet returned)."""


@dataclass(frozen=True, slots=True)
class Transition:
    """The decision: the status the ticket is saved with, and whether it closes now."""

    status: TicketStatus
    closes: bool = False
    reopens: bool = False
    """The closed time goes: the record is worked again."""


@dataclass(frozen=True, slots=True)
class TicketRefusal:
    """Why the move may not happen, as a catalog key, and the field it concerns (if any)."""

    key: str
    field: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One move: from which statuses it changes the status (`to`), from which it leaves the
    status as it is (`keeps`), and the refusal for any other status."""

    to: Mapping[TicketStatus, TicketStatus]
    keeps: frozenset[TicketStatus] = frozenset()
    refused: Mapping[TicketStatus, str] = field(default_factory=dict)
    """The refusal's key per status not in `to` or `keeps`; `otherwise` when not named."""
    otherwise: str = "ticket.error.closed"
    closes: bool = False
    refuse_closed: bool = True
    """Whether a ticket with its closed time is refused whatever its status says."""
    reopens: bool = False


def _all_to(
    status: TicketStatus, sources: frozenset[TicketStatus]
) -> dict[TicketStatus, TicketStatus]:
    return dict.fromkeys(sources, status)


_NOT_CLOSED = ANY - {TicketStatus.CLOSED}
_PAUSABLE = frozenset(
    {
        TicketStatus.OPEN,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WITH_DEPARTMENT,
        TicketStatus.WITH_LEAD,
    }
)

RULES: Mapping[TicketMove, Rule] = {
    TicketMove.CONTACTED: Rule(
        to={TicketStatus.OPEN: TicketStatus.IN_PROGRESS},
        keeps=_NOT_CLOSED - {TicketStatus.OPEN},
    ),
    TicketMove.ANSWERED: Rule(to={TicketStatus.OPEN: TicketStatus.CLOSED}, closes=True),
    TicketMove.RESOLVED: Rule(to=_all_to(TicketStatus.RESOLVED, _NOT_CLOSED)),
    TicketMove.TAKEN_OVER: Rule(to=_all_to(TicketStatus.WITH_LEAD, _NOT_CLOSED)),
    TicketMove.CLOSED: Rule(to=_all_to(TicketStatus.CLOSED, _NOT_CLOSED), closes=True),
    TicketMove.HANDED_TO_DEPARTMENT: Rule(
        to=_all_to(TicketStatus.WITH_DEPARTMENT, _NOT_CLOSED),
        otherwise="department.legs.error.closed",
    ),
    # the department's answer comes back whatever the owner did meanwhile (as it always has)
    TicketMove.RETURNED: Rule(to=_all_to(TicketStatus.IN_PROGRESS, ANY), refuse_closed=False),
    TicketMove.PAUSED: Rule(
        to=_all_to(TicketStatus.WAITING_CUSTOMER, _PAUSABLE),
        refused={TicketStatus.WAITING_CUSTOMER: "pause.error.already_paused"},
        otherwise="pause.error.closed",
    ),
    TicketMove.RESUMED: Rule(
        to={TicketStatus.WAITING_CUSTOMER: TicketStatus.IN_PROGRESS},
        otherwise="pause.error.not_paused",
    ),
    # a department still holding the record has the result to give first (seed 002:2.4.2)
    TicketMove.RESULT_TOLD: Rule(
        to=_all_to(TicketStatus.RESOLVED, _PAUSABLE | {TicketStatus.WAITING_CUSTOMER})
        | {TicketStatus.WITH_DEPARTMENT: TicketStatus.RESOLVED},
        refused={TicketStatus.RESOLVED: "ticket.error.already_resolved"},
    ),
    TicketMove.FINISHED: Rule(
        to={TicketStatus.RESOLVED: TicketStatus.CLOSED},
        closes=True,
        otherwise="ticket.error.close_unresolved",
        refused={TicketStatus.CLOSED: "ticket.error.closed"},
    ),
    TicketMove.REOPENED: Rule(
        to=_all_to(
            TicketStatus.IN_PROGRESS, frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
        ),
        otherwise="ticket.error.not_finished",
        refuse_closed=False,
        reopens=True,
    ),
    TicketMove.NOTED: Rule(to={}, keeps=ANY, refuse_closed=False),
}
"""Every move of a ticket's life. The status a resumed ticket returns to is the one it had
when paused (`next_state`'s `resume_to`); `to` names the status when that is unknown."""


def next_state(
    current: TicketState, move: TicketMove, *, resume_to: TicketStatus | None = None
) -> Transition | TicketRefusal:
    """The status `move` leads to from `current`, or why it may not happen."""
    rule = RULES[move]
    if move is TicketMove.HANDED_TO_DEPARTMENT and current.open_leg and not current.closed:
        return TicketRefusal("department.legs.error.already_with", "department")
    if move is TicketMove.RESULT_TOLD and current.open_leg and not current.closed:
        return TicketRefusal("ticket.error.with_department")
    if current.closed and rule.refuse_closed:
        return TicketRefusal(rule.refused.get(TicketStatus.CLOSED, rule.otherwise))
    status = current.status
    if status in rule.keeps:
        return Transition(status)
    if status not in rule.to:
        return TicketRefusal(rule.refused.get(status, rule.otherwise))
    if move is TicketMove.RESUMED and resume_to is not None:
        return Transition(resume_to)
    return Transition(rule.to[status], closes=rule.closes, reopens=rule.reopens)


def may(current: TicketState, move: TicketMove) -> bool:
    """Whether `move` may happen to a ticket in `current` (for a screen's pre-check)."""
    return isinstance(next_state(current, move), Transition)


# -- what the agent typed for a move (seed 002:2.3-2.4) ------------------------------------

MAX_TEXT = limit(FieldKind.NOTE)
"""The result, a contact's note, an internal note: a long paste is refused, not cut."""
MAX_REASON = limit(FieldKind.SHORT_TEXT)
"""Why a record is reopened: one line."""


def _text_problems(field: str, text: str, required: str, most: int) -> list[FieldProblem]:
    """Blank (when `required` names its key), too long, or holding a character that would
    drive the terminal (ESC, NUL, a bidi override): refused, never stored."""
    control = drives_terminal(text, lines=True)
    if says_nothing(text) and not control:  # a zero-width space is no reason
        return [FieldProblem(field, required)] if required else []
    if len(text) > most:
        values = (("limit", most), ("length", len(text)))
        return [FieldProblem(field, "ticket.error.too_long", values)]
    if control:
        return [FieldProblem(field, "ticket.error.control")]
    return []


def _way_problems(way: str) -> list[FieldProblem]:
    if way not in set(ContactWay):
        return [FieldProblem("way", "ticket.error.way_required")]
    return []


def result_problems(result: str, way: str) -> list[FieldProblem]:
    """The result told to the customer and how (seed 002:2.3.1, 2.4.1)."""
    return _text_problems("result", result, "ticket.error.result_required", MAX_TEXT) + (
        _way_problems(way)
    )


def contact_problems(way: str, note: str) -> list[FieldProblem]:
    """A contact with the customer: how; the note is optional (seed 002:2.3.2)."""
    return _way_problems(way) + _text_problems("note", note, "", MAX_TEXT)


def note_problems(text: str) -> list[FieldProblem]:
    """An internal note: words, plain text of a sane length."""
    return _text_problems("note", text, "ticket.error.note_required", MAX_TEXT)


def reopen_problems(reason: str) -> list[FieldProblem]:
    """A record is reopened for a reason, said in one line."""
    return _text_problems("reason", reason, "ticket.error.reason_required", MAX_REASON)


def result_teller_refusal(kind: str, may_tell_complaint: bool) -> TicketRefusal | None:
    """A complaint's result is told to the customer by the team lead personally (seed
    002:2.4.1): `may_tell_complaint` is the permission table's answer for the actor."""
    if kind == TicketKind.COMPLAINT and not may_tell_complaint:
        return TicketRefusal("ticket.error.complaint_lead_tells")
    return None


@dataclass(frozen=True, slots=True)
class ContactPlan:
    """What a contact with the customer does to the record's countdowns (seed 002:2.3.2)."""

    meets: tuple[DeadlineKind, ...]
    """The countdowns the contact meets."""
    next_progress_due: datetime | None
    """Urgent and still being worked: the next progress contact, 1-2 a day."""


def contact_plan(
    policy: DeadlinePolicy, severity: str, status_after: TicketStatus, now: datetime
) -> ContactPlan:
    """A contact meets the first contact, and on an urgent record the progress contact due,
    starting the next one while the record is still worked (seed 002:2.3.2)."""
    worked = status_after not in {TicketStatus.RESOLVED, TicketStatus.CLOSED}
    if severity != Severity.URGENT:
        return ContactPlan((DeadlineKind.FIRST_CONTACT,), None)
    meets = (DeadlineKind.FIRST_CONTACT, DeadlineKind.REPEAT_CONTACT)
    return ContactPlan(meets, repeat_contact_due(policy, now) if worked else None)


@dataclass(frozen=True, slots=True)
class ReopenPlan:
    """The countdowns a reopened record starts again with (seed 002:2.3.2)."""

    first_contact_due: datetime
    """The customer came back: contacted again within the severity's time."""
    next_progress_due: datetime | None
    """Urgent: 1-2 progress contacts a day again."""


def reopen_plan(policy: DeadlinePolicy, severity: str, now: datetime) -> ReopenPlan:
    level = Severity(severity) if severity in set(Severity) else Severity.NORMAL
    progress = repeat_contact_due(policy, now) if level is Severity.URGENT else None
    return ReopenPlan(first_contact_due(policy, level, now), progress)
