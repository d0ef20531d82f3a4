"""The bridge against a real phone system (issue 25): SIPp places real SIP calls from a
caller's number, Kamailio routes them to the agent's baresip and posts Zammad-shaped events
to `deskui phone serve`; everything on free loopback ports per test. Debian's sip-tester,
kamailio, kamailio-utils-modules and baresip-core are needed: missing, these tests skip,
unless DESKUI_REQUIRE_PHONE=1 (.ci/run installs them and sets it), when they fail."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from tests.conftest import FIXED_NOW
from tests.phone_lab import BridgeProcess, PhoneSystem, PostgresCluster, require_programs

ANSWERING = "13812345678"  # callers.csv of the recipe
MISSING = "13800138000"  # uac_cancel.xml's caller


@pytest.fixture(autouse=True)
def _programs() -> None:
    require_programs()


def _seed(database: Database) -> int:
    """王芳 answers at 8001; both callers are customers (the second has no agent)."""
    with UnitOfWork(database) as uow:
        agent = uow.agents.add_agent("王芳", Role.AGENT, FIXED_NOW)
        uow.session.get_one(m.Agent, agent.id).extension = "8001"
        for name, number in (
            ("上海星辰电子有限公司", ANSWERING),
            ("北京华强传媒有限公司", MISSING),
        ):
            uow.session.add(
                m.Customer(
                    name=name, phone_e164=f"+86{number}", created_at=FIXED_NOW, updated_at=FIXED_NOW
                )
            )
        uow.commit()
        return agent.id


def _calls(database: Database) -> list[m.Call]:
    with UnitOfWork(database) as uow:
        rows = list(uow.session.scalars(select(m.Call).order_by(m.Call.id)))
        for row in rows:
            uow.session.expunge(row)
    return rows


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def _state(database: Database, state: str, count: int = 1) -> Callable[[], bool]:
    return lambda: sum(c.state == state for c in _calls(database)) >= count


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'calls.db'}")
    database.upgrade()
    yield database
    database.dispose()


def _lab(database: Database, folder: Path, *, answering: bool) -> tuple[BridgeProcess, PhoneSystem]:
    bridge = BridgeProcess(database.url.render_as_string(hide_password=False), folder)
    phones = PhoneSystem(folder, bridge.cti_url)
    try:
        bridge.start()
        phones.start(answering=answering)
    except BaseException:
        phones.stop()
        bridge.stop()
        raise
    return bridge, phones


def test_an_answered_call_is_stored_answered_at_the_agents_extension(
    sqlite_db: Database, tmp_path: Path
) -> None:
    agent = _seed(sqlite_db)
    bridge, phones = _lab(sqlite_db, tmp_path, answering=True)
    try:
        sipp = phones.call("uac_answer.xml", ANSWERING)
        assert sipp.wait(timeout=120) == 0
        _until(_state(sqlite_db, "ended"), 30, "the call's hangup")
    finally:
        phones.stop()
        bridge.stop()
    (call,) = _calls(sqlite_db)
    assert (call.state, call.outcome, call.cause) == ("ended", "answered", "normal_clearing")
    assert (call.answering_extension, call.agent_id) == ("8001", agent)
    assert call.party_number == f"+86{ANSWERING}" and call.customer_id is not None
    assert phones.phone is not None and "CALL_ESTABLISHED" in phones.phone.types()
    ids = [e.get("id") for e in phones.phone.events if e.get("type") == "CALL_ESTABLISHED"]
    assert ids == [call.call_id]  # the softphone's call is the bridge's call (SIP Call-ID)


def test_a_missed_call_becomes_a_callback_and_a_second_counts_two(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _seed(sqlite_db)
    bridge, phones = _lab(sqlite_db, tmp_path, answering=False)
    try:
        assert phones.call("uac_cancel.xml").wait(timeout=120) == 0
        _until(_state(sqlite_db, "ended"), 30, "the first missed call")
        with UnitOfWork(sqlite_db) as uow:
            callbacks = list(uow.session.scalars(select(m.Callback)))
            assert [(c.purpose, c.status) for c in callbacks] == [("missed_call", "pending")]
        assert phones.call("uac_cancel.xml").wait(timeout=120) == 0
        _until(_state(sqlite_db, "ended", 2), 30, "the second missed call")
    finally:
        phones.stop()
        bridge.stop()
    first, second = _calls(sqlite_db)
    assert (first.outcome, first.cause, second.outcome) == ("missed", "cancel", "missed")
    with UnitOfWork(sqlite_db) as uow:
        (callback_id,) = uow.session.scalars(select(m.Callback.id))
        assert uow.calls.missed_count(callback_id) == 2
    assert first.callback_id == second.callback_id == callback_id


def test_the_bridge_restarted_between_newcall_and_hangup_loses_nothing(
    sqlite_db: Database, tmp_path: Path
) -> None:
    agent = _seed(sqlite_db)
    bridge, phones = _lab(sqlite_db, tmp_path, answering=True)
    try:
        sipp = phones.call("uac_answer_wait.xml", ANSWERING)
        _until(_state(sqlite_db, "answered"), 60, "the answer")
        bridge.stop()
        bridge.start()  # the same port: Kamailio's URL still reaches it
        assert phones.phone is not None
        phones.phone.hangup()
        assert sipp.wait(timeout=120) == 0
        _until(_state(sqlite_db, "ended"), 60, "the hangup after the restart")
    finally:
        phones.stop()
        bridge.stop()
    (call,) = _calls(sqlite_db)
    assert (call.outcome, call.agent_id) == ("answered", agent)
    with UnitOfWork(sqlite_db) as uow:
        events = uow.session.execute(
            select(m.CallEvent.kind, m.CallEvent.effect).order_by(m.CallEvent.id)
        ).all()
    # an INVITE retransmitted while Kamailio posted its newCall is posted again: a duplicate
    assert [k for k, effect in events if effect != "duplicate"] == ["newCall", "answer", "hangup"]


def test_a_database_stopped_mid_call_finds_the_call_complete_afterwards(tmp_path: Path) -> None:
    """PostgreSQL stopped while the call is talked: the hangup waits in the bridge's journal
    and lands when the cluster is back (a cluster of this test's own, on a free port)."""
    if PostgresCluster.binary("initdb") is None or PostgresCluster.binary("pg_ctl") is None:
        require_programs(("initdb", "pg_ctl"))
    cluster = PostgresCluster().init()
    database = Database(cluster.url)
    try:
        database.upgrade()
        agent = _seed(database)
        bridge, phones = _lab(database, tmp_path, answering=True)
        try:
            sipp = phones.call("uac_answer_wait.xml", ANSWERING)
            _until(_state(database, "answered"), 60, "the answer")
            database.dispose()
            cluster.stop()
            assert phones.phone is not None
            phones.phone.hangup()
            assert sipp.wait(timeout=120) == 0
            _until(lambda: bridge.journal.exists(), 30, "the hangup journaled")
            cluster.start()
            _until(_state(database, "ended"), 60, "the journal replayed")
        finally:
            phones.stop()
            bridge.stop()
        (call,) = _calls(database)
        assert (call.outcome, call.agent_id, call.cause) == ("answered", agent, "normal_clearing")
        assert not bridge.journal.exists()
        assert any("database away" in line for line in bridge.lines())
        assert not any("Traceback" in line for line in bridge.lines())
    finally:
        database.dispose()
        cluster.destroy()
