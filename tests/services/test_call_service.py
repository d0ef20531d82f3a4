"""The phone system's call events through the service (issue 25), on SQLite and PostgreSQL:
answered and missed calls, duplicates and events out of order, missed calls becoming one
callback with a count, a later call closing it, the sweep, agents' states, hostile posts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from deskui.data import models as m
from deskui.data.call_store import CallFilter
from deskui.data.callback_store import CallbackScope
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.refusal import Invalid
from deskui.services import callbacks as callbacks_service
from deskui.services import calls
from deskui.services.accounts import SetExtension, set_extension
from deskui.services.actor import Actor, Denied
from deskui.services.callbacks import CallbackPage, OpenCallback
from deskui.services.calls import (
    PHONE_ACTOR,
    CallsQuery,
    RecordCallEvent,
    SetAgentState,
    SweepCalls,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

CALLER = "+862155550101"  # the desk's first customer
EXT = "8001"


def _extension(database: Database, desk: Desk, name: str = "王芳", ext: str = EXT) -> None:
    manager = Actor(desk.manager, "刘洋", "manager")
    with UnitOfWork(database) as uow:
        set_extension(uow, manager, SetExtension(name, ext), FIXED_NOW)


def _post(
    database: Database, fields: dict[str, object], seconds: float = 0
) -> calls.CallEventRecorded:
    with UnitOfWork(database) as uow:
        return calls.record_call_event(
            uow, PHONE_ACTOR, RecordCallEvent(fields), FIXED_NOW + timedelta(seconds=seconds)
        )


def _event(kind: str, call_id: str, **more: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "event": kind,
        "callId": call_id,
        "from": "02155550101",
        "to": "95000",
        "direction": "in",
        "user": [EXT],
    }
    fields.update(more)
    return fields


def _call(database: Database, call_id: str) -> m.Call:
    with UnitOfWork(database) as uow:
        call = uow.session.scalars(select(m.Call).where(m.Call.call_id == call_id)).one()
        uow.session.expunge(call)
        return call


def _callbacks(database: Database) -> list[m.Callback]:
    with UnitOfWork(database) as uow:
        rows = list(uow.session.scalars(select(m.Callback).order_by(m.Callback.id)))
        for row in rows:
            uow.session.expunge(row)
        return rows


def test_an_answered_call_is_stored_at_the_agents_extension(database: Database, desk: Desk) -> None:
    _extension(database, desk)
    _post(database, _event("newCall", "c1"))
    _post(database, _event("answer", "c1", answeringNumber=EXT), 4)
    done = _post(database, _event("hangup", "c1", cause="normalClearing"), 64)
    call = _call(database, "c1")
    assert (call.state, call.outcome, call.cause) == ("ended", "answered", "normal_clearing")
    assert call.agent_id == desk.agent and call.answering_extension == EXT
    assert call.customer_id == desk.customer and call.party_number == CALLER
    assert call.answered_at == call.started_at + timedelta(seconds=4)
    assert done.reject is False
    with UnitOfWork(database) as uow:
        kinds = list(uow.session.scalars(select(m.CallEvent.kind).order_by(m.CallEvent.id)))
        feed = uow.changes.changes_since(0)
    assert kinds == ["newCall", "answer", "hangup"]
    assert ("call_agent", desk.agent) in [(e, i) for _, e, i in feed]
    assert ("call", call.id) in [(e, i) for _, e, i in feed]
    assert _callbacks(database) == []
    wang = Actor(desk.agent, "王芳", "agent")
    with UnitOfWork(database) as uow:
        state = calls.my_state(uow, wang, None, FIXED_NOW + timedelta(seconds=70))
    assert state.state == "wrap_up"
    with UnitOfWork(database) as uow:
        later = calls.my_state(uow, wang, None, FIXED_NOW + timedelta(seconds=95))
    assert later.state == "ready"  # wrap-up: 30 s by default


def test_a_ringing_call_concerns_its_agent_and_pops_when_answered(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _post(database, _event("newCall", "c2"))
    wang = Actor(desk.agent, "王芳", "agent")
    li = Actor(desk.colleague, "李娜", "agent")
    with UnitOfWork(database) as uow:
        mine = calls.my_calls_now(uow, wang, None, FIXED_NOW)
        theirs = calls.my_calls_now(uow, li, None, FIXED_NOW)
    assert [(c.call_id, c.state, c.customer_name) for c in mine] == [
        ("c2", "ringing", "上海星辰电子有限公司")
    ]
    assert theirs == []
    _post(database, _event("answer", "c2", answeringNumber=EXT), 3)
    with UnitOfWork(database) as uow:
        (answered,) = calls.my_calls_now(uow, wang, None, FIXED_NOW)
        state = calls.my_state(uow, wang, None, FIXED_NOW + timedelta(seconds=5))
    assert answered.state == "answered" and answered.agent_id == desk.agent
    assert state.state == "on_call"


def test_duplicates_and_events_out_of_order_are_harmless(database: Database, desk: Desk) -> None:
    _extension(database, desk)
    _post(database, _event("hangup", "c3", cause="cancel"), 10)  # its newCall arrives late
    late = _post(database, _event("newCall", "c3"), 11)
    again = _post(database, _event("hangup", "c3", cause="cancel"), 12)
    answer = _post(database, _event("answer", "c3", answeringNumber=EXT), 13)
    call = _call(database, "c3")
    assert call.state == "ended" and call.outcome == "missed" and call.answered_at is None
    assert (again.effect, answer.effect) == ("duplicate", "history")
    assert late.effect in ("duplicate", "updated")
    with UnitOfWork(database) as uow:
        effects = list(uow.session.scalars(select(m.CallEvent.effect).order_by(m.CallEvent.id)))
        count = uow.session.scalar(select(func.count()).select_from(m.Call))
    assert effects[0] == "created" and effects[-1] == "history" and len(effects) == 4
    assert count == 1
    assert len(_callbacks(database)) == 1  # one missed call, one callback, however often said


def test_a_missed_call_becomes_a_callback_within_two_working_hours(
    database: Database, desk: Desk
) -> None:
    _post(database, _event("newCall", "c4"))
    _post(database, _event("hangup", "c4", cause="noAnswer"), 20)
    (callback,) = _callbacks(database)
    assert callback.purpose == "missed_call" and callback.customer_id == desk.customer
    # Monday 09:00:20 local, within working hours: due two working hours later
    assert callback.due_at == FIXED_NOW + timedelta(seconds=20, hours=2)
    assert callback.shared  # the customer has no agent of their own: the shared queue
    call = _call(database, "c4")
    assert call.callback_id == callback.id and call.outcome == "missed"
    with UnitOfWork(database) as uow:
        deadline = uow.session.execute(
            select(m.Deadline.kind, m.Deadline.due_at).where(
                m.Deadline.subject_type == "callback", m.Deadline.subject_id == callback.id
            )
        ).one()
    assert tuple(deadline) == ("callback", callback.due_at)


def test_a_missed_call_reads_its_customers_agent_and_team_alone_not_their_rows(
    database: Database, desk: Desk
) -> None:
    """The bridge turns a missed call into a callback at the PBX's pace (issue 25: 500
    events/s): the customer's agent and that agent's team are two columns, not a customer
    and an agent loaded whole as objects (a fifth of the bridge's time went to missed calls)."""
    with UnitOfWork(database) as uow:
        uow.session.execute(
            update(m.Customer)
            .where(m.Customer.id == desk.customer)
            .values(assigned_agent_id=desk.agent)
        )
        uow.commit()
    _post(database, _event("newCall", "c4b"))
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        _post(database, _event("hangup", "c4b", cause="noAnswer"), 20)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    (callback,) = _callbacks(database)
    assert callback.agent_id == desk.agent and not callback.shared
    with UnitOfWork(database) as uow:
        team = uow.session.scalar(
            select(m.Deadline.team).where(
                m.Deadline.subject_type == "callback", m.Deadline.subject_id == callback.id
            )
        )
    assert team == "north"  # 王芳's team, as read
    loads = [s.split(" FROM ")[0] for s in statements if s.startswith("SELECT")]
    whole = [s for s in loads if "customer.name" in s or ("agent.team" in s and "agent.name" in s)]
    assert whole == [], statements


def test_two_missed_calls_from_one_number_make_one_callback_with_count_two(
    database: Database, desk: Desk
) -> None:
    for n, call_id in enumerate(("c5", "c6")):
        _post(database, _event("newCall", call_id), n * 60)
        _post(database, _event("hangup", call_id, cause="cancel"), n * 60 + 5)
    (callback,) = _callbacks(database)
    wang = Actor(desk.agent, "王芳", "agent")
    with UnitOfWork(database) as uow:
        assert calls.missed_count(uow, wang, callback.id, FIXED_NOW) == 2
        actions = list(
            uow.session.scalars(
                select(m.CallbackEvent.action).where(m.CallbackEvent.callback_id == callback.id)
            )
        )
    assert "missed_again" in actions


def test_an_answered_call_from_the_number_closes_its_missed_callback(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _post(database, _event("newCall", "c7"))
    _post(database, _event("hangup", "c7", cause="cancel"), 5)
    _post(database, _event("newCall", "c8"), 600)
    _post(database, _event("answer", "c8", answeringNumber=EXT), 603)
    (callback,) = _callbacks(database)
    assert callback.status == "done" and callback.done_by_id == desk.agent
    assert _call(database, "c7").outcome == "called_back"
    with UnitOfWork(database) as uow:
        open_deadlines = uow.session.scalar(
            select(func.count()).where(
                m.Deadline.subject_id == callback.id, m.Deadline.met_at.is_(None)
            )
        )
        rows = calls.calls(
            uow,
            Actor(desk.lead, "张伟", "lead"),
            CallsQuery(CallFilter(not_called_back=True)),
            FIXED_NOW,
        )
    assert open_deadlines == 0 and rows == []


def test_an_agents_call_back_closes_the_missed_callback(database: Database, desk: Desk) -> None:
    _extension(database, desk)
    _post(database, _event("newCall", "c9"))
    _post(database, _event("hangup", "c9", cause="noAnswer"), 30)
    out = {"direction": "out", "from": EXT, "to": "02155550101", "user": [EXT]}
    _post(database, _event("newCall", "o1", **out), 900)
    _post(database, _event("answer", "o1", answeringNumber=EXT, **out), 910)
    (callback,) = _callbacks(database)
    assert callback.status == "done"
    assert _call(database, "c9").outcome == "called_back"
    assert _call(database, "o1").party_number == CALLER


def test_the_sweep_closes_a_call_left_ringing_as_missed(database: Database, desk: Desk) -> None:
    _post(database, _event("newCall", "c10"))
    with UnitOfWork(database) as uow:
        assert (
            calls.sweep_calls(uow, PHONE_ACTOR, SweepCalls(), FIXED_NOW + timedelta(minutes=5)) == 0
        )
    with UnitOfWork(database) as uow:
        closed = calls.sweep_calls(
            uow, PHONE_ACTOR, SweepCalls(), FIXED_NOW + timedelta(minutes=11)
        )
    assert closed == 1
    call = _call(database, "c10")
    assert (call.state, call.outcome, call.cause) == ("ended", "missed", "swept")
    assert call.ended_at == FIXED_NOW + timedelta(minutes=10)
    assert len(_callbacks(database)) == 1


def test_closing_a_call_writes_what_it_changed_not_the_row_it_read(
    database: Database, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction's change to a column the sweep never touches (made between the
    sweep's read of the call and its write) stays: only what the call's transition changed
    is written, as the ORM's unit of work wrote it (a whole row read earlier would undo it,
    such as a number erased on request while the call was ringing)."""
    from deskui.data.call_store import CALL, CallStore

    _post(database, _event("newCall", "c11", queue="sales"))
    read = CallStore.open_calls

    def read_then_changed_elsewhere(store: CallStore, states: object) -> object:
        found = read(store, states)  # type: ignore[arg-type]
        with database.engine.begin() as other:  # another desk's transaction, committed
            other.execute(update(CALL).where(CALL.c.call_id == "c11").values(queue="support"))
        return found

    monkeypatch.setattr(CallStore, "open_calls", read_then_changed_elsewhere)
    with UnitOfWork(database) as uow:
        calls.sweep_calls(uow, PHONE_ACTOR, SweepCalls(), FIXED_NOW + timedelta(minutes=11))
    call = _call(database, "c11")
    assert (call.state, call.queue) == ("ended", "support")


def test_a_blocked_number_is_rejected_and_never_called_back(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        uow.settings.save_settings(
            {"phone.block_list": "021-5555 0101, 13800138000"}, desk.lead, FIXED_NOW
        )
        uow.commit()
    first = _post(database, _event("newCall", "c11"))
    _post(database, _event("hangup", "c11", cause="cancel"), 3)
    assert first.reject is True
    assert _call(database, "c11").outcome == "blocked"
    assert _callbacks(database) == []


def test_only_the_phone_system_posts_events(database: Database, desk: Desk) -> None:
    for role in ("agent", "lead", "manager"):
        with UnitOfWork(database) as uow, pytest.raises(Denied):
            calls.record_call_event(
                uow,
                Actor(desk.manager, "刘洋", role),
                RecordCallEvent(_event("newCall", "x")),
                FIXED_NOW,
            )
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        calls.calls(uow, PHONE_ACTOR, CallsQuery(), FIXED_NOW)  # and reads nothing


HOSTILE = [
    ({"event": "ring"}, "event"),
    ({"direction": "sideways"}, "direction"),
    ({"callId": ""}, "callId"),
    ({"callId": "x\x00y"}, "callId"),
    ({"callId": "x" * 201}, "callId"),
    ({"from": "[b]boss[/b]"}, "from"),
    ({"from": "\x1b]52;c;AAAA\x07"}, "from"),
    ({"from": "1380013800\x00"}, "from"),
    ({"from": "12"}, "from"),
    ({"from": "9" * 2_000_000}, "from"),
    ({"to": "<script>"}, "to"),
    ({"queue": "\x1b[2J"}, "queue"),
    ({"queue": "q" * 41}, "queue"),
    ({"user": ["80\x0001"]}, "user"),
    ({"user": {"a": 1}}, "user"),
    ({"answeringNumber": "\u202e8001"}, "answeringNumber"),
    ({"cause": "\x1b[31m"}, "cause"),
]


@pytest.mark.parametrize(("bad", "field"), HOSTILE)
def test_a_hostile_post_is_refused_and_nothing_is_written(
    database: Database, desk: Desk, bad: dict[str, object], field: str
) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        calls.record_call_event(
            uow, PHONE_ACTOR, RecordCallEvent(_event("newCall", "h1") | bad), FIXED_NOW
        )
    assert field in {p.field for p in refused.value.problems}
    with UnitOfWork(database) as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Call)) == 0


def test_markup_in_a_queue_name_is_kept_as_text(database: Database, desk: Desk) -> None:
    _post(database, _event("newCall", "c12", queue="[red]vip[/red]", user=[]))
    call = _call(database, "c12")
    assert call.queue == "[red]vip[/red]"
    with UnitOfWork(database) as uow:
        feed = [(e, i) for _, e, i in uow.changes.changes_since(0)]
    assert ("call_queue", call.id) in feed  # no agent named: the queue's desks hear of it


def test_anonymous_callers_are_stored_and_not_called_back(database: Database, desk: Desk) -> None:
    _post(database, _event("newCall", "c13", **{"from": "anonymous"}))
    _post(database, _event("hangup", "c13", cause="cancel", **{"from": "anonymous"}), 3)
    assert _call(database, "c13").outcome == "missed"
    assert _callbacks(database) == []  # nothing to dial: no callback nobody could make
    lead = Actor(desk.lead, "张伟", "lead")
    with UnitOfWork(database) as uow:
        waiting = calls.calls(uow, lead, CallsQuery(CallFilter(not_called_back=True)), FIXED_NOW)
        missed = calls.calls(uow, lead, CallsQuery(CallFilter(missed_only=True)), FIXED_NOW)
    assert waiting == []  # never "not called back yet": it cannot be
    assert [r.party_number for r in missed] == ["anonymous"]


UNKNOWN = "13900001111"  # no customer or contact has it


def test_a_missed_call_from_an_unknown_number_is_a_shared_callback_with_the_number(
    database: Database, desk: Desk
) -> None:
    for n, call_id in enumerate(("u1", "u2")):
        _post(database, _event("newCall", call_id, **{"from": UNKNOWN}), n * 60)
        _post(
            database, _event("hangup", call_id, cause="noAnswer", **{"from": UNKNOWN}), n * 60 + 20
        )
    (callback,) = _callbacks(database)  # the second missed call is counted into the first's
    assert (callback.purpose, callback.customer_id, callback.number) == (
        "missed_call",
        None,
        "+8613900001111",
    )
    assert callback.shared and callback.agent_id is None
    assert callback.due_at == FIXED_NOW + timedelta(seconds=20, hours=2)
    assert _call(database, "u2").callback_id == callback.id
    wang = Actor(desk.agent, "王芳", "agent")
    with UnitOfWork(database) as uow:
        assert calls.missed_count(uow, wang, callback.id, FIXED_NOW) == 2
        (row,) = callbacks_service.callback_page(
            uow, wang, CallbackPage(CallbackScope(shared=True), 0, 10), FIXED_NOW
        )
        detail = callbacks_service.open_callback(
            uow, wang, OpenCallback(callback.id, mark_opened=False), FIXED_NOW
        )
        covered = uow.callbacks.uncovered_count(FIXED_NOW, FIXED_NOW + timedelta(days=7))
        customers = uow.session.scalar(select(func.count()).select_from(m.Customer))
    # the queue and the call screen name it by its number, written as the desk writes one
    assert (row.customer_id, row.customer_name) == (None, "139 0000 1111")
    assert (detail.customer_id, detail.customer_name) == (None, "139 0000 1111")
    assert covered == customers  # a callback with no customer covers no customer


def test_a_masked_role_sees_an_unknown_callers_callback_masked(
    database: Database, desk: Desk
) -> None:
    _post(database, _event("newCall", "u3", **{"from": UNKNOWN}))
    _post(database, _event("hangup", "u3", cause="cancel", **{"from": UNKNOWN}), 30)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        (row,) = callbacks_service.callback_page(
            uow,
            Actor(desk.agent, "王芳", "agent"),
            CallbackPage(CallbackScope(shared=True), 0, 10),
            FIXED_NOW,
        )
    assert row.customer_name == "139****1111"


def test_an_answered_call_from_an_unknown_number_closes_its_callback(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _post(database, _event("newCall", "u4", **{"from": UNKNOWN}))
    _post(database, _event("hangup", "u4", cause="cancel", **{"from": UNKNOWN}), 30)
    _post(database, _event("newCall", "u5", **{"from": UNKNOWN}), 600)
    _post(database, _event("answer", "u5", answeringNumber=EXT, **{"from": UNKNOWN}), 604)
    (callback,) = _callbacks(database)
    assert callback.status == "done" and callback.done_by_id == desk.agent
    assert _call(database, "u4").outcome == "called_back"


def test_agents_set_themselves_not_ready_with_a_reason(database: Database, desk: Desk) -> None:
    wang = Actor(desk.agent, "王芳", "agent")
    with UnitOfWork(database) as uow, pytest.raises(Invalid):
        calls.set_agent_state(uow, wang, SetAgentState("not_ready", "nap"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        calls.set_agent_state(uow, wang, SetAgentState("not_ready", "break"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        (state,) = calls.agent_states(uow, Actor(desk.lead, "张伟", "lead"), None, FIXED_NOW)
        with pytest.raises(Denied):
            calls.agent_states(uow, wang, None, FIXED_NOW)
    assert (state.agent_name, state.state, state.reason) == ("王芳", "not_ready", "break")


def test_numbers_are_masked_for_a_role_the_site_masks(database: Database, desk: Desk) -> None:
    _post(database, _event("newCall", "c14"))
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        (row,) = calls.calls(uow, Actor(desk.agent, "王芳", "agent"), CallsQuery(), FIXED_NOW)
        (lead_row,) = calls.calls(uow, Actor(desk.lead, "张伟", "lead"), CallsQuery(), FIXED_NOW)
    assert "*" in row.from_number and "*" in row.party_number
    assert lead_row.party_number == CALLER


def test_an_extension_is_unique_and_digits_only(database: Database, desk: Desk) -> None:
    from deskui.services.accounts import AccountRefused

    _extension(database, desk)
    manager = Actor(desk.manager, "刘洋", "manager")
    for name, ext in (("李娜", EXT), ("李娜", "80a1"), ("李娜", "\x1b8")):
        with UnitOfWork(database) as uow, pytest.raises(AccountRefused):
            set_extension(uow, manager, SetExtension(name, ext), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.accounts.account("王芳").extension == EXT  # type: ignore[union-attr]
        assert uow.accounts.account("李娜").extension is None  # type: ignore[union-attr]


def _answered(database: Database, call_id: str, seconds: float = 0) -> None:
    _post(database, _event("newCall", call_id), seconds)
    _post(database, _event("answer", call_id, answeringNumber=EXT), seconds + 5)


def _sweep(database: Database, after: timedelta) -> int:
    with UnitOfWork(database) as uow:
        return calls.sweep_calls(uow, PHONE_ACTOR, SweepCalls(), FIXED_NOW + after)


def _state(database: Database, desk: Desk) -> tuple[str, int | None]:
    with UnitOfWork(database) as uow:
        record = uow.calls.agent_state(desk.agent)
        assert record is not None
        return record.state, record.call_id


def test_an_answered_call_whose_hangup_was_lost_ends_after_the_sites_talking_time(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _answered(database, "t1")
    assert _sweep(database, timedelta(minutes=119)) == 0  # default: two hours after the answer
    assert _state(database, desk)[0] == "on_call"
    assert _sweep(database, timedelta(minutes=121)) == 1
    call = _call(database, "t1")
    assert (call.state, call.outcome, call.cause) == ("ended", "answered", "swept")
    assert _state(database, desk)[0] == "wrap_up"
    with UnitOfWork(database) as uow:  # a site with shorter calls says so
        uow.settings.save_settings({"phone.talking_sweep": "30"}, desk.lead, FIXED_NOW)
        uow.commit()
    _answered(database, "t2", 7200)
    assert _sweep(database, timedelta(seconds=7200 + 5, minutes=29)) == 0
    assert _sweep(database, timedelta(seconds=7200 + 5, minutes=30)) == 1


def test_the_agent_saying_ready_ends_the_call_whose_hangup_was_lost(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _answered(database, "t3")
    wang = Actor(desk.agent, "王芳", "agent")
    with UnitOfWork(database) as uow:
        calls.set_agent_state(uow, wang, SetAgentState("ready"), FIXED_NOW + timedelta(minutes=4))
    call = _call(database, "t3")
    assert (call.state, call.outcome, call.cause) == ("ended", "answered", "ended_at_desk")
    assert call.ended_at == FIXED_NOW + timedelta(minutes=4)
    assert _state(database, desk) == ("ready", None)
    with UnitOfWork(database) as uow:
        assert calls.live_calls(uow, wang, None, FIXED_NOW) == []  # the floor: not on a call
        feed = [(e, i) for _, e, i in uow.changes.changes_since(0)]
    assert ("call_agent", desk.agent) in feed  # their desk and the floor hear of it
    # the lost hangup turns up after all: the call's end is corrected, the agent stays ready
    _post(database, _event("hangup", "t3", cause="normalClearing"), 200)
    call = _call(database, "t3")
    assert (call.ended_at, call.cause) == (FIXED_NOW + timedelta(seconds=200), "normal_clearing")
    assert _state(database, desk) == ("ready", None)


def test_answering_another_call_ends_the_one_whose_hangup_was_lost(
    database: Database, desk: Desk
) -> None:
    _extension(database, desk)
    _answered(database, "t4")
    _answered(database, "t5", 300)  # one handset: the first call is over
    first, second = _call(database, "t4"), _call(database, "t5")
    assert (first.state, first.cause) == ("ended", "next_call")
    assert first.ended_at == FIXED_NOW + timedelta(seconds=305)
    assert second.state == "answered"
    assert _state(database, desk) == ("on_call", second.id)


def test_an_unknown_callers_number_is_erased_from_their_callback_on_request(
    database: Database, desk: Desk
) -> None:
    """PIPL (issue 28) over issue 25's unknown-caller callbacks: the number the callback keeps
    for want of a customer is the caller's personal data, erased with the rest on request."""
    from deskui.services import privacy

    _post(database, _event("newCall", "e1", **{"from": UNKNOWN}))
    _post(database, _event("hangup", "e1", cause="noAnswer", **{"from": UNKNOWN}), 20)
    (callback,) = _callbacks(database)
    assert callback.number == "+8613900001111"
    manager = Actor(desk.manager, "刘洋", "manager")
    asked = privacy.PersonQuery(phone="139-0000-1111")
    with UnitOfWork(database) as uow:  # art. 45: the person's export shows what is held
        headers, rows = privacy.show_person(uow, manager, asked, FIXED_NOW).tables["callbacks"]
    assert [dict(zip(headers, row, strict=True))["number"] for row in rows] == ["+8613900001111"]
    request = privacy.ErasePerson(asked, "来电 2026-11-23")
    with UnitOfWork(database) as uow:
        privacy.erase_person(uow, manager, request, FIXED_NOW)
    (callback,) = _callbacks(database)
    assert callback.number == "" and UNKNOWN not in _call(database, "e1").from_number


# -- a batch of events is the events one by one -------------------------------------------


def _scenario(run: str) -> list[tuple[dict[str, object], float]]:
    """One of each rule in one burst: a duplicate newCall and answer, a hangup before its
    newCall, an answer after its hangup, a post the domain refuses, two missed calls from one
    number (one callback, count 2), an answered call from that number (called back), a
    blocked number. `run` makes the call ids and numbers its own."""
    n = {"a": "1390013", "b": "1390014"}[run]
    one, two, three, listed = f"{n}9001", f"{n}9002", f"{n}9003", f"{n}9004"

    def e(kind: str, call: str, number: str, **more: object) -> dict[str, object]:
        return _event(kind, f"{run}-{call}", **{"from": number}, **more)

    return [
        (e("newCall", "k1", one), 0),
        (e("answer", "k1", one, answeringNumber=EXT), 4),
        (e("newCall", "k1", one), 5),  # again: a duplicate
        (e("hangup", "k2", three, cause="cancel"), 6),  # before its newCall
        ({"event": "transfer", "callId": f"{run}-x"}, 6),  # refused alone
        (e("newCall", "k2", three), 7),
        (e("answer", "k1", one, answeringNumber=EXT), 8),  # again
        (e("hangup", "k1", one, cause="normalClearing"), 20),
        (e("answer", "k1", one, answeringNumber=EXT), 21),  # after its hangup: history
        (e("newCall", "k3", two), 22),
        (e("hangup", "k3", two, cause="noAnswer"), 30),  # missed
        (e("newCall", "k6", two), 32),
        (e("hangup", "k6", two, cause="cancel"), 35),  # the number's second missed call
        (e("newCall", "k5", listed), 31),  # on the block list
        (e("newCall", "k4", two), 40),
        (e("answer", "k4", two, answeringNumber=EXT), 41),  # calls the missed ones back
        (e("hangup", "k4", two, cause="normalClearing"), 50),
    ]


def _outcome(database: Database, run: str, since_change: int) -> dict[str, object]:
    """What a run left, without row ids (another run's rows have others)."""
    with UnitOfWork(database) as uow:
        rows = list(
            uow.session.scalars(
                select(m.Call).where(m.Call.call_id.like(f"{run}-%")).order_by(m.Call.id)
            )
        )
        name = {c.id: c.call_id.removeprefix(f"{run}-") for c in rows}
        callbacks = {c.callback_id for c in rows if c.callback_id is not None}
        calls_ = [
            (
                name[c.id],
                c.state,
                c.outcome,
                c.cause,
                c.started_at,
                c.answered_at,
                c.ended_at,
                c.agent_id,
                tuple(c.rings),
                c.blocked,
                c.party_number[-4:],
                None if c.callback_id is None else "callback",
            )
            for c in rows
        ]
        events = [
            (name[e.call_id], e.kind, e.effect)
            for e in uow.session.scalars(
                select(m.CallEvent).where(m.CallEvent.call_id.in_(name)).order_by(m.CallEvent.id)
            )
        ]
        backs = [
            (b.status, b.shared, b.agent_id, b.number[-4:], b.due_at, b.done_at)
            for b in uow.session.scalars(
                select(m.Callback).where(m.Callback.id.in_(callbacks)).order_by(m.Callback.id)
            )
        ]
        actions = sorted(  # with the count a missed call was said to make
            (action, (detail or {}).get("count"))
            for action, detail in uow.session.execute(
                select(m.CallbackEvent.action, m.CallbackEvent.detail).where(
                    m.CallbackEvent.callback_id.in_(callbacks)
                )
            )
        )
        row = uow.session.get_one(m.AgentStateRow, _agent(uow))
        state = (row.state, row.since, name.get(row.call_id or 0))
        feed = sorted(
            (entity, name.get(entity_id, "-") if entity in ("call", "call_queue") else "-")
            for _, entity, entity_id in uow.changes.changes_since(since_change)
        )
    return {
        "calls": calls_,
        "events": events,
        "callbacks": backs,
        "callback events": actions,
        "agent": state,
        "feed": feed,
    }


def _agent(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(m.Agent.id).where(m.Agent.extension == EXT)) or 0)


def _last_change(database: Database) -> int:
    with UnitOfWork(database) as uow:
        return int(uow.session.scalar(select(func.max(m.Change.id))) or 0)


def test_a_batch_leaves_what_its_events_one_by_one_leave(database: Database, desk: Desk) -> None:
    """The bridge stores the events that came together in one transaction, its reads
    gathered: duplicates, events out of order, a refused post, missed calls collapsing into
    one callback and a call back closing it come out as they do one by one."""
    _extension(database, desk)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings(
            {"phone.block_list": "13900149004,13900139004"}, desk.lead, FIXED_NOW
        )
        uow.commit()
    now = FIXED_NOW + timedelta(minutes=5)
    start = _last_change(database)
    one_by_one: list[str] = []
    for fields, seconds in _scenario("a"):
        command = RecordCallEvent(fields, received_at=FIXED_NOW + timedelta(seconds=seconds))
        with UnitOfWork(database) as uow:
            try:
                one_by_one.append(calls.record_call_event(uow, PHONE_ACTOR, command, now).effect)
            except Invalid:
                one_by_one.append("refused")
    alone = _outcome(database, "a", start)
    start = _last_change(database)
    commands = [
        RecordCallEvent(fields, received_at=FIXED_NOW + timedelta(seconds=seconds))
        for fields, seconds in _scenario("b")
    ]
    with UnitOfWork(database) as uow:
        results = calls.record_call_events(uow, PHONE_ACTOR, commands, now)
    together = _outcome(database, "b", start)
    assert [r.effect if not isinstance(r, Invalid) else "refused" for r in results] == one_by_one
    assert one_by_one.count("duplicate") == 3 and one_by_one.count("history") == 1
    assert "refused" in one_by_one
    for part, found in alone.items():
        assert together[part] == found, part
    calls_ = {c[0]: c for c in together["calls"]}  # type: ignore[union-attr]
    assert calls_["k3"][2] == calls_["k6"][2] == "called_back"  # two missed, one callback
    assert calls_["k2"][2] == "missed"
    assert calls_["k5"][9] is True  # blocked
    assert sorted(b[0] for b in together["callbacks"]) == ["done", "pending"]  # type: ignore[union-attr]
    assert ("missed_again", 2) in together["callback events"]  # type: ignore[operator]
