"""A save the desk promised to retry lands by itself once the database takes writes again,
whatever screen is open (issue 13): the SQLite file refuses writes (a real read-only
connection, `PRAGMA query_only`, since tests run as root and chmod would not stop them), the
agent saves at intake and leaves; once it is writable the app's tick saves the call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.pending_saves import PendingSavesModal
from deskui.widgets.banner import Banner
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_intake_screen import _back_to_desk, _open, _type

WORDS = "网络断断续续，今天第三次了"


@contextmanager
def read_only(db: Database) -> Iterator[None]:
    """Every connection opened meanwhile may read but not write, as a read-only file."""

    def refuse_writes(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    event.listen(db.engine, "connect", refuse_writes)
    db.engine.dispose()  # pooled connections were opened writable
    try:
        yield
    finally:
        event.remove(db.engine, "connect", refuse_writes)
        db.engine.dispose()


async def _ticks(pilot: Pilot[Any], app: DeskApp, count: int) -> None:
    """The app's one tick, `count` times (each second of the desk's life)."""
    for _ in range(count):
        app._tick()
        await settle(pilot)


def _filed(db: Database) -> list[str]:
    with UnitOfWork(db) as uow:
        return [t.customer_words for t in uow.tickets.tickets() if t.customer_words == WORDS]


async def _save_at_intake_while_read_only(pilot: Pilot[Any]) -> None:
    screen = await _open(pilot)
    await _type(pilot, "13900009999")
    screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
    screen.query_one("#words", TextArea).text = WORDS
    await pilot.press("ctrl+s")
    await settle(pilot)
    banner = screen.query_one("#intake-trouble", Banner)
    text = screen_text(pilot.app)
    assert "数据库现在只能读、不能写：请管理员检查数据库的写入权限。" in text
    assert "1 条待保存" in text and "5 秒" not in text
    assert "readonly" not in banner.message and "sqlite" not in text.lower()
    assert screen.query_one("#words", TextArea).text == WORDS  # the form is kept


async def test_a_failed_intake_save_lands_after_the_database_is_writable_from_the_desk(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # signed in (and the sign-in audited) before the file turns read-only
        with read_only(demo_database):
            await _save_at_intake_while_read_only(pilot)
            await _back_to_desk(pilot)  # the agent leaves the screen
            await _ticks(pilot, app, 12)  # retries fail while the file refuses writes
            assert "1 条待保存" in screen_text(app)
            assert _filed(demo_database) == []
        await _ticks(pilot, app, 12)
        assert _filed(demo_database) == [WORDS]  # saved once, from the desk
        assert "待保存" not in screen_text(app)
        assert not app.screen.query_one("#trouble", Banner).display
        await _ticks(pilot, app, 6)
        assert _filed(demo_database) == [WORDS]  # and never twice


async def test_a_pending_save_can_be_discarded_from_the_palette(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # signed in (and the sign-in audited) before the file turns read-only
        with read_only(demo_database):
            await _save_at_intake_while_read_only(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"待保存")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PendingSavesModal)
            assert WORDS[:10] in screen_text(app)
            await pilot.press("ctrl+x")
            await settle(pilot)
            assert "待保存" not in screen_text(app)
        await _ticks(pilot, app, 12)
        assert _filed(demo_database) == []  # discarded: never saved
