"""A team desk reaches no host file (issue 23, DESIGN.md 13), on SQLite and PostgreSQL: an
agent attaches only a file of the site's inbox, picked by name, and saves out only into the
export folder under a sanitised name; every other name is refused by the service itself, the
attempt at a host path audited, nothing attached, nothing written outside the export folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.attachments import (
    AddAttachment,
    AttachmentRules,
    AttachmentsOf,
    FetchAttachment,
    InboxListing,
    SaveAttachmentOut,
    add_attachment,
    attachment_content,
    inbox_listing,
    save_attachment_out,
    ticket_attachments,
)
from deskui.services.errors import FrontDeskError
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk
from tests.services.test_attachment_service import PDF, _ticket

SECRET = b"root:$6$hash-of-the-host:19000:0:99999:7:::\n"


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """A team host's folder: an inbox holding one fax scan, a secret file beside it (the
    host's /etc/shadow stand-in); the export folder is not made yet."""
    host = tmp_path / "host"
    (host / "inbox").mkdir(parents=True)
    (host / "inbox" / "传真 0923.pdf").write_bytes(PDF)
    (host / "shadow").write_bytes(SECRET)
    return host


@pytest.fixture
def site(host: Path) -> AttachmentRules:
    return AttachmentRules(team=True, inbox=host / "inbox", exports=host / "exports")


def _attached(database: Database, me: Actor, ticket_id: int) -> list[str]:
    with UnitOfWork(database) as uow:
        return [
            a.filename for a in ticket_attachments(uow, me, AttachmentsOf(ticket_id), FIXED_NOW)
        ]


def test_an_agent_typing_a_host_path_is_refused_audited_and_nothing_is_attached(
    database: Database, desk: Desk, site: AttachmentRules, host: Path
) -> None:
    ticket_id = _ticket(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    in_inbox = host / "inbox" / "传真 0923.pdf"  # even the inbox's own file, by path
    for path in (Path("/etc/shadow"), host / "shadow", in_inbox):
        with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
            add_attachment(uow, me, AddAttachment(ticket_id, path, site), FIXED_NOW)
        assert refused.value.key == "attachments.error.inbox_only"
    assert _attached(database, me, ticket_id) == []
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(person="王芳", action="attachment_add")
    assert [line.outcome for line in lines] == ["refused"] * 3
    assert lines[0].subject == str(host / "inbox" / "传真 0923.pdf")
    assert {line.subject for line in lines} >= {"/etc/shadow", str(host / "shadow")}


def test_only_a_plain_file_of_the_inbox_is_attached_whatever_name_is_sent(
    database: Database, desk: Desk, site: AttachmentRules, host: Path
) -> None:
    inbox = site.inbox
    assert inbox is not None
    os.symlink(host / "shadow", inbox / "scan.pdf")  # a link planted in the inbox
    os.symlink(host, inbox / "up")
    (inbox / "folder").mkdir()
    os.mkfifo(inbox / "pipe")  # would hang a desk that opened it for reading
    (inbox / "empty.pdf").write_bytes(b"")
    ticket_id = _ticket(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    hostile = {
        "/etc/shadow": "attachments.error.not_in_inbox",
        "../shadow": "attachments.error.not_in_inbox",
        "..": "attachments.error.not_in_inbox",
        ".": "attachments.error.not_in_inbox",
        "": "attachments.error.not_in_inbox",
        "up/shadow": "attachments.error.not_in_inbox",
        "scan.pdf": "attachments.error.not_in_inbox",
        "folder": "attachments.error.not_in_inbox",
        "pipe": "attachments.error.not_in_inbox",
        "nothing.pdf": "attachments.error.not_in_inbox",
        "a\x00b": "attachments.error.not_in_inbox",
        "empty.pdf": "attachments.error.empty",
    }
    for name, key in hostile.items():
        with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
            add_attachment(uow, me, AddAttachment(ticket_id, None, site, name), FIXED_NOW)
        assert refused.value.key == key, name
    assert _attached(database, me, ticket_id) == []

    os.utime(inbox / "empty.pdf", (1_700_000_000, 1_700_000_000))  # older than the scan
    with UnitOfWork(database) as uow:  # the listing offers the plain files alone, newest first
        listed = inbox_listing(uow, me, InboxListing(site), FIXED_NOW)
    assert [(f.name, f.size) for f in listed] == [("传真 0923.pdf", len(PDF)), ("empty.pdf", 0)]

    with UnitOfWork(database) as uow:
        added = add_attachment(
            uow, me, AddAttachment(ticket_id, None, site, "传真 0923.pdf"), FIXED_NOW
        )
    assert (added.filename, added.size, added.media_type) == (
        "传真 0923.pdf",
        len(PDF),
        "application/pdf",
    )
    assert _attached(database, me, ticket_id) == ["传真 0923.pdf"]


def test_saving_out_writes_only_into_the_export_folder_under_a_safe_name_0600(
    database: Database, desk: Desk, site: AttachmentRules, host: Path
) -> None:
    ticket_id = _ticket(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        added = uow.frontdesk.add_attachment_content(
            ticket_id, "../../.bashrc\x1b[2J\u202e.pdf", PDF, desk.agent, FIXED_NOW, site
        )
        uow.commit()
    target = host / "anywhere"
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        save_attachment_out(uow, me, SaveAttachmentOut(added.id, target, site), FIXED_NOW)
    assert refused.value.key == "attachments.error.inbox_only"
    assert not target.exists()

    written = []
    for _ in range(2):
        with UnitOfWork(database) as uow:
            written.append(
                save_attachment_out(uow, me, SaveAttachmentOut(added.id, None, site), FIXED_NOW)
            )
    assert site.exports is not None
    assert [p.parent for p in written] == [site.exports, site.exports]
    assert [p.name for p in written] == ["bashrc_[2J_.pdf", "bashrc_[2J_ (2).pdf"]
    assert all(p.read_bytes() == PDF for p in written)
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o600}
    assert stat.S_IMODE(site.exports.stat().st_mode) == 0o700
    assert sorted(p.name for p in host.iterdir()) == ["exports", "inbox", "shadow"]

    with UnitOfWork(database) as uow:  # a browser desk gets the bytes, nothing on the host
        fetched = attachment_content(uow, me, FetchAttachment(added.id, site), FIXED_NOW)
    assert (fetched.filename, fetched.content) == ("bashrc_[2J_.pdf", PDF)


def test_a_customer_sheet_on_a_team_desk_is_read_from_the_inbox_alone(
    database: Database, desk: Desk, host: Path
) -> None:
    from deskui.data.tabular import TableError
    from deskui.services.host_files import HostFiles
    from deskui.services.profiles import CheckImport, check_import

    (host / "inbox" / "客户.csv").write_text("公司名称,地址\n成都瑞丰,二环路\n", "utf-8")
    (host / "secret.csv").write_text("公司名称,地址\n机密,主机\n", "utf-8")
    me = Actor(desk.agent, "王芳", Role.AGENT)
    team = HostFiles(team=True, inbox=host / "inbox")
    for typed in (str(host / "secret.csv"), "../secret.csv", "/etc/passwd"):
        with UnitOfWork(database) as uow, pytest.raises(TableError) as refused:
            check_import(uow, me, CheckImport(typed, team), FIXED_NOW)
        assert str(refused.value) == "attachments.error.not_in_inbox"
    with UnitOfWork(database) as uow:
        checked = check_import(uow, me, CheckImport("客户.csv", team), FIXED_NOW)
    assert [row.name for row in checked.report.ok] == ["成都瑞丰"]
    single = CheckImport(str(host / "secret.csv"))  # as a single desk's screen builds it
    with UnitOfWork(database) as uow:
        if database.is_sqlite:  # a person's own desk keeps its path
            assert [r.name for r in check_import(uow, me, single, FIXED_NOW).report.ok] == ["机密"]
        else:  # a server database is a team's: refused by the service whatever the screen
            with pytest.raises(TableError):
                check_import(uow, me, single, FIXED_NOW)
