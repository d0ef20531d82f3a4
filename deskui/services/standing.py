"""How a record an agent has open stands now, and the refusal to save onto one that is no
longer theirs (issue 23: work moved away from an open form). Every form that edits one
ticket reads `record_standing` when a change to it is seen, and every service that saves
onto a ticket calls `refuse_unless_yours` first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.change_feed import RecordEvent, RecordStanding
from deskui.data.conflict import MovedAway
from deskui.domain.ownership import NotYours, may_save_onto
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "MOVING_ACTIONS",
    "MovedAway",
    "RecordEvent",
    "RecordStanding",
    "StandingOf",
    "record_standing",
    "refuse_unless_yours",
]

MOVING_ACTIONS = ("reassigned", "taken_over", "closed", "claimed", "done")
"""History lines that move a record away from its agent."""


@dataclass(frozen=True, slots=True)
class StandingOf:
    """The record an open form shows ("ticket" or "callback"), and the newest history line
    the form has seen."""

    record: str
    record_id: int
    since_event: int = 0


def _standing(uow: UnitOfWork, record: str, record_id: int, since: int) -> RecordStanding:
    if record == "callback":
        return uow.changes.callback_standing(record_id, since)
    return uow.changes.ticket_standing(record_id, since)


def _former_owners(standing: RecordStanding) -> set[str]:
    """Who had the record before a move, by name: a ticket's line says `from`, a
    callback's `agent` [from, to]."""
    names: set[str] = set()
    for event in standing.events:
        if event.action not in MOVING_ACTIONS:
            continue
        agents = event.detail.get("agent")
        before = agents[0] if isinstance(agents, list) and agents else event.detail.get("from")
        if isinstance(before, str) and before:
            names.add(before)
    return names


def record_standing(
    uow: UnitOfWork, actor: Actor, query: StandingOf, now: datetime
) -> RecordStanding:
    """The record's owner and state, with what happened to it since (no commit)."""
    require(actor, Action.WORK_OWN)
    return _standing(uow, query.record, query.record_id, query.since_event)


def refuse_unless_yours(
    uow: UnitOfWork,
    actor: Actor,
    record: str,
    record_id: int,
    noun: str = "",
    *,
    closed_too: bool = True,
    once_theirs: bool = False,
) -> None:
    """Raise `MovedAway` naming who has the record now and who moved it, when the actor may
    no longer save onto it (closed, or someone else's: deskui.domain.ownership). `noun` names
    the record as the form knows it ("complaint" for a ticket's complaint); `closed_too`
    False where the store has its own refusal for a record already done (a callback's);
    `once_theirs` where a colleague may save onto another's record (a callback covered): then
    only a record moved away from the actor is refused."""
    if record == "callback":  # who has it, first: the whole standing only for a refusal
        owner_id, done, shared = uow.changes.callback_owner(record_id)
        closed = done and closed_too
        if may_save_onto(owner_id, closed, actor.id, actor.role, open_to_all=shared) is None:
            return
    standing = _standing(uow, record, record_id, 0)
    closed = standing.closed and closed_too
    why = may_save_onto(
        standing.owner_id, closed, actor.id, actor.role, open_to_all=standing.open_to_all
    )
    if why is None:
        return
    if once_theirs and why != NotYours.CLOSED and actor.name not in _former_owners(standing):
        return
    moves = [e for e in standing.events if e.action in MOVING_ACTIONS]
    last = moves[-1] if moves else None
    raise MovedAway(
        noun or record,
        record_id,
        last.agent_name if last else "",
        last.at if last else None,
        standing.saved_version,
        owner=standing.owner_name,
        closed=why is NotYours.CLOSED,
        by=last.agent_name if last else "",
    )
