"""The desk kept open all shift (DESIGN.md 2): the open deadlines as one live list, for an
agent or their team, the callbacks that fell due unseen, and how far the work reaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.records import AgentRecord, WorkItem
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AgentRecord",
    "WorkItem",
    "WorkPage",
    "latest_open_due",
    "newly_due_callbacks",
    "work_count",
    "work_page",
]


@dataclass(frozen=True, slots=True)
class WorkPage:
    """A window of the open deadlines by due time: one owner's, a team's, or everyone's."""

    owner_id: int | None = None
    team: str | None = None
    offset: int = 0
    limit: int = 0


def _require_scope(actor: Actor, page: WorkPage) -> None:
    """One's own work and one's own team's (the team view, open to agents today) are every
    agent's; anyone else's, another team's or everyone's is a lead's."""
    if page.owner_id is not None:
        own = page.owner_id == actor.id
    else:
        own = page.team is not None and page.team == actor.team
    require(actor, Action.WORK_OWN if own else Action.SEE_TEAM)


def work_count(uow: UnitOfWork, actor: Actor, page: WorkPage, now: datetime) -> int:
    _require_scope(actor, page)
    return uow.work.work_count(owner_id=page.owner_id, team=page.team)


def work_page(uow: UnitOfWork, actor: Actor, page: WorkPage, now: datetime) -> list[WorkItem]:
    _require_scope(actor, page)
    return uow.work.work_rows(page.offset, page.limit, owner_id=page.owner_id, team=page.team)


def newly_due_callbacks(uow: UnitOfWork, actor: Actor, _: None, now: datetime) -> int:
    """The agent's callbacks that fell due since they last opened the queue (issue 6)."""
    require(actor, Action.WORK_OWN)
    return uow.callbacks.newly_due_count(actor.id, now)


def latest_open_due(uow: UnitOfWork, actor: Actor, _: None, now: datetime) -> datetime | None:
    """The furthest open deadline or booking of the site: the calendar must know its year."""
    require(actor, Action.WORK_OWN)
    return uow.work.latest_open_due()
