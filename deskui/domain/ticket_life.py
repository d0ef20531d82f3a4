"""A ticket's life: which status each thing that happens to it leads to, and when it may not
happen at all (seed 002:2.3-2.4, 001:6). Pure: a service loads the ticket's state as plain
data, asks `next_state`, and the store saves the status decided here.

The table is data, one row per move: a new status (issue 26's reopen, say) is a new row or a
new entry in a row's `to`, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from deskui.domain.model import TicketStatus


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
    if current.closed and rule.refuse_closed:
        return TicketRefusal(rule.refused.get(TicketStatus.CLOSED, rule.otherwise))
    status = current.status
    if status in rule.keeps:
        return Transition(status)
    if status not in rule.to:
        return TicketRefusal(rule.refused.get(status, rule.otherwise))
    if move is TicketMove.RESUMED and resume_to is not None:
        return Transition(resume_to)
    return Transition(rule.to[status], closes=rule.closes)


def may(current: TicketState, move: TicketMove) -> bool:
    """Whether `move` may happen to a ticket in `current` (for a screen's pre-check)."""
    return isinstance(next_state(current, move), Transition)
