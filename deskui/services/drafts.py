"""Drafts of what an agent is typing, one per form and subject (DESIGN.md 5): kept while
they type, brought back when the form opens again, gone with the form's own save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "DraftOf",
    "SaveDraft",
    "delete_draft",
    "delete_draft_in",
    "load_draft",
    "save_draft",
]

Payload = dict[str, object]


@dataclass(frozen=True, slots=True)
class DraftOf:
    """Which of the actor's drafts: the form's name and the subject it is about (a ticket's
    id, "" for a form about no record yet)."""

    form: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class SaveDraft:
    """The form's fields as the agent left them, by field id, kept as their draft."""

    form: str
    payload: Payload
    key: str = ""


def load_draft(uow: UnitOfWork, actor: Actor, query: DraftOf, now: datetime) -> Payload | None:
    """The actor's draft of the form, None when they have none."""
    require(actor, Action.WORK_OWN)
    return uow.drafts.load_draft(actor.id, query.form, query.key)


def save_draft(uow: UnitOfWork, actor: Actor, command: SaveDraft, now: datetime) -> None:
    """Keep the fields as the actor's draft of the form (replacing the one before)."""
    require(actor, Action.WORK_OWN)
    uow.drafts.save_draft(actor.id, command.form, command.payload, now, command.key)
    uow.commit()


def delete_draft(uow: UnitOfWork, actor: Actor, command: DraftOf, now: datetime) -> None:
    """The actor dropped the form, or typed it back to where it started: no draft."""
    require(actor, Action.WORK_OWN)
    delete_draft_in(uow, actor, command)
    uow.commit()


def delete_draft_in(uow: UnitOfWork, actor: Actor, draft: DraftOf) -> None:
    """The draft deleted inside another service's unit of work, without a commit of its own:
    it goes with that service's commit, or stays when the service refuses or fails."""
    uow.drafts.delete_draft(actor.id, draft.form, draft.key)
