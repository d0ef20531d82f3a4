"""A database fault on a banner (issue 23): the raw driver text goes to the desk's log,
never to the screen (F3 showed it while PostgreSQL was down), the banner names the log, and
a read-only SQLite file made writable again clears F4's 只能读 within a couple of ticks
instead of at the next restart."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from deskui.app import make_app
from deskui.data.database import Database
from deskui.desk_log import LOG_FOLDER, LOG_NAME, stop_log
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from deskui.locations import data_dir
from deskui.screens.trouble_text import write_fault
from deskui.widgets.banner import Banner
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle

RAW = (
    'connection to server at "10.0.0.5", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?\n"
    "(postgresql+psycopg://deskui:s3cret-pw@10.0.0.5/deskui)"
)


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    write_fault.clear()
    before = os.umask(0o022)
    yield
    write_fault.clear()
    os.umask(before)
    stop_log()


async def test_f3_says_a_server_away_in_words_and_logs_the_drivers_text(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskui.services.complaints as complaints

    def server_away(*_: Any) -> Any:
        raise OperationalError("SELECT ...", {}, Exception(RAW))

    monkeypatch.setattr(complaints, "department_repeats", server_away)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        banner = app.screen.query_one("#complaint-list-trouble", Banner)
        assert banner.message.startswith(t("trouble.refused"))
        [log] = (data_dir() / LOG_FOLDER).glob(LOG_NAME)  # the desk's own, named on the banner
        assert f"原因已记入日志 {log}。" in banner.message
        text = screen_text(app)
        assert "连不上数据库服务器" in text
        assert not any(raw in text for raw in ("Connection refused", "10.0.0.5", "5432", "s3cret"))
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    logged = log.read_text("utf-8")
    assert "Connection refused" in logged and "10.0.0.5" in logged
    assert "s3cret-pw" not in logged and "deskui:***@10.0.0.5" in logged


def test_a_fault_nobody_knows_names_the_log_file_on_the_banner(tmp_path: Path) -> None:
    from deskui.desk_log import start_log
    from deskui.screens.trouble_text import trouble_line

    path = start_log(tmp_path / "files")
    line = trouble_line(OperationalError("UPDATE", {}, Exception("something new: xyzzy")))
    assert line == f"数据库出了问题：原因已记入日志 {path}，请联系管理员。"
    assert "xyzzy" in path.read_text("utf-8") and "xyzzy" not in line


def _read_only_as_for_any_user(database: Database, path: Path) -> None:
    """SQLite as a desk's own account sees a file without write permission: its connection
    opens read-only and stays so. The tests run as root, whom a mode does not stop, so a
    connection opened while the file has no write bit is made read-only the same way."""

    def on_connect(connection: sqlite3.Connection, _record: object) -> None:
        if not path.stat().st_mode & 0o222:
            connection.execute("PRAGMA query_only = ON")

    event.listen(database.engine, "connect", on_connect)


async def test_f4_read_only_clears_within_two_ticks_once_the_file_is_writable_again(
    demo_database: Database, clock: FixedClock
) -> None:
    path = Path(str(demo_database.url.database))
    _read_only_as_for_any_user(demo_database, path)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        os.chmod(path, 0o444)
        demo_database.dispose()  # the desk opens it again: read-only now
        await pilot.press("f4")
        await settle(pilot)
        banner = app.screen.query_one("#callbacks-trouble", Banner)
        assert t("trouble.read_only") in banner.message  # 只能读
        app._tick()  # still read-only: the recheck finds it so, the banner stays
        await settle(pilot)
        assert t("trouble.read_only") in banner.message

        os.chmod(path, 0o600)  # an admin gives the write permission back
        for _ in range(2):
            app._tick()
            await settle(pilot)
        assert banner.message == "" and not banner.display
        assert not write_fault.is_set()
        await pilot.press("escape", "f4")  # and F4 writes again (marks the queue seen)
        await settle(pilot)
        assert app.screen.query_one("#callbacks-trouble", Banner).message == ""


def test_the_log_holds_the_drivers_words_not_the_statements_values(tmp_path: Path) -> None:
    from deskui.desk_log import start_log
    from deskui.screens.trouble_text import trouble_line

    path = start_log(tmp_path / "files")
    error = OperationalError(
        "UPDATE account SET password_hash=%(hash)s WHERE id = %(id)s",
        {"hash": "$argon2id$v=19$secret-hash", "id": 7},
        Exception("attempt to write a readonly database"),
    )
    assert trouble_line(error) == t("trouble.read_only") + f"原因已记入日志 {path}。"
    logged = path.read_text("utf-8")
    assert "attempt to write a readonly database" in logged and "UPDATE account" in logged
    assert "secret-hash" not in logged


def test_any_error_a_worker_meets_is_said_in_catalog_words(tmp_path: Path) -> None:
    from deskui.desk_log import start_log
    from deskui.domain.permissions import Action
    from deskui.screens.trouble_text import error_line
    from deskui.services.actor import Denied
    from deskui.services.errors import FrontDeskError

    path = start_log(tmp_path / "files")
    refused = FrontDeskError("attachments.error.not_in_inbox", "path", name="x.pdf")
    assert error_line(refused) == "收件夹里没有这个文件：x.pdf"
    denied = error_line(Denied(Action.SEE_TEAM, "agent"))
    assert "see_team" not in denied and "denied" not in denied
    internal = error_line(RuntimeError("KeyError in _merge at 0x7f3a: internal detail"))
    assert internal == t("trouble.unknown", log=path)
    assert "internal detail" in path.read_text("utf-8")
