"""Taking work from a shared queue (issue 16): one item to one agent, even with fifty desks
asking at the same moment."""

from __future__ import annotations

from datetime import datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require


def claim_next_callback(uow: UnitOfWork, actor: Actor, _: None, now: datetime) -> int | None:
    """The most urgent callback of the shared queue becomes the actor's; None when the
    queue is empty. Commits at once, so the row lock is held for milliseconds."""
    require(actor, Action.WORK_OWN)
    callback_id = uow.callbacks.claim_next_shared(actor.id, now)
    uow.commit()
    return callback_id
