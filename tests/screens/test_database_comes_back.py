"""The database goes away under a running desk and comes back (issue 13): the desk's banner
says in one line of plain words what is wrong and what to do, never the driver's text (that
goes to the log), and clears by itself once the database answers again. Real faults on both
backends: the SQLite file removed; PostgreSQL behind a local relay that is cut, so the server
first drops the connection and then refuses it, and restored."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.widgets.banner import Banner
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text


class Relay:
    """A TCP relay on a local port to the PostgreSQL server: cut it and the desk's
    connections drop and new ones are refused, as when the server goes down."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []

    def start(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()

    def cut(self) -> None:
        if self._server is not None:
            # close() alone leaves an accept() blocked in the relay's thread listening (Linux):
            # the next connection would still get through. shutdown() stops it at once.
            with suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        for sock in self._sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@contextmanager
def desk_database(
    database: Database,
) -> Iterator[tuple[Database, Callable[[], None], Callable[[], None]]]:
    """The database the desk runs on, and how to take it away and bring it back."""
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    if database.is_sqlite:
        path = Path(str(database.url.database))
        away = path.with_name("away.db")

        def remove() -> None:
            database.dispose()  # the last connection checkpoints the WAL into the file
            path.rename(away)

        def restore() -> None:
            database.dispose()
            path.unlink(missing_ok=True)  # the empty file a connection made meanwhile
            away.rename(path)

        yield database, remove, restore
        return
    relay = Relay(database.url.host or "127.0.0.1", database.url.port or 5432)
    relay.start()
    url = database.url.set(host="127.0.0.1", port=relay.port)
    relayed = Database(url.render_as_string(hide_password=False))
    try:
        yield relayed, relay.cut, relay.start
    finally:
        relay.cut()
        relayed.dispose()


async def _ticks(pilot: Pilot[Any], app: DeskApp, count: int) -> None:
    """The app's one tick; pauses rather than settle(), which a failing poll would raise out of."""
    for _ in range(count):
        app._tick()
        for _ in range(4):
            await pilot.pause(0.05)


async def _until(pilot: Pilot[Any], app: DeskApp, done: Callable[[], bool]) -> None:
    for _ in range(40):
        if done():
            return
        await _ticks(pilot, app, 1)
    assert done()


async def test_the_desk_banner_says_the_fault_in_plain_words_and_clears_when_it_is_back(
    database: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    with desk_database(database) as (db, take_away, bring_back):
        app = make_app(make_settings(db), clock, db)
        async with app.run_test(size=SIZE) as pilot:
            await at_desk(pilot)
            banner = app.screen.query_one("#trouble", Banner)
            assert not banner.display
            if not db.is_sqlite:  # LISTEN heard first: the tick polls rarely (issue 27)
                await _until(pilot, app, lambda: app._listener is not None and app._listener.live)
            take_away()
            await _until(pilot, app, lambda: banner.display)
            expected = {
                True: "与数据库的连接断了：正在重新连接，恢复后自动继续。",
                False: "连不上数据库服务器：请检查网络，或请管理员启动数据库。",
            }
            await _until(pilot, app, lambda: banner.message.startswith(expected[db.is_sqlite]))
            text = screen_text(app)
            assert "\n" not in banner.message and expected[db.is_sqlite] in text
            for raw in ("sqlite", "psycopg", "sqlalche.me", "Background", "SQL:", "port"):
                assert raw not in text, raw
            assert any(r.name == "deskui.database" for r in caplog.records)  # raw text: log
            bring_back()
            await _until(pilot, app, lambda: not banner.display)
            assert banner.message == ""


async def test_a_form_open_while_the_server_is_away_keeps_its_typing_and_its_banner_clears(
    database: Database, clock: FixedClock
) -> None:
    """Issue 16: the intake is open, the server goes, a lookup fails on the form (its own
    banner); the server comes back and that banner goes by itself with the typing kept."""
    from textual.widgets import Input

    with desk_database(database) as (db, take_away, bring_back):
        app = make_app(make_settings(db), clock, db)
        async with app.run_test(size=SIZE) as pilot:
            await at_desk(pilot)
            await pilot.press("f2")
            for _ in range(10):
                await pilot.pause(0.05)
            banner = app.screen.query_one("#intake-trouble", Banner)
            take_away()
            await _until(pilot, app, lambda: app._database_down)
            banner.message = "连不上数据库服务器：表单内容保留。"  # as a failed lookup says it
            await pilot.press(*"13900001111")
            bring_back()
            await _until(pilot, app, lambda: not banner.display)
            assert app.screen.query_one("#phone", Input).value == "13900001111"
