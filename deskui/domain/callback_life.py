"""A callback's life: which status each thing the agent does on the call leads to, and when
it may not happen at all (seed 000:2.5). Pure: a service loads the callback's state as plain
data, asks `next_state` (and the checks of what the agent typed), and the store saves what
was decided here.

Only an open callback (pending or booked, no done time) moves: one done or cancelled is
refused with `callbacks.error.already_done`, whatever the move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from deskui.domain.model import CallbackStatus

OPEN_STATES = frozenset({CallbackStatus.PENDING, CallbackStatus.BOOKED})
"""The statuses a callback is still to be made in."""


class CallbackMove(StrEnum):
    """What the agent did, as the callback's history says it."""

    BOOKED = "booked"
    """The customer is busy and gave a time (seed 000:2.5.2.1)."""
    DONE = "done"
    """The call was made: the result is recorded."""
    SALES_ANSWERED = "sales_answered"
    """The sales head's answer before the call: the status stays as it is."""
    REASSIGNED = "reassigned"
    """A lead gives the callback to another agent: the status stays as it is."""


@dataclass(frozen=True, slots=True)
class CallbackState:
    """What the rules read of a callback."""

    status: CallbackStatus
    done: bool = False
    """Whether the callback has its done time."""

    @property
    def open(self) -> bool:
        return not self.done and self.status in OPEN_STATES


@dataclass(frozen=True, slots=True)
class CallbackTransition:
    """The decision: the status the callback is saved with, and whether it is done now."""

    status: CallbackStatus
    done: bool = False


@dataclass(frozen=True, slots=True)
class CallbackRefusal:
    """Why the move may not happen, as a catalog key."""

    key: str


ALREADY_DONE = CallbackRefusal("callbacks.error.already_done")
BOOKED_PAST = CallbackRefusal("callbacks.error.booked_past")


def next_state(state: CallbackState, move: CallbackMove) -> CallbackTransition | CallbackRefusal:
    """The status the callback is saved with after `move`, or why it may not move."""
    if not state.open:
        return ALREADY_DONE
    return MOVES.get(move, CallbackTransition(state.status))


MOVES: dict[CallbackMove, CallbackTransition] = {
    CallbackMove.BOOKED: CallbackTransition(CallbackStatus.BOOKED),
    CallbackMove.DONE: CallbackTransition(CallbackStatus.DONE, done=True),
}
"""The moves that change the status; every other keeps the callback's own."""


def moved_to(move: CallbackMove) -> CallbackTransition:
    """What an open callback is saved with after a move that changes its status (the store
    writes this once the service had `next_state` allow the move)."""
    return MOVES[move]


def booking_refusal(booked_at: datetime, now: datetime) -> CallbackRefusal | None:
    """A booked time must lie ahead: one at or before `now` is refused (whether the customer
    may be called then is `callbacks.check_booking`'s)."""
    return BOOKED_PAST if booked_at <= now else None


def sales_answer_refusal(
    sales_head: str,
    confirmed: bool,
    note: str,
    postpone_to: datetime | None,
    now: datetime,
) -> CallbackRefusal | None:
    """The sales head's answer (seed 000:2.5.2.1) names who answered; a "no" gives its reason;
    only a "no" postpones, and to a time ahead."""
    if not sales_head.strip():
        return CallbackRefusal("callbacks.error.sales_head_required")
    if not confirmed and not note.strip():
        return CallbackRefusal("callbacks.error.declined_needs_note")
    if postpone_to is not None and postpone_to <= now:
        return BOOKED_PAST
    if postpone_to is not None and confirmed:
        return CallbackRefusal("callbacks.error.required")
    return None
