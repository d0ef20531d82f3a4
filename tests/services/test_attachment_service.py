"""A ticket's attachments as services (issue 15; seed 002:2.2.2), on SQLite and PostgreSQL:
a file attached by the actor and listed, saved back out byte for byte and never over a file;
a file past the site's limit refused, a role outside the table denied, neither writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.attachments import (
    AddAttachment,
    AttachmentRules,
    AttachmentsOf,
    SaveAttachmentOut,
    add_attachment,
    save_attachment_out,
    ticket_attachments,
)
from deskui.services.errors import FrontDeskError
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def _ticket(database: Database, desk: Desk) -> int:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="inquiry",
                category="product_inquiry",
                channel="fax",
                severity="normal",
                customer_words="传真附件见后",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return ticket_id


def test_a_single_desk_attaches_by_path_and_saves_out_never_over_a_file(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    """A person's own desk (SQLite) may name a path; a server database is a team's, so the
    same command is refused there even when the screen built it as a single desk's."""
    ticket_id = _ticket(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    scan = tmp_path / "传真.pdf"
    scan.write_bytes(PDF)
    rules = AttachmentRules()  # team=False: as a screen of a single desk builds it
    if not database.is_sqlite:
        with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
            add_attachment(uow, me, AddAttachment(ticket_id, scan, rules), FIXED_NOW)
        assert refused.value.key == "attachments.error.inbox_only"
        with UnitOfWork(database) as uow:
            assert ticket_attachments(uow, me, AttachmentsOf(ticket_id), FIXED_NOW) == []
        return
    with UnitOfWork(database) as uow:
        added = add_attachment(uow, me, AddAttachment(ticket_id, scan, rules), FIXED_NOW)
    assert (added.filename, added.size) == ("传真.pdf", len(PDF))
    assert added.media_type == "application/pdf"
    with UnitOfWork(database) as uow:  # committed by the service
        (listed,) = ticket_attachments(uow, me, AttachmentsOf(ticket_id), FIXED_NOW)
    assert (listed.id, listed.added_by, listed.added_at) == (added.id, "王芳", FIXED_NOW)

    out = tmp_path / "out"
    out.mkdir()
    with UnitOfWork(database) as uow:
        written = save_attachment_out(uow, me, SaveAttachmentOut(added.id, out, rules), FIXED_NOW)
    assert written == out / "传真.pdf" and written.read_bytes() == PDF
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        save_attachment_out(uow, me, SaveAttachmentOut(added.id, out, rules), FIXED_NOW)
    assert refused.value.key == "attachments.error.target_exists"


def test_a_file_too_big_is_refused_and_a_stranger_denied_nothing_written(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    ticket_id = _ticket(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "scan.pdf").write_bytes(PDF)
    small = AttachmentRules(100, team=True, inbox=inbox)
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        add_attachment(uow, me, AddAttachment(ticket_id, None, small, "scan.pdf"), FIXED_NOW)
    assert refused.value.key == "attachments.error.too_big"
    stranger = Actor(desk.agent, "王芳", "visitor")
    rules = AttachmentRules(team=True, inbox=inbox)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        add_attachment(uow, stranger, AddAttachment(ticket_id, None, rules, "scan.pdf"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert ticket_attachments(uow, me, AttachmentsOf(ticket_id), FIXED_NOW) == []
