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

MOVING_ACTIONS = ("reassigned", "taken_over", "closed")
"""History lines that move a ticket away from its agent."""


@dataclass(frozen=True, slots=True)
class StandingOf:
    """The ticket an open form shows, and the newest history line the form has seen."""

    ticket_id: int
    since_event: int = 0


def record_standing(
    uow: UnitOfWork, actor: Actor, query: StandingOf, now: datetime
) -> RecordStanding:
    """The ticket's owner, status and versions, with what happened to it since (no commit)."""
    require(actor, Action.WORK_OWN)
    return uow.changes.ticket_standing(query.ticket_id, query.since_event)


def refuse_unless_yours(uow: UnitOfWork, actor: Actor, ticket_id: int, record: str) -> None:
    """Raise `MovedAway` naming who has the ticket now and who moved it, when the actor may
    no longer save onto it (closed, or someone else's: deskui.domain.ownership)."""
    standing = uow.changes.ticket_standing(ticket_id)
    why = may_save_onto(standing.owner_id, standing.status, actor.id, actor.role)
    if why is None:
        return
    moves = [e for e in standing.events if e.action in MOVING_ACTIONS]
    last = moves[-1] if moves else None
    raise MovedAway(
        record,
        ticket_id,
        last.agent_name if last else "",
        last.at if last else None,
        standing.complaint_version if record == "complaint" else standing.version,
        owner=standing.owner_name,
        closed=why is NotYours.CLOSED,
        by=last.agent_name if last else "",
    )
