"""A ticket's attachments (seed 002:2.2.2): a fax scan, a PDF or an e-mail attached by path,
listed, and saved back out to a file; kept where the site's attachment setting says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import AttachmentRecord, AttachmentRules, human_size
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AddAttachment",
    "AttachmentRecord",
    "AttachmentRules",
    "AttachmentsOf",
    "SaveAttachmentOut",
    "add_attachment",
    "human_size",
    "save_attachment_out",
    "ticket_attachments",
]


@dataclass(frozen=True, slots=True)
class AttachmentsOf:
    """The attachments of one ticket, oldest first."""

    ticket_id: int


def ticket_attachments(
    uow: UnitOfWork, actor: Actor, query: AttachmentsOf, now: datetime
) -> list[AttachmentRecord]:
    """Name, type, size, who attached it and when."""
    require(actor, Action.WORK_OWN)
    return uow.frontdesk.attachments(query.ticket_id)


@dataclass(frozen=True, slots=True)
class AddAttachment:
    """The agent attaches the file at `path` to a ticket, under the site's attachment rules
    (kept in the database or in a folder beside it; the largest file accepted)."""

    ticket_id: int
    path: Path
    rules: AttachmentRules


def add_attachment(
    uow: UnitOfWork, actor: Actor, command: AddAttachment, now: datetime
) -> AttachmentRecord:
    """The attachment as kept, attached by the actor; refused (FrontDeskError) when the file
    is missing, unreadable or too big."""
    require(actor, Action.WORK_OWN)
    added = uow.frontdesk.add_attachment(
        command.ticket_id, command.path, actor.id, now, command.rules
    )
    uow.commit()
    return added


@dataclass(frozen=True, slots=True)
class SaveAttachmentOut:
    """An attachment written back out to `target` (a folder gets the original name)."""

    attachment_id: int
    target: Path
    rules: AttachmentRules


def save_attachment_out(
    uow: UnitOfWork, actor: Actor, command: SaveAttachmentOut, now: datetime
) -> Path:
    """The file written; never overwrites (refused with FrontDeskError). Writes no record."""
    require(actor, Action.WORK_OWN)
    return uow.frontdesk.save_attachment_out(command.attachment_id, command.target, command.rules)
