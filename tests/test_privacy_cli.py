"""`deskui privacy` (issue 28, PIPL) as a site's manager runs it, on SQLite and PostgreSQL:
show, export as JSON and CSV, erase (confirmed), purge and its dry run; a lead refused and
the refusal audited; no person named, no erasure."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deskui.cli import main
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from tests.conftest import FIXED_NOW
from tests.services.test_privacy_service import DIGITS, EMAIL, NAME, NOTES, _seed_person

NOW = (FIXED_NOW + timedelta(hours=2)).isoformat()


def _run(database: Database, *args: str) -> int:
    url = database.url.render_as_string(hide_password=False)
    return main(["--demo", "--db", url, "--now", NOW, "--lang", "en", *args])


@pytest.fixture
def person(database: Database) -> dict[str, int]:
    return _seed_person(database, FIXED_NOW + timedelta(hours=1))


def test_a_manager_exports_then_erases_and_nothing_of_them_is_shown_after(
    database: Database,
    person: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contact = str(person["contact"])
    assert _run(database, "privacy", "show", "--phone", "+86 139-1234-5678") == 0
    shown = capsys.readouterr().out
    assert NAME in shown and "## Profile (1)" in shown and "## Calls (1)" in shown
    out = tmp_path / "person.json"
    assert _run(database, "privacy", "export", "--contact", contact, "--output", str(out)) == 0
    held = json.loads(out.read_text("utf-8"))
    assert held["contacts"][0]["name"] == NAME
    assert held["contacts"][0]["personal_notes"] == NOTES
    assert held["calls"][0]["from"] == "+8613912345678"
    assert _run(database, "privacy", "export", "--contact", contact, "--format", "csv") == 0
    csv_text = capsys.readouterr().out
    assert csv_text.startswith("section,row,column,value")
    assert f"contacts,1,email,{EMAIL}" in csv_text

    # an erasure cannot be undone: not without --yes off a terminal, nor without a request
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert _run(database, "privacy", "erase", "--contact", contact, "--request", "来函 7") == 2
    assert _run(database, "privacy", "erase", "--contact", contact, "--yes") == 2
    assert "--request" in capsys.readouterr().err
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Contact, person["contact"]).name == NAME
    args = ("privacy", "erase", "--contact", contact, "--request", "来函 7", "--yes")
    assert _run(database, *args) == 0
    assert "Erased contact" in capsys.readouterr().out

    assert _run(database, "privacy", "show", "--contact", contact) == 0
    assert _run(database, "privacy", "export", "--contact", contact, "--format", "csv") == 0
    for kind in ("customers", "tickets", "calls", "callbacks", "history", "visitors", "messages"):
        assert _run(database, "export", kind) == 0
    assert _run(database, "audit") == 0
    printed = capsys.readouterr().out
    assert [s for s in (NAME, DIGITS, EMAIL, NOTES) if s in printed] == []
    assert "Person's data erased" in printed and "来函 7" in printed


def test_a_lead_is_refused_and_the_refusal_audited(
    database: Database, person: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    contact = str(person["contact"])
    args = ("--agent", "张伟", "privacy", "erase", "--contact", contact, "--request", "x", "--yes")
    assert _run(database, *args) == 3
    assert "张伟" in capsys.readouterr().err
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Contact, person["contact"]).name == NAME
        denied = uow.session.execute(
            select(m.AuditEntry.agent_name, m.AuditEntry.subject).where(
                m.AuditEntry.action == "denied"
            )
        ).all()
    assert [tuple(d) for d in denied] == [("张伟", "personal_data")]


def test_the_person_must_be_named_and_the_purge_follows_the_retention(
    database: Database, person: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(database, "privacy", "show") == 2
    assert "--contact ID, --customer ID or --phone NUMBER" in capsys.readouterr().err
    assert _run(database, "privacy", "show", "--phone", "not a number") == 2
    assert "not a phone number" in capsys.readouterr().err
    assert _run(database, "privacy", "purge", "--dry-run") == 0
    assert "privacy.retention is 0" in capsys.readouterr().out
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.retention": "1"}, None, FIXED_NOW)
        ticket = uow.session.get_one(m.Ticket, person["ticket"])
        ticket.status, ticket.closed_at = "closed", FIXED_NOW - timedelta(days=3)
        uow.commit()
    assert _run(database, "privacy", "purge", "--dry-run") == 0
    assert "would be anonymised" in capsys.readouterr().out
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, person["ticket"]).caller_phone != ""
    assert _run(database, "--agent", "张伟", "privacy", "purge") == 3  # a lead: refused
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, person["ticket"]).caller_phone != ""
    assert _run(database, "privacy", "purge") == 0  # the site's timer: no --agent
    assert "Problem records" in capsys.readouterr().out
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, person["ticket"]).caller_phone == ""
        purged_by = uow.session.scalars(
            select(m.AuditEntry.agent_name).where(m.AuditEntry.action == "privacy_purge")
        ).all()
    assert purged_by and all(name.startswith("host:") for name in purged_by)


def test_the_export_writes_their_attachments_beside_it_and_an_agent_or_lead_gets_neither(
    database: Database, person: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Art. 45 from the command line: the person's attachment (its name hostile: `../`, a
    control character) lands inside `<export>-attachments/` under a safe name, byte for byte;
    an agent's or a lead's export or erasure is refused before anything is read or written."""
    from deskui.data.frontdesk_store import AttachmentRules

    content = b"%PDF-1.4\n" + NAME.encode() * 50
    with UnitOfWork(database) as uow:
        agent = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "王芳")).one()
        added = uow.frontdesk.add_attachment_content(
            person["ticket"],
            "../../etc/\x1b[2J信.pdf",
            content,
            agent,
            FIXED_NOW,
            AttachmentRules(),
        )
        uow.commit()
    contact = str(person["contact"])
    out = tmp_path / "export" / "person.json"
    out.parent.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    for who in ("王芳", "张伟"):
        for action in (("export", "--output", str(out)), ("erase", "--request", "x", "--yes")):
            assert _run(database, "--agent", who, "privacy", action[0], "--contact", contact,
                        *action[1:]) == 3  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list(out.parent.iterdir()) == []
    capsys.readouterr()
    assert _run(database, "privacy", "export", "--contact", contact, "--output", str(out)) == 0
    assert "attachments written to" in capsys.readouterr().err
    folder = out.parent / "person-attachments"
    [written] = list(folder.iterdir())
    assert written.name.startswith(f"{added.id}-") and "/" not in written.name
    assert "\x1b" not in written.name and written.read_bytes() == content
    assert sorted(p.name for p in out.parent.rglob("*")) == sorted(
        ["person.json", "person-attachments", written.name]
    )
    assert _run(database, "privacy", "export", "--contact", contact) == 0  # to the terminal
    assert "add --output FILE" in capsys.readouterr().err
    args = ("privacy", "erase", "--contact", contact, "--request", "来函 8", "--yes")
    assert _run(database, *args) == 0
    with UnitOfWork(database) as uow:
        row = uow.session.get_one(m.Attachment, added.id)
        assert (row.filename, row.content, row.storage) == ("", None, "erased")


def test_an_erasure_says_when_the_phone_bridge_still_holds_call_events_to_store(
    database: Database, person: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Events the bridge journaled while the database was away are stored once it is back,
    after an erasure perhaps: the manager is told to erase again then (README)."""
    from deskui.cli.parser import build_parser, resolve
    from deskui.phone.bridge import journal_path
    from deskui.phone.journal import Journal

    url = database.url.render_as_string(hide_password=False)
    args = build_parser().parse_args(["--demo", "--db", url, "--now", NOW, "privacy", "purge"])
    settings, _ = resolve(args, {})
    journal = Journal(journal_path(settings))
    try:
        for n in range(2):
            journal.append(FIXED_NOW, {"event": "newCall", "callId": f"j{n}", "from": DIGITS})
        erase = ("privacy", "erase", "--contact", str(person["contact"]), "--request", "x")
        assert _run(database, *erase, "--yes") == 0
        said = capsys.readouterr().err
        assert "journal on this host holds 2 call events" in said and DIGITS not in said
    finally:
        journal.path.unlink(missing_ok=True)
