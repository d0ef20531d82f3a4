"""A ticket's attachments (seed 002:2.2.2): a fax scan, a PDF or an e-mail attached, listed,
and saved back out; kept where the site's attachment setting says.

Where a file may come from and go to is decided here, not on the screen (issue 23, DESIGN.md
13): a team desk (a server database, ssh, a browser, or a host that says so) attaches only a
file picked by name from the site's inbox and saves out only into the site's export folder
under a sanitised name (a browser desk downloads the bytes instead); only the single desk on
a person's own machine may name a path. A command naming a path on a team desk is refused and
audited, whatever screen or script sent it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from deskui.data.frontdesk_store import (
    AttachmentRecord,
    AttachmentRules,
    FrontDeskError,
    human_size,
    media_type,
)
from deskui.data.site_files import (
    InboxFile,
    inbox_files,
    read_inbox_file,
    safe_file_name,
    write_export,
)
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require
from deskui.services.departments import refuse_unless_department_sees

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AddAttachment",
    "AttachmentContent",
    "AttachmentRecord",
    "AttachmentRules",
    "AttachmentsOf",
    "FetchAttachment",
    "InboxFile",
    "InboxListing",
    "SaveAttachmentOut",
    "add_attachment",
    "attachment_content",
    "human_size",
    "inbox_listing",
    "is_team",
    "save_attachment_out",
    "ticket_attachments",
]

log = logging.getLogger("deskui.attachments")


@dataclass(frozen=True, slots=True)
class AttachmentsOf:
    """The attachments of one ticket, oldest first."""

    ticket_id: int


def ticket_attachments(
    uow: UnitOfWork, actor: Actor, query: AttachmentsOf, now: datetime
) -> list[AttachmentRecord]:
    """Name, type, size, who attached it and when."""
    require(actor, Action.WORK_OWN)
    refuse_unless_department_sees(uow, actor, query.ticket_id)
    return uow.frontdesk.attachments(query.ticket_id)


def is_team(uow: UnitOfWork, rules: AttachmentRules) -> bool:
    """A team desk: the host said so (`rules.team`), or the database is a server's, which
    the service sees for itself (a command built as a single desk's cannot widen it)."""
    return rules.team or uow.session.get_bind().dialect.name != "sqlite"


@dataclass(frozen=True, slots=True)
class InboxListing:
    """The files waiting in the site's inbox, to pick one to attach."""

    rules: AttachmentRules


def inbox_listing(
    uow: UnitOfWork, actor: Actor, query: InboxListing, now: datetime
) -> list[InboxFile]:
    """The inbox's regular files, newest first (none when the site has no inbox yet)."""
    require(actor, Action.WORK_OWN)
    if query.rules.inbox is None:
        raise FrontDeskError("attachments.error.no_inbox", "path")
    return inbox_files(query.rules.inbox)


@dataclass(frozen=True, slots=True)
class AddAttachment:
    """The agent attaches a file to a ticket, under the site's attachment rules (kept in the
    database or in a folder beside it; the largest file accepted): on a team desk the inbox's
    file `inbox_name`, on a single desk the file at `path`."""

    ticket_id: int
    path: Path | None
    rules: AttachmentRules
    inbox_name: str | None = None


def add_attachment(
    uow: UnitOfWork, actor: Actor, command: AddAttachment, now: datetime
) -> AttachmentRecord:
    """The attachment as kept, attached by the actor; refused (FrontDeskError) when the file
    is missing, unreadable or too big, or is not the inbox's on a team desk."""
    require(actor, Action.WORK_OWN)
    refuse_unless_department_sees(uow, actor, command.ticket_id)
    rules = command.rules
    if command.inbox_name is not None:
        if rules.inbox is None:
            raise FrontDeskError("attachments.error.no_inbox", "path")
        content = read_inbox_file(rules.inbox, command.inbox_name, rules.limit_bytes)
        added = uow.frontdesk.add_attachment_content(
            command.ticket_id, command.inbox_name, content, actor.id, now, rules
        )
    elif command.path is None:
        raise FrontDeskError("attachments.error.path_required", "path")
    elif is_team(uow, rules):
        _refuse_host_path(uow, actor, now, "attachment_add", command.path)
    else:
        added = uow.frontdesk.add_attachment(command.ticket_id, command.path, actor.id, now, rules)
    uow.commit()
    return added


@dataclass(frozen=True, slots=True)
class SaveAttachmentOut:
    """An attachment written back out: on a single desk to `target` (a folder gets the
    original name); with no target, or on a team desk, into the export folder."""

    attachment_id: int
    target: Path | None
    rules: AttachmentRules


def save_attachment_out(
    uow: UnitOfWork, actor: Actor, command: SaveAttachmentOut, now: datetime
) -> Path:
    """The file written; never overwrites (refused with FrontDeskError). Writes no record."""
    require(actor, Action.WORK_OWN)
    _refuse_unless_sees_attachment(uow, actor, command.attachment_id)
    rules = command.rules
    if command.target is not None:
        if is_team(uow, rules):
            _refuse_host_path(uow, actor, now, "attachment_save", command.target)
        return uow.frontdesk.save_attachment_out(command.attachment_id, command.target, rules)
    if rules.exports is None:
        raise FrontDeskError("attachments.error.no_export_folder", "path")
    name, content = uow.frontdesk.attachment_content(command.attachment_id, rules)
    written = write_export(rules.exports, name, content)
    log.info("attachment %s saved out by %s to %s", command.attachment_id, actor.name, written)
    return written


@dataclass(frozen=True, slots=True)
class FetchAttachment:
    """An attachment's bytes, for a browser desk to hand to the agent's own machine."""

    attachment_id: int
    rules: AttachmentRules


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    filename: str
    """Sanitised: safe as a download's name on any system."""
    media_type: str
    content: bytes


def attachment_content(
    uow: UnitOfWork, actor: Actor, query: FetchAttachment, now: datetime
) -> AttachmentContent:
    """The attachment's sanitised name, type and bytes (nothing is written on the host)."""
    require(actor, Action.WORK_OWN)
    _refuse_unless_sees_attachment(uow, actor, query.attachment_id)
    name, content = uow.frontdesk.attachment_content(query.attachment_id, query.rules)
    return AttachmentContent(safe_file_name(name), media_type(name, content), content)


def _refuse_unless_sees_attachment(uow: UnitOfWork, actor: Actor, attachment_id: int) -> None:
    """A department member opens only the files of a record their department handles or
    held (an attachment's number is no key to another department's records)."""
    ticket_id = uow.frontdesk.attachment_ticket(attachment_id)
    if ticket_id is not None:
        refuse_unless_department_sees(uow, actor, ticket_id)


def _refuse_host_path(
    uow: UnitOfWork, actor: Actor, now: datetime, action: str, path: Path
) -> NoReturn:
    """A team desk named a path of the host: refused, and the attempt audited (committed on
    its own: the refusal rolls the command back)."""
    uow.audit.write(
        now,
        action,
        agent_id=actor.id,
        agent_name=actor.name,
        outcome="refused",
        subject=str(path)[:120],
        detail={"reason": "host path on a team desk"},
    )
    uow.commit()
    raise FrontDeskError("attachments.error.inbox_only", "path")
