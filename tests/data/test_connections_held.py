"""A hundred desks on one PostgreSQL with default settings (issue 27): a desk between calls
holds at most two server connections (its pool's one kept connection, and the host's LISTEN
if this desk leads it), counted on the server by the name each desk process gives them. Each
test names its own desk's connections apart (`named`): a LISTEN leader or an engine an
earlier test of the same worker process left is not counted as this one's."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import text

from deskui.app import make_app
from deskui.data.change_listener import ChangeListener
from deskui.data.database import Database
from deskui.data.pool import ReleasingPool
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.team_desk import PASSWORDS, add_team

pytestmark = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@pytest.fixture
def named(database: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The test's database opened again with connections named for this test alone: the
    name each desk process gives them (application_name) plus the test's own mark."""
    name = f"deskui {os.getpid()} {uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("deskui.data.database.application_name", lambda: name)
    own = Database(database.url.render_as_string(hide_password=False))
    try:
        yield own
    finally:
        own.dispose()


def held(database: Database, *, listening: bool = False) -> int:
    """Server connections this test's desk holds now, as pg_stat_activity shows them (only
    those whose last statement was LISTEN, when `listening`)."""
    import psycopg

    from deskui.data.database import application_name  # the test's name (`named`)

    url = database.url
    with psycopg.connect(
        host=url.host or "", port=url.port or 5432, dbname=url.database or "",
        user=url.username or "", password=url.password or "", autocommit=True,
    ) as connection:  # fmt: skip
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            " AND (NOT %s OR query LIKE 'LISTEN%%')",
            (application_name(), listening),
        ).fetchone()
    return int(row[0]) if row else 0


async def test_an_idle_desk_holds_at_most_two_connections(
    named: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = named
    monkeypatch.setattr("deskui.data.pool.RELEASE_AFTER", 0.2)
    add_team(database, clock)
    settings = replace(make_settings(database, agent="王芳"), agent_password=PASSWORDS["王芳"])
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None
        counts = []
        for _ in range(12):  # six ticks: polls, a presence report, their connections back
            await pilot.pause(0.5)
            counts.append(held(database))
        assert max(counts) <= 2, counts
        assert app._listener is not None
        if app._listener.leading:  # the host's LISTEN is this desk's: one of the two
            assert min(counts) >= 1


async def test_the_kept_connection_closes_once_unused(
    named: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = named
    monkeypatch.setattr("deskui.data.pool.RELEASE_AFTER", 0.2)
    assert isinstance(database.engine.pool, ReleasingPool)
    with UnitOfWork(database) as uow, UnitOfWork(database) as second:  # one kept, one closed
        for each in (uow, second):
            each.session.execute(text("SELECT 1"))
        assert held(database) == 2
    assert held(database) == 1
    for _ in range(50):
        await asyncio.sleep(0.1)
        if held(database) == 0:
            break
    assert held(database) == 0
    with UnitOfWork(database) as uow:  # and the next unit of work connects again
        assert uow.session.execute(text("SELECT 1")).scalar() == 1


async def test_the_desks_of_a_host_share_one_listen(named: Database) -> None:
    """Two desks of one host: one LISTENs, the other follows it; both hear a change; when the
    leading one closes, the other leads and still hears."""
    from deskui.data.database import application_name

    database = named
    address = f"\0deskui-test-{os.getpid()}-{id(database)}"
    heard = {"first": 0, "second": 0}
    notes: dict[str, list[str]] = {"first": [], "second": []}

    def hearing(name: str) -> ChangeListener:
        def count(note: str) -> None:
            heard[name] += 1
            notes[name].append(note)

        return ChangeListener(database.url, count, address=address,
                              application_name=application_name())  # fmt: skip

    first, second = hearing("first"), hearing("second")
    first.start()
    await wait_for(lambda: first.live)
    second.start()
    await wait_for(lambda: second.live)
    assert first.leading and not second.leading
    assert held(database, listening=True) == 1  # one LISTEN for both
    before = dict(heard)
    notify(database)
    await wait_for(lambda: all(heard[n] > before[n] for n in heard))
    # the note says whom a call concerns (issue 25): the follower hears it as the leader did
    note = "call:" + ",".join(str(n) for n in range(1, 800))  # a long one
    notify(database, note)
    await wait_for(lambda: all(note in notes[n] for n in notes))
    first.stop()
    first.join(5.0)
    await wait_for(lambda: second.leading and second.live)
    before = dict(heard)
    notify(database)
    await wait_for(lambda: heard["second"] > before["second"])
    second.stop()
    second.join(5.0)
    await wait_for(lambda: held(database, listening=True) == 0)


def notify(database: Database, note: str = "") -> None:
    with UnitOfWork(database) as uow:
        uow.session.execute(text("SELECT pg_notify('deskui_changes', :note)"), {"note": note})
        uow.commit()


async def wait_for(condition: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    assert condition()  # type: ignore[operator]


def test_every_server_connection_asks_for_tcp_keepalives(named: Database) -> None:
    """A network that drops without a reset is noticed within about 25 s: libpq's keepalives
    on the pool's connections and on the LISTEN connection (read back from the live
    connections, as libpq holds them)."""
    import psycopg

    wanted = {"keepalives": "1", "keepalives_idle": "10", "keepalives_count": "3"}
    with named.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        parameters = raw.info.get_parameters()
        assert {k: parameters.get(k) for k in wanted} == wanted
    listener = ChangeListener(named.url, lambda _note: None)
    with psycopg.connect(autocommit=True, **listener._conninfo()) as connection:  # type: ignore[arg-type]
        parameters = connection.info.get_parameters()
        assert {k: parameters.get(k) for k in wanted} == wanted
