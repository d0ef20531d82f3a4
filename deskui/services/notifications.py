"""Notices inside the desk (escalations reach the supervisor, seed 002:2.3.2): the agent's
unread ones, and marking them read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.missing import MissingRecord
from deskui.data.records import NotificationRecord
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = ["MarkRead", "NotificationRecord", "mark_read", "unread_notifications"]


def unread_notifications(
    uow: UnitOfWork, actor: Actor, _: None, now: datetime
) -> list[NotificationRecord]:
    require(actor, Action.WORK_OWN)
    return uow.notifications.unread_notifications(actor.id)


@dataclass(frozen=True, slots=True)
class MarkRead:
    """The agent closed the list of notices: these were read."""

    notification_ids: Sequence[int]


def mark_read(uow: UnitOfWork, actor: Actor, command: MarkRead, now: datetime) -> None:
    """Raises `MissingRecord` for a notice that is not the actor's (another's, or none at
    all: the actor never sees another's notices), nothing marked."""
    require(actor, Action.WORK_OWN)
    owners = uow.notifications.notification_owners(command.notification_ids)
    for notification_id in command.notification_ids:
        if owners.get(notification_id) != actor.id:
            raise MissingRecord("notification", notification_id)
    uow.notifications.mark_read(command.notification_ids, now)
    uow.commit()
