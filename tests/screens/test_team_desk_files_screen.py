"""A team desk's attachments as an agent uses them (issue 23): no path field at all, the
site's inbox as a list to pick from (a link planted in it is not offered), Ctrl+O into the
export folder (0600), and in a browser a download to the agent's own machine with nothing
written on the host."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.desk_log import LOG_FOLDER, LOG_NAME
from deskui.domain.clock import FixedClock
from deskui.locations import data_dir
from deskui.screens.attachments import AttachmentsModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_department_screens import _first_open_ticket, _open_ticket_from_desk

SCAN = b"%PDF-1.4\n" + b"fax scan " * 200
SECRET = b"root:$6$hash-of-the-host:19000:0:99999:7:::\n"


@pytest.fixture
def host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team host (DESKUI_TEAM=1, as an ssh forced command sets it): its inbox holds a fax
    scan and a link to the host's secret planted beside it."""
    host = tmp_path / "host"
    (host / "inbox").mkdir(parents=True)
    (host / "inbox" / "传真扫描.pdf").write_bytes(SCAN)
    (host / "shadow").write_bytes(SECRET)
    os.symlink(host / "shadow", host / "inbox" / "shadow.pdf")
    monkeypatch.setenv("DESKUI_TEAM", "1")
    monkeypatch.setenv("DESKUI_INBOX_DIR", str(host / "inbox"))
    monkeypatch.setenv("DESKUI_EXPORT_DIR", str(host / "exports"))
    return host


def _attachments(db: Database, ticket_id: int) -> list[tuple[str, int]]:
    with UnitOfWork(db) as uow:
        return [(a.filename, a.size) for a in uow.frontdesk.attachments(ticket_id)]


async def _open_attachments(pilot: Any, ticket_id: int) -> AttachmentsModal:
    await settle(pilot)
    await _open_ticket_from_desk(pilot, ticket_id)
    await pilot.press("a")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, AttachmentsModal)
    return modal


async def test_a_team_desk_attaches_from_the_inbox_and_saves_into_the_export_folder(
    demo_database: Database, clock: FixedClock, host: Path
) -> None:
    ticket_id = _first_open_ticket(demo_database, "王芳", "platform")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _open_attachments(pilot, ticket_id)
        assert modal.team and not modal.query(Input)  # no path to type anywhere
        inbox = modal.query_one("#inbox-list", OptionList)
        assert inbox.has_focus and inbox.option_count == 1  # the planted link is not offered
        text = screen_text(app)
        assert "传真扫描.pdf" in text and "shadow" not in text
        assert "路径" not in text and "收件夹" in text

        await pilot.press(*"/etc/shadow", "enter")  # typed as into a path field: attaches the pick
        await settle(pilot)
        assert _attachments(demo_database, ticket_id) == [("传真扫描.pdf", len(SCAN))]
        assert "传真扫描.pdf" in screen_text(app)

        await pilot.press("ctrl+o")
        await settle(pilot)
        saved = host / "exports" / "传真扫描.pdf"
        assert saved.read_bytes() == SCAN
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
        assert sorted(p.name for p in host.iterdir()) == ["exports", "inbox", "shadow"]


async def test_a_browser_desk_downloads_an_attachment_and_writes_nothing_on_the_host(
    demo_database: Database, clock: FixedClock, host: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket_id = _first_open_ticket(demo_database, "王芳", "platform")
    monkeypatch.delenv("DESKUI_TEAM")  # the web driver alone makes it a team desk
    delivered: list[tuple[bytes, str | None, str | None]] = []

    def deliver_binary(self: DeskApp, binary: Any, **options: Any) -> str:
        delivered.append((binary.read(), options.get("save_filename"), options.get("mime_type")))
        return "key"

    monkeypatch.setattr(DeskApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(DeskApp, "deliver_binary", deliver_binary)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _open_attachments(pilot, ticket_id)
        assert modal.team and not modal.query(Input)
        assert "下载到本机" in screen_text(app)
        await pilot.press("enter", "ctrl+o")
        await settle(pilot)
    assert delivered == [(SCAN, "传真扫描.pdf", "application/pdf")]
    assert not (host / "exports").exists()


async def test_a_single_desk_keeps_its_path_field(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    ticket_id = _first_open_ticket(demo_database, "王芳", "platform")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _open_attachments(pilot, ticket_id)
        assert not modal.team and modal.query_one("#path", Input).has_focus
        assert not modal.query("#inbox-list")
        missing = tmp_path / "没有这个文件.pdf"
        await pilot.press(*str(missing), "enter")
        await settle(pilot)
        assert "找不到文件" in screen_text(app)
    # the refusal is in the desk's log, with what was refused (issue 23)
    [log] = (data_dir() / LOG_FOLDER).glob(LOG_NAME)
    logged = log.read_text("utf-8")
    assert "refused add_attachment: FrontDeskError" in logged and str(missing) in logged


async def test_a_browser_desk_downloads_the_written_reply_and_the_handover_report(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.screens.test_complaint_screens import LETTER, _row_of, _ticket
    from tests.screens.test_handover_screen import _hand_over_as_li_na

    delivered: list[str] = []

    def deliver_binary(self: DeskApp, path: Any, **_: Any) -> str:
        delivered.append(Path(path).name)
        return "key"

    monkeypatch.setattr(DeskApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(DeskApp, "deliver_binary", deliver_binary)
    ticket_id = _ticket(demo_database, LETTER)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*["down"] * _row_of(demo_database, "王芳", ticket_id), "w", "ctrl+e")
        await settle(pilot)
    assert delivered == [
        f"complaint-{ticket_id}-20261123-0900.pdf",
        f"complaint-{ticket_id}-20261123-0900.txt",
    ]
    delivered.clear()
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
        await pilot.press("p")
        await settle(pilot)
    assert [Path(name).suffix for name in delivered] == [".pdf", ".xlsx"]
