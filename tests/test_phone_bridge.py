"""`deskui phone serve` over real HTTP (issue 25): Zammad's CTI push as JSON and as a form,
the reply, each bad post's status with one log line and no traceback, the token never
logged, no start without a token, and the journal while the database is away."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.phone.bridge import BadBody, Bridge, Stored, fields_of, token_digest
from deskui.phone.journal import Journal
from tests.conftest import FIXED_NOW
from tests.phone_lab import ROOT, TOKEN, BridgeProcess

CALLER = "+8613812345678"


def _url(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


def _seed(database: Database) -> tuple[int, int]:
    with UnitOfWork(database) as uow:
        agent = uow.agents.add_agent("王芳", Role.AGENT, FIXED_NOW)
        uow.session.get_one(m.Agent, agent.id).extension = "8001"
        customer = m.Customer(
            name="上海星辰电子有限公司",
            phone_e164=CALLER,
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        )
        uow.session.add(customer)
        uow.session.flush()
        ids = agent.id, customer.id
        uow.commit()
    return ids


@pytest.fixture
def bridge(database: Database, tmp_path: Path) -> Iterator[BridgeProcess]:
    running = BridgeProcess(_url(database), tmp_path).start()
    yield running
    running.stop()


def _event(kind: str, call_id: str, **more: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "event": kind,
        "callId": call_id,
        "from": "13812345678",
        "to": "95000",
        "direction": "in",
        "user": ["8001"],
    }
    fields.update(more)
    return fields


def test_a_call_posted_as_json_and_as_a_form_is_stored_before_the_reply(
    database: Database, bridge: BridgeProcess
) -> None:
    agent, customer = _seed(database)
    assert bridge.post(_event("newCall", "1-3262@127.0.0.1")) == (200, {})
    with UnitOfWork(database) as uow:  # stored before the reply came back
        call = uow.session.scalars(select(m.Call)).one()
        assert (call.state, call.customer_id, call.rings) == ("ringing", customer, [agent])
    answer = _event("answer", "1-3262@127.0.0.1", answeringNumber="8001")
    assert bridge.post(answer, form=True) == (200, {})
    hangup = _event("hangup", "1-3262@127.0.0.1", cause="normalClearing")
    assert bridge.post(hangup, form=True) == (200, {})
    with UnitOfWork(database) as uow:
        call = uow.session.scalars(select(m.Call)).one()
        kinds = list(uow.session.scalars(select(m.CallEvent.kind).order_by(m.CallEvent.id)))
        assert (call.state, call.outcome, call.agent_id) == ("ended", "answered", agent)
    assert kinds == ["newCall", "answer", "hangup"]
    assert not any("Traceback" in line for line in bridge.lines())


def test_a_blocked_number_is_answered_with_reject_busy(
    database: Database, bridge: BridgeProcess
) -> None:
    _seed(database)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"phone.block_list": "13812345678"}, None, FIXED_NOW)
        uow.commit()
    assert bridge.post(_event("newCall", "b1")) == (200, {"action": "reject", "reason": "busy"})


BAD = [
    ("wrong token", {"token": "lab-token-for-tests-7f3b"}, 401),
    ("empty token", {"token": ""}, 401),
    ("not JSON", {"body": b"{not json"}, 400),
    ("JSON list", {"body": b"[1, 2]"}, 400),
    ("not UTF-8", {"body": b"\xff\xfe{}"}, 400),
    ("unknown event", {"fields": {"event": "ring"}}, 422),
    ("unknown direction", {"fields": {"direction": "up"}}, 422),
    ("from is markup", {"fields": {"from": "[b]x[/b]"}}, 422),
    ("from holds ESC", {"fields": {"from": "\x1b]52;c;AAAA\x07"}}, 422),
    ("from holds NUL", {"fields": {"from": "138\x0012345678"}}, 422),
    ("queue holds ESC", {"fields": {"queue": "\x1b[2J"}}, 422),
    ("2 MB", {"body": b'{"from": "' + b"9" * 2_000_000 + b'"}'}, 413),
]


@pytest.mark.parametrize(("name", "bad", "status"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_post_gets_its_status_and_one_log_line(
    database: Database, bridge: BridgeProcess, name: str, bad: dict[str, object], status: int
) -> None:
    before = len(bridge.lines())
    if "body" in bad:
        answer = bridge.post(bad["body"])  # type: ignore[arg-type]
    elif "token" in bad:
        answer = bridge.post(_event("newCall", "t1"), token=str(bad["token"]))
    else:
        answer = bridge.post(_event("newCall", "t1", **bad["fields"]))  # type: ignore[arg-type]
    assert answer[0] == status
    new = bridge.lines()[before:]
    assert len(new) == 1 and new[0].startswith(f"deskui phone: {status} from 127.0.0.1")
    assert "\x1b" not in new[0] and "\x00" not in new[0]
    assert TOKEN not in "\n".join(bridge.lines())
    with UnitOfWork(database) as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Call)) == 0
    assert bridge.process is not None and bridge.process.poll() is None  # still serving


def test_the_bridge_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DESKUI_DATA_DIR": str(tmp_path)}
    env.pop("DESKUI_PHONE_TOKEN", None)
    url = f"sqlite:///{tmp_path / 'd.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "deskui", "--db", url, "phone", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "deskui: phone serve: no token: set DESKUI_PHONE_TOKEN, or store one with "
        "`deskui phone token`"
    ]


def test_form_and_json_bodies_read_as_the_same_fields() -> None:
    form = b"event=newCall&callId=a&from=138&user%5B%5D=8001&user%5B%5D=8002"
    assert fields_of("application/x-www-form-urlencoded", form) == {
        "event": "newCall",
        "callId": "a",
        "from": "138",
        "user": ["8001", "8002"],
    }
    assert fields_of("application/json", b'{"user": ["8001"]}') == {"user": ["8001"]}
    for bad in (b"", b"a=1&&&b", b"=" * 10):
        with pytest.raises(BadBody):
            fields_of("application/x-www-form-urlencoded", bad)
    with pytest.raises(BadBody):
        fields_of("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 200))


def test_events_wait_in_a_private_journal_while_the_database_is_away_and_land_in_order(
    tmp_path: Path,
) -> None:
    """A SQLite file whose folder is moved away stands for a database that is away: the
    bridge's storing side journals, then replays in order once the folder is back."""
    home = tmp_path / "db"
    home.mkdir()
    database = Database(f"sqlite:///{home / 'd.db'}")
    database.upgrade()
    _seed(database)
    clock = FixedClock(FIXED_NOW)
    journal = Journal(tmp_path / "j" / "journal.jsonl")
    bridge = Bridge(str(database.url), clock, journal, token_digest(TOKEN), database)
    assert not bridge.store(_event("newCall", "j1"), FIXED_NOW).journaled
    database.dispose()
    home.rename(tmp_path / "away")
    answer = _event("answer", "j1", answeringNumber="8001")
    first = bridge.store(answer, FIXED_NOW + timedelta(seconds=3))
    hangup = _event("hangup", "j1", cause="normalClearing")
    second = bridge.store(hangup, FIXED_NOW + timedelta(seconds=9))
    assert first.journaled and second.journaled and len(journal) == 2
    assert bridge.replay() == 0 and len(journal) == 2  # still away: kept, in order
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    (tmp_path / "away").rename(home)
    assert bridge.replay() == 2 and len(journal) == 0 and not journal.path.exists()
    with UnitOfWork(database) as uow:
        call = uow.session.scalars(select(m.Call)).one()
        assert (call.state, call.outcome) == ("ended", "answered")
        assert call.answered_at == FIXED_NOW + timedelta(seconds=3)  # the time it came, kept
        assert call.ended_at == FIXED_NOW + timedelta(seconds=9)


def test_a_journal_survives_a_restart_and_a_torn_last_line(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append(FIXED_NOW, _event("newCall", "r1"))
    journal.append(FIXED_NOW, _event("hangup", "r1", cause="cancel"))
    with journal.path.open("ab") as stream:
        stream.write(b'{"received_at": "2026-11-23T01:')  # killed mid-write
    again = Journal(journal.path)
    again.append(FIXED_NOW, _event("newCall", "r2"))
    assert [j.fields["callId"] for j in again.pending()] == ["r1", "r1", "r2"]
    again.drop_first(1)
    assert [j.fields["event"] for j in Journal(journal.path).pending()] == ["hangup", "newCall"]


def test_a_journaled_event_that_fails_for_another_reason_does_not_hold_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'd.db'}")
    database.upgrade()
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append(FIXED_NOW, _event("newCall", "p1"))
    journal.append(FIXED_NOW, _event("newCall", "p2"))
    bridge = Bridge(
        str(database.url), FixedClock(FIXED_NOW), journal, token_digest(TOKEN), database
    )
    real = bridge._record

    def failing(fields: dict[str, object], received_at: datetime) -> bool:
        if fields["callId"] == "p1":
            raise RuntimeError("a fault of ours")
        return real(fields, received_at)

    monkeypatch.setattr(bridge, "_record", failing)
    assert bridge.replay() == 2 and len(journal) == 0
    with UnitOfWork(database) as uow:
        assert list(uow.session.scalars(select(m.Call.call_id))) == ["p2"]
    database.dispose()


def _bridge(database: Database, tmp_path: Path) -> Bridge:
    journal = Journal(tmp_path / "batch" / "journal.jsonl")
    return Bridge(_url(database), FixedClock(FIXED_NOW), journal, token_digest(TOKEN), database)


def test_events_that_came_together_are_stored_in_order_in_one_transaction(
    database: Database, tmp_path: Path
) -> None:
    from sqlalchemy import event

    agent, _customer = _seed(database)
    bridge = _bridge(database, tmp_path)
    commits: list[int] = []

    def committed(_conn: object) -> None:
        commits.append(1)

    event.listen(database.engine, "commit", committed)
    try:
        at = [FIXED_NOW + timedelta(seconds=s) for s in (0, 4, 30, 31)]
        results = bridge.store_batch(
            [
                (_event("newCall", "k1"), at[0]),
                (_event("answer", "k1", answeringNumber="8001"), at[1]),
                (_event("hangup", "k1", cause="normalClearing"), at[2]),
                (_event("newCall", "k2"), at[3]),
            ]
        )
    finally:
        event.remove(database.engine, "commit", committed)
    assert results == [Stored(), Stored(), Stored(), Stored()]
    assert len(commits) == 1  # one commit for the four: each reply waits for it
    with UnitOfWork(database) as uow:
        first = uow.session.scalars(select(m.Call).where(m.Call.call_id == "k1")).one()
        kinds = list(
            uow.session.scalars(
                select(m.CallEvent.kind)
                .where(m.CallEvent.call_id == first.id)
                .order_by(m.CallEvent.id)
            )
        )
        assert kinds == ["newCall", "answer", "hangup"]
        assert (first.state, first.outcome, first.agent_id) == ("ended", "answered", agent)
        assert first.ended_at == at[2]


def test_a_fault_of_ours_in_a_batch_fails_only_its_own_event(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskui.services import calls

    _seed(database)
    bridge = _bridge(database, tmp_path)
    real = calls._record

    def failing(uow: UnitOfWork, posted: calls._Posted, *rest: Any) -> object:
        if posted.command.fields["callId"] == "f2":
            raise RuntimeError("a fault of ours")
        return real(uow, posted, *rest)

    monkeypatch.setattr(calls, "_record", failing)
    results = bridge.store_batch(
        [(_event("newCall", call_id), FIXED_NOW) for call_id in ("f1", "f2", "f3")]
    )
    assert results[0] == Stored() and results[2] == Stored()
    assert isinstance(results[1], RuntimeError)
    with UnitOfWork(database) as uow:
        stored = set(uow.session.scalars(select(m.Call.call_id)))
    assert stored == {"f1", "f3"}
    assert len(bridge._journal) == 0  # a fault of ours is no database away: nothing journaled


def test_the_sites_rules_agents_and_calendar_are_kept_between_batches_for_a_while(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    _seed(database)
    bridge = _bridge(database, tmp_path)
    assert bridge.store_batch([(_event("newCall", "r1"), FIXED_NOW)]) == [Stored()]
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        bridge.store_batch([(_event("hangup", "r1", cause="cancel"), FIXED_NOW)])
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert statements and not any("site_setting" in s or "FROM agent" in s for s in statements)
    assert any("INSERT INTO callback" in s for s in statements)  # a missed call's callback:
    assert not any("calendar_day" in s for s in statements)  # due by the kept calendar
    with UnitOfWork(database) as uow:  # a number blocked now: refused once they are read again
        uow.settings.save_settings({"phone.block_list": "13812345678"}, None, FIXED_NOW)
        uow.commit()
    monkeypatch.setattr("deskui.phone.bridge.KEEP_SECONDS", 0.0)
    assert bridge.store_batch([(_event("newCall", "r2"), FIXED_NOW)]) == [Stored(reject=True)]
