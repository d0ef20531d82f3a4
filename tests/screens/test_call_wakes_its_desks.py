"""A call event wakes only the desks it concerns (issue 25: "the notification says whom a
call concerns, so only the desks it rings or pops query anything"). On PostgreSQL the NOTIFY
carries the note (deskui.data.change_listener.change_note); a desk hearing one that names
neither its agent nor a queue, and showing neither the floor nor the caller log, runs no
statement at all; on SQLite the tick's poll is the notification, and after it a desk the call
does not concern reads nothing more. Statements are counted on the desk's own engine."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from sqlalchemy import event, select, update
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from deskui.app import DeskApp, make_app
from deskui.data import models as m
from deskui.data.change_listener import READ_SPACING, change_note
from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.caller_log import CallerLogScreen
from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.test_call_pop import line_text

CALLER = "13900001111"


def _extensions(db: Database) -> dict[str, int]:
    with UnitOfWork(db) as uow:
        uow.session.execute(update(m.Agent).values(extension=None))
        for name, ext in (("王芳", "8001"), ("李娜", "8002")):
            uow.session.execute(update(m.Agent).where(m.Agent.name == name).values(extension=ext))
        uow.commit()
        rows = uow.session.execute(select(m.Agent.name, m.Agent.id))
        return {name: agent_id for name, agent_id in rows}


def _post(poster: Database, call_id: str, ext: str) -> str:
    """A call ringing `ext`, stored as the bridge stores it; the note its commit sent (the
    NOTIFY's payload on PostgreSQL, read off the statement; what the feed rows say on SQLite)."""
    sent: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "pg_notify" in statement:
            sent.append(parameters["n"])

    with UnitOfWork(poster) as uow:
        since = uow.changes.last_change_id()
    event.listen(poster.engine, "before_cursor_execute", spy)
    try:
        fields = {"event": "newCall", "callId": call_id, "from": CALLER, "to": "95000",
                  "direction": "in", "user[]": [ext]}  # fmt: skip
        with UnitOfWork(poster) as uow:
            record_call_event(uow, PHONE_ACTOR, RecordCallEvent(fields), FIXED_NOW)
    finally:
        event.remove(poster.engine, "before_cursor_execute", spy)
    with UnitOfWork(poster) as uow:
        note = change_note([(e, i) for _, e, i in uow.changes.changes_since(since)])
    if not poster.is_sqlite:
        assert sent == [note]  # one NOTIFY, saying whom
    return note


async def _done(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_call_event_wakes_only_the_desks_it_concerns(
    database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    agents = _extensions(database)
    poster = Database(database.url.render_as_string(hide_password=False))  # the bridge's own
    app = make_app(make_settings(database), clock, database)  # 王芳's desk, extension 8001
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app, DeskApp)
            await at_desk(pilot)
            for timer in list(app._timers):  # the once-a-second tick would read on its own
                timer.pause()
            if app._listener is not None:  # other tests' notifications share the channel:
                app._listener.stop()  # the test hands the desk its notes itself
                app._listener.join(5.0)
            await settle(pilot)
            event.listen(database.engine, "before_cursor_execute", count)

            note = _post(poster, "w-1", "8002")  # rings 李娜 only
            assert note == f"call:{agents['李娜']}"
            app.heard(note)
            await _done(pilot)
            assert statements == []  # not a single statement for a call that is not its own
            app.poll_changes()  # the tick's poll (SQLite's notification): the feed, no more
            await _done(pilot)
            assert len(statements) == 1 and "change" in statements[0]
            assert line_text(app) == ""

            statements.clear()
            note = _post(poster, "w-2", "8001")  # rings 王芳: her desk reads and shows it
            assert note == f"call:{agents['王芳']}"
            app.heard(note)
            await _done(pilot)
            assert len(statements) > 1
            assert "139 0000 1111" in line_text(app)

            await pilot.press("f12")  # the caller log watches every call
            await settle(pilot)
            assert isinstance(app.screen, CallerLogScreen)
            statements.clear()
            app.heard(_post(poster, "w-3", "8002"))
            for _ in range(int(4 * READ_SPACING / 0.05)):  # a read within READ_SPACING of the
                await _done(pilot)  # last one waits out the spacing (a fast F12), never dropped
                if statements:
                    break
                await pilot.pause(0.05)
            assert statements  # it reads the feed and the log again
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
        poster.dispose()
