"""A person's data outside the database (issue 28, PIPL art. 45 and 47), on SQLite and
PostgreSQL: their attachments are in their export, bytes and all; after their erasure the
attachments' names and bytes are gone (kept in the database or as files), the ticket still
says a file was attached (a fact: type, size, who, when), the replies written for their
tickets and the copies of their attachments saved out are removed from this host's folders,
and nothing of anyone else's is touched. A name planted in the database (`../`, a long
name) reaches no file outside the folder it names a file of."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.person_files import SiteFolders
from deskui.data.unit_of_work import UnitOfWork
from deskui.services import privacy
from deskui.services.attachments import (
    AddAttachment,
    AttachmentRules,
    FetchAttachment,
    SaveAttachmentOut,
    add_attachment,
    attachment_content,
    save_attachment_out,
)
from deskui.services.errors import FrontDeskError
from tests.conftest import FIXED_NOW
from tests.services.test_privacy_service import (
    NAME,
    _actors,
    _everything,
    _seed_person,
    add_person,
)

LETTER = "欧阳晴雪的投诉信.pdf"
LETTER_BYTES = b"%PDF-1.4\n" + "欧阳晴雪 13912345678 家住文三路".encode() * 40
SCAN_BYTES = b"II*\x00" + bytes(range(256)) * 4
OTHERS = b"%PDF-1.4\n" + b"another customer's contract" * 40


def _folders(tmp_path: Path) -> SiteFolders:
    return SiteFolders(tmp_path / "attachments", tmp_path / "replies", tmp_path / "exports")


def _attach(
    database: Database, ticket: int, name: str, content: bytes, rules: AttachmentRules, inbox: Path
) -> int:
    """An agent attaches the inbox's file `name` (the way a team desk attaches)."""
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_bytes(content)
    agent = _actors(database)["王芳"]
    command = AddAttachment(ticket, None, rules, inbox_name=name)
    with UnitOfWork(database) as uow:
        return add_attachment(uow, agent, command, FIXED_NOW).id


def _other_ticket(database: Database, customer: int) -> int:
    """A ticket of another customer's (the demo's)."""
    with UnitOfWork(database) as uow:
        ticket = uow.session.scalars(
            select(m.Ticket).where(m.Ticket.customer_id != customer).order_by(m.Ticket.id)
        ).first()
        assert ticket is not None
        return ticket.id


def test_their_attachments_are_exported_and_erased_with_their_files_and_no_one_elses(
    database: Database, tmp_path: Path
) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    folders = _folders(tmp_path)
    inbox = tmp_path / "inbox"
    in_database = AttachmentRules(inbox=inbox, exports=folders.exports, team=True)
    as_files = AttachmentRules(
        storage="folder", folder=folders.attachments, inbox=inbox, exports=folders.exports,
        team=True,
    )  # fmt: skip
    letter = _attach(database, ids["ticket"], LETTER, LETTER_BYTES, in_database, inbox)
    scan = _attach(database, ids["ticket"], "scan.tif", SCAN_BYTES, as_files, inbox)
    other_ticket = _other_ticket(database, ids["customer"])
    others = _attach(database, other_ticket, "合同.pdf", OTHERS, as_files, inbox)
    agent = _actors(database)["王芳"]
    with UnitOfWork(database) as uow:  # an agent saved the letter out (renamed since)
        saved = save_attachment_out(uow, agent, SaveAttachmentOut(letter, None, in_database), later)
    saved.rename(saved.with_name("给主管看.pdf"))
    with UnitOfWork(database) as uow:
        save_attachment_out(uow, agent, SaveAttachmentOut(others, None, as_files), later)
    folders.replies.mkdir()  # type: ignore[union-attr]
    theirs = folders.replies / f"complaint-{ids['ticket']}-20261123-1000.pdf"  # type: ignore[operator]
    not_theirs = folders.replies / f"complaint-{other_ticket}-20261123-1000.pdf"  # type: ignore[operator]
    theirs.write_text(f"尊敬的{NAME}")
    not_theirs.write_text("尊敬的客户")
    stored = sorted(p.name for p in folders.attachments.iterdir())  # type: ignore[union-attr]
    assert len(stored) == 2

    # the export (art. 45) holds their attachments, bytes and all, and no one else's
    who = privacy.PersonQuery(contact_id=ids["contact"])
    out = tmp_path / "person-attachments"
    with UnitOfWork(database) as uow:
        found = privacy.export_person(
            uow, manager, privacy.ExportPerson(who, folders.attachments, out), later
        )
    assert [(f.attachment_id, f.name, f.content) for f in found.files] == [
        (letter, LETTER, LETTER_BYTES),
        (scan, "scan.tif", SCAN_BYTES),
    ]
    assert sorted(p.name for p in found.written) == [f"{letter}-{LETTER}", f"{scan}-scan.tif"]
    assert (out / f"{letter}-{LETTER}").read_bytes() == LETTER_BYTES
    assert (out / f"{letter}-{LETTER}").stat().st_mode & 0o777 == 0o600
    assert [row[0] for row in found.tables["attachments"][1]] == [letter, scan]

    with UnitOfWork(database) as uow:
        erased = privacy.erase_person(
            uow, manager, privacy.ErasePerson(who, "来函", folders), later
        )
    assert erased.records["attachment"] == 2
    assert (erased.files, erased.files_failed) == (3, 0)  # the scan, the reply, the copy
    # the database holds neither name nor bytes; the rows stay, as facts
    everything = _everything(database)
    assert LETTER not in everything and "scan.tif" not in everything
    assert repr(LETTER_BYTES[:40]) not in everything
    with UnitOfWork(database) as uow:
        rows = {a.id: a for a in uow.session.scalars(select(m.Attachment))}
        for gone in (letter, scan):
            row = rows[gone]
            assert (row.filename, row.content, row.stored_name, row.sha256, row.storage) == (
                "", None, "", "", "erased",
            )  # fmt: skip
        assert (rows[letter].size, rows[letter].media_type) == (
            len(LETTER_BYTES),
            "application/pdf",
        )
        events = uow.session.scalars(
            select(m.TicketEvent).where(
                m.TicketEvent.ticket_id == ids["ticket"],
                m.TicketEvent.action == "attachment_added",
            )
        ).all()
        assert [e.detail["file"] for e in events] == ["", ""]  # attached, no longer what
        assert rows[others].filename == "合同.pdf"
    # the files: theirs gone, everyone else's as they were
    assert sorted(p.name for p in folders.attachments.iterdir()) == [  # type: ignore[union-attr]
        n for n in stored if n.startswith(f"{other_ticket}-")
    ]
    assert not theirs.exists() and not_theirs.exists()
    exported = sorted(p.read_bytes() for p in folders.exports.iterdir())  # type: ignore[union-attr]
    assert exported == [OTHERS]
    # what an agent asks of an erased attachment: refused in words, no bytes
    for service, command in (
        (attachment_content, FetchAttachment(scan, as_files)),
        (save_attachment_out, SaveAttachmentOut(letter, None, in_database)),
    ):
        with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
            service(uow, agent, command, later)  # type: ignore[arg-type]
        assert refused.value.key == "attachments.error.erased"
    # the export after the erasure lists the attachments as facts, with no bytes
    with UnitOfWork(database) as uow:
        again = privacy.export_person(
            uow, manager, privacy.ExportPerson(who, folders.attachments), later
        )
    assert [(f.name, f.content) for f in again.files] == [("", None), ("", None)]
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(action="privacy_erase_files")
    assert [line.detail for line in lines] == [{"files": 3, "failed": 0}]


def test_a_name_planted_in_the_database_removes_nothing_outside_its_folder(
    database: Database, tmp_path: Path
) -> None:
    """The erasure removes by the names the database holds: a stored name turned into
    `../x`, an absolute path or a very long name is no file of the attachment folder, and
    what it would point at stays."""
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    folders = _folders(tmp_path)
    folders.attachments.mkdir()  # type: ignore[union-attr]
    outside = tmp_path / "deskui.db.keep"
    outside.write_bytes(b"the site's own file")
    absolute = tmp_path / "absolute.keep"
    absolute.write_bytes(b"another")
    planted = ("../deskui.db.keep", str(absolute), "x" * 300, "..")
    with UnitOfWork(database) as uow:
        for name in planted:
            uow.session.add(
                m.Attachment(
                    ticket_id=ids["ticket"], filename="../../etc/passwd", media_type="text/plain",
                    size=3, sha256=hashlib.sha256(b"abc").hexdigest(), storage="folder",
                    stored_name=name[:200], added_by_id=_actors(database)["王芳"].id,
                    added_at=later,
                )
            )  # fmt: skip
        uow.commit()
    who = privacy.PersonQuery(contact_id=ids["contact"])
    out = tmp_path / "export-files"
    with UnitOfWork(database) as uow:  # and the export reads none of them either
        found = privacy.export_person(
            uow, manager, privacy.ExportPerson(who, folders.attachments, out), later
        )
    assert [f.content for f in found.files] == [None] * len(planted)
    with UnitOfWork(database) as uow:
        erased = privacy.erase_person(
            uow, manager, privacy.ErasePerson(who, "来函", folders), later
        )
    assert erased.records["attachment"] == len(planted) and erased.files_failed == 0
    assert outside.read_bytes() == b"the site's own file"
    assert absolute.read_bytes() == b"another"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["absolute.keep", "attachments", "deskui.db.keep", *_database_files(tmp_path)]
    )


def _database_files(folder: Path) -> list[str]:
    """The test database's own files in `folder` (a SQLite test keeps its file there)."""
    return [p.name for p in folder.iterdir() if p.name.endswith((".db", "-wal", "-shm"))]


def test_the_reports_this_host_printed_lose_the_person_and_no_one_else(
    database: Database, tmp_path: Path
) -> None:
    """A handover report naming the person is printed again from its erased record (its
    PDF and XLSX in place, no longer naming them); a team report's cells naming them are
    masked; a report naming someone else is left as it was."""
    from openpyxl import Workbook, load_workbook

    from deskui.data.handover_report import write_report
    from deskui.domain.model import HandoverSheet

    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    people = _actors(database)
    manager = people["刘洋"]
    folders = replace(_folders(tmp_path), reports=tmp_path / "reports")
    reports = folders.reports
    assert reports is not None
    sheet = next(iter(HandoverSheet)).value

    def row(customer: str, note: str) -> dict[str, object]:
        return {"sheet": sheet, "customer": customer, "item": "空调维修", "status": "open",
                "deadline": None, "owner": "王芳", "note": note}  # fmt: skip

    with UnitOfWork(database) as uow:
        theirs = m.HandoverReport(
            from_agent_id=people["王芳"].id, to_agent_id=people["李娜"].id,
            handed_over_at=later, rows=[row(NAME, f"{NAME}下午再来电")],
        )  # fmt: skip
        others = m.HandoverReport(
            from_agent_id=people["王芳"].id, to_agent_id=people["李娜"].id,
            handed_over_at=later, rows=[row("江小渔", "周三店休")],
        )  # fmt: skip
        uow.session.add_all([theirs, others])
        uow.commit()
        printed = {
            r.id: write_report(uow.handover.handover_report(r.id), reports, "Asia/Shanghai")
            for r in (theirs, others)
        }
        their_id, other_id = theirs.id, others.id
    before = {i: [p.read_bytes() for p in paths] for i, paths in printed.items()}
    book = Workbook()
    book.active.append(["记录", "标签"])
    book.active.append(["问题记录 #7", f"{NAME}：空调不制冷"])
    team = reports / "team-20261101-20261130-20261123-0900.xlsx"
    book.save(team)
    broken = reports / "team-20261001-20261031-20261101-0900.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")

    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(database) as uow:
        erased = privacy.erase_person(
            uow, manager, privacy.ErasePerson(who, "来函", folders), later
        )
    # their handover report's PDF and XLSX printed again, the team report masked; the broken
    # workbook is said as not done, for the site to look at
    assert (erased.files, erased.files_failed) == (3, 1)

    def text_of(path: Path) -> str:
        cells = load_workbook(path).worksheets
        return " ".join(str(c.value) for s in cells for r in s.iter_rows() for c in r)

    pdf, xlsx = printed[their_id]
    assert NAME not in text_of(xlsx) and "下午再来电" in text_of(xlsx)
    assert NAME in pdf_text(before[their_id][0])  # the text a reader finds in the PDF
    assert NAME not in pdf_text(pdf.read_bytes()) and "下午再来电" in pdf_text(pdf.read_bytes())
    assert [p.read_bytes() for p in printed[other_id]] == before[other_id]
    assert NAME not in text_of(team) and "空调不制冷" in text_of(team)
    assert sorted(p.name for p in reports.iterdir()) == sorted(
        [team.name, broken.name, *(p.name for paths in printed.values() for p in paths)]
    )


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_on_sqlite_the_erased_bytes_are_gone_from_the_file_itself(
    demo_database: Database, tmp_path: Path
) -> None:
    """Not only no row: the SQLite file and its write-ahead log no longer hold the bytes
    (secure_delete zeroes the freed pages, the log is checkpointed and emptied).
    PostgreSQL keeps old row versions until its VACUUM (README, Running a site)."""
    database = demo_database  # a SQLite file of the test's own (the demo desk)
    later = FIXED_NOW + timedelta(hours=1)
    ids = add_person(database, later)
    marker = "欧阳晴雪的病历号甲乙丙丁".encode() * 20
    _attach(database, ids["ticket"], "病历.pdf", b"%PDF-1.4\n" + marker, AttachmentRules(
        inbox=tmp_path / "inbox", team=True), tmp_path / "inbox")  # fmt: skip
    path = Path(str(database.url.database))
    companions = [path, path.with_name(path.name + "-wal")]

    def held() -> bytes:
        return b"".join(p.read_bytes() for p in companions if p.exists())

    assert marker[:60] in held()
    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(database) as uow:
        privacy.erase_person(
            uow, _actors(database)["刘洋"], privacy.ErasePerson(who, "来函"), later
        )
    assert marker[:60] not in held()


def test_a_hostile_stored_name_is_never_a_path(tmp_path: Path) -> None:
    """What an erasure removes by a name the database holds: one plain component of the
    folder or nothing (a NUL, a `/`, `..`, a name longer than a file system allows), and a
    link planted under a stored name is left as it is, never followed."""
    from deskui.data.person_files import HeldFile, plain_name, remove_person_files

    for name in ("a\x00b", "../x", "/etc/passwd", "..", ".", "", "a\\b", "字" * 90):
        assert not plain_name(name), name
    assert plain_name("12-0f3c.pdf") and plain_name("字" * 85)
    folder = tmp_path / "attachments"
    folder.mkdir()
    target = tmp_path / "the-sites-own.db"
    target.write_bytes(b"keep")
    (folder / "7-link.pdf").symlink_to(target)
    (folder / "7-real.pdf").write_bytes(b"theirs")
    held = [
        HeldFile(1, 7, name, "", 0)
        for name in ("a\x00b", "../the-sites-own.db", str(target), "7-link.pdf", "7-real.pdf")
    ]
    removed = remove_person_files(SiteFolders(attachments=folder), held, [7])
    assert sorted(removed.removed) == ["7-real.pdf"]  # the link is not opened as theirs
    assert target.read_bytes() == b"keep" and (folder / "7-link.pdf").is_symlink()
