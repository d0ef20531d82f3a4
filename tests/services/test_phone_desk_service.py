"""What a desk and the lead read of the phone (issue 25; deskui/services/phone_desk.py), on
SQLite and PostgreSQL: the calls concerning one agent, the caller log's filters, the floor's
figures and states, the ticket a popped call was saved as, the typing set aside for a pop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.floor import FloorState, Readiness
from deskui.services import phone_desk
from deskui.services.actor import Actor, Denied
from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

CALLER = "+862155550101"  # the desk's first customer
STRANGER = "13900001111"


def _setup(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        uow.session.execute(
            update(m.Agent).where(m.Agent.id == desk.agent).values(extension="8001")
        )
        uow.commit()


def _post(
    database: Database, seconds: float, kind: str, call: str, number: str, **more: object
) -> None:
    fields: dict[str, object] = {
        "event": kind, "callId": call, "from": number, "to": "95000", "direction": "in",
        "user[]": ["8001"], **more,
    }  # fmt: skip
    with UnitOfWork(database) as uow:
        record_call_event(
            uow, PHONE_ACTOR, RecordCallEvent(fields), FIXED_NOW + timedelta(seconds=seconds)
        )


def _ask(database: Database, service, actor: Actor, command: object, seconds: float = 0):  # type: ignore[no-untyped-def]
    with UnitOfWork(database) as uow:
        return service(uow, actor, command, FIXED_NOW + timedelta(seconds=seconds))


def test_a_desk_reads_its_ringing_call_then_the_one_it_is_on_then_the_wrap_up(
    database: Database, desk: Desk
) -> None:
    _setup(database, desk)
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _post(database, 0, "newCall", "c1", CALLER)
    seen = _ask(database, phone_desk.desk_calls, agent, None, 5)
    assert [(r.customer_name, r.number, r.masked) for r in seen.ringing] == [
        ("上海星辰电子有限公司", CALLER, "021****0101")
    ]
    assert seen.current is None
    _post(database, 10, "answer", "c1", CALLER, answeringNumber="8001")
    seen = _ask(database, phone_desk.desk_calls, agent, None, 11)
    assert seen.ringing == () and seen.current is not None
    assert seen.current.sees_number and seen.current.customer_name == "上海星辰电子有限公司"
    # a colleague's desk reads nothing of it
    colleague = Actor(desk.colleague, "李娜", "agent", "south")
    other = _ask(database, phone_desk.desk_calls, colleague, None, 11)
    assert other.ringing == () and other.current is None
    _post(database, 70, "hangup", "c1", CALLER, cause="normalClearing")
    seen = _ask(database, phone_desk.desk_calls, agent, None, 75)
    assert seen.current is None and seen.last_ended is not None
    assert seen.wrap_up == timedelta(seconds=30)


def test_the_call_to_pop_comes_with_its_callers_card_once(database: Database, desk: Desk) -> None:
    """The desk asks with the calls it popped: the one it has not comes with what intake's
    phone field would find for its number (the card painted as intake opens, no lookup of
    its own); a call popped already, or a masked reader's, comes without."""
    _setup(database, desk)
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _post(database, 0, "newCall", "c1", CALLER)
    _post(database, 4, "answer", "c1", CALLER, answeringNumber="8001")
    seen = _ask(database, phone_desk.desk_calls, agent, frozenset(), 5)
    assert seen.current is not None and seen.current.found is not None
    assert seen.current.found.card is not None
    assert seen.current.found.card.customer.id == desk.customer == seen.current.customer_id
    assert [m.customer_id for m in seen.current.found.matches] == [desk.customer]
    again = _ask(database, phone_desk.desk_calls, agent, frozenset({seen.current.call_id}), 6)
    assert again.current is not None and again.current.found is None
    assert _ask(database, phone_desk.desk_calls, agent, None, 6).current.found is None
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.lead, FIXED_NOW)
        uow.commit()
    masked = _ask(database, phone_desk.desk_calls, agent, frozenset(), 7)
    assert masked.current is not None and masked.current.found is None


def test_a_call_ringing_the_agent_comes_with_its_callers_card_once(
    database: Database, desk: Desk
) -> None:
    """Asked with `CallsAsked`, a call ringing the agent by name comes with its caller's
    card (read while it rings: the answer pops with it); the desk holding it says so and the
    answered call is not looked up again; a queue's call (no agent named) is not looked up
    while it rings: every desk would read it."""
    _setup(database, desk)
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _post(database, 0, "newCall", "c1", CALLER)
    asked = phone_desk.CallsAsked()
    seen = _ask(database, phone_desk.desk_calls, agent, asked, 1)
    (ringing,) = seen.ringing
    assert ringing.found is not None and ringing.found.card is not None
    assert ringing.found.card.customer.id == desk.customer
    known = phone_desk.CallsAsked(known=frozenset({ringing.call_id}))
    assert _ask(database, phone_desk.desk_calls, agent, known, 2).ringing[0].found is None
    _post(database, 4, "answer", "c1", CALLER, answeringNumber="8001")
    answered = _ask(database, phone_desk.desk_calls, agent, known, 5)
    assert answered.current is not None and answered.current.found is None  # the desk has it
    assert _ask(database, phone_desk.desk_calls, agent, asked, 5).current.found is not None
    _post(database, 6, "newCall", "q1", STRANGER, **{"user[]": [], "queue": "sales"})
    queued = _ask(database, phone_desk.desk_calls, agent, asked, 7)
    assert [r.found for r in queued.ringing] == [None]


def test_a_masked_role_reads_masked_numbers(database: Database, desk: Desk) -> None:
    _setup(database, desk)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.lead, FIXED_NOW)
        uow.commit()
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _post(database, 0, "newCall", "c1", CALLER)
    _post(database, 3, "answer", "c1", CALLER, answeringNumber="8001")
    seen = _ask(database, phone_desk.desk_calls, agent, None, 5)
    assert seen.current is not None
    assert seen.current.number == "021****0101" and not seen.current.sees_number
    rows = _ask(database, phone_desk.call_log_page, agent, phone_desk.CallLogPage())
    assert [r.number for r in rows] == ["021****0101"]


def test_the_caller_logs_filters(database: Database, desk: Desk) -> None:
    _setup(database, desk)
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _post(database, 0, "newCall", "a", CALLER)
    _post(database, 5, "answer", "a", CALLER, answeringNumber="8001")
    _post(database, 50, "hangup", "a", CALLER, cause="normalClearing")
    _post(database, 100, "newCall", "b", STRANGER)
    _post(database, 120, "hangup", "b", STRANGER, cause="noAnswer")
    every = _ask(database, phone_desk.call_log_page, agent, phone_desk.CallLogPage("all"))
    assert [(r.outcome, r.wait_seconds, r.duration_seconds) for r in every] == [
        ("missed", 20, None),
        ("answered", 5, 45),
    ]
    assert _ask(database, phone_desk.call_log_count, agent, phone_desk.CallLogPage("missed")) == 1
    missed = _ask(
        database, phone_desk.call_log_page, agent, phone_desk.CallLogPage("not_called_back")
    )
    assert [r.number for r in missed] == ["+8613900001111"]


def test_the_floor_counts_today_and_says_each_agents_state(database: Database, desk: Desk) -> None:
    _setup(database, desk)
    lead = Actor(desk.lead, "张伟", "lead", "north")
    _post(database, 0, "newCall", "a", CALLER)
    _post(database, 30, "answer", "a", CALLER, answeringNumber="8001")  # late: 30 s
    _post(database, 100, "newCall", "b", STRANGER)
    _post(database, 102, "hangup", "b", STRANGER, cause="cancel")  # within 5 s: not offered
    _post(database, 200, "newCall", "c", STRANGER)
    _post(database, 210, "hangup", "c", STRANGER, cause="cancel")
    _post(database, 290, "newCall", "d", CALLER)
    with UnitOfWork(database) as uow:
        uow.presence.touch(desk.lead, "", FIXED_NOW + timedelta(seconds=295))
        uow.commit()
    floor = _ask(database, phone_desk.read_floor, lead, phone_desk.FloorQuery(), 300)
    assert (floor.day.answered, floor.day.hung_up, floor.day.ringing) == (1, 2, 1)
    assert floor.day.longest_wait == timedelta(seconds=10)
    assert (floor.level.answered_in_time, floor.level.offered) == (0, 2)
    assert floor.missed_not_called_back == 2
    states = {a.name: a.now.state for a in floor.agents}
    # the north team only: 王芳 on the call, the lead at their desk, the manager away
    assert states == {
        "王芳": FloorState.ON_CALL,
        "张伟": FloorState.READY,
        "刘洋": FloorState.SIGNED_OUT,
    }
    with pytest.raises(Denied):  # the floor is a lead's
        _ask(database, phone_desk.read_floor, Actor(desk.agent, "王芳", "agent", "north"),
             phone_desk.FloorQuery(), 300)  # fmt: skip


def test_the_floor_says_withheld_missed_calls_cannot_be_called_back(
    database: Database, desk: Desk
) -> None:
    _setup(database, desk)
    lead = Actor(desk.lead, "张伟", "lead", "north")
    _post(database, 0, "newCall", "w1", "anonymous")
    _post(database, 30, "hangup", "w1", "anonymous", cause="cancel")
    _post(database, 40, "newCall", "w2", STRANGER)
    _post(database, 70, "hangup", "w2", STRANGER, cause="noAnswer")
    floor = _ask(database, phone_desk.read_floor, lead, phone_desk.FloorQuery(), 100)
    assert floor.day.missed == 2
    # the stranger's call waits in the shared queue; the withheld one is said, not waiting
    assert (floor.missed_not_called_back, floor.withheld_missed) == (1, 1)
    log = _ask(database, phone_desk.call_log_page, lead, phone_desk.CallLogPage("missed"))
    assert [(r.number, r.outcome) for r in log] == [
        ("+8613900001111", "missed"),
        ("anonymous", "missed"),
    ]


def test_readiness_is_set_and_read_back(database: Database, desk: Desk) -> None:
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _ask(database, phone_desk.set_readiness, agent, phone_desk.SetReadiness(Readiness.TRAINING))
    seen = _ask(database, phone_desk.desk_calls, agent, None, 1)
    assert seen.readiness is not None and seen.readiness.readiness is Readiness.TRAINING
    with UnitOfWork(database) as uow:
        uow.presence.touch(desk.agent, "", FIXED_NOW)
        uow.commit()
    lead = Actor(desk.lead, "张伟", "lead", "north")
    floor = _ask(database, phone_desk.read_floor, lead, phone_desk.FloorQuery(), 5)
    wang = next(a for a in floor.agents if a.name == "王芳")
    assert (wang.now.state, wang.now.reason) == (FloorState.NOT_READY, Readiness.TRAINING)
    _ask(database, phone_desk.set_readiness, agent, phone_desk.SetReadiness(Readiness.READY), 9)
    seen = _ask(database, phone_desk.desk_calls, agent, None, 10)
    assert seen.readiness is not None and seen.readiness.readiness is Readiness.READY


def test_a_call_is_tied_only_to_the_ticket_of_the_agent_who_answered_it(
    database: Database, desk: Desk
) -> None:
    _setup(database, desk)
    _post(database, 0, "newCall", "a", CALLER)
    _post(database, 7, "answer", "a", CALLER, answeringNumber="8001")
    with UnitOfWork(database) as uow:
        ticket = m.Ticket(
            customer_id=desk.customer, kind="question", category="usage", channel="phone",
            severity="normal", customer_words="x", owner_id=desk.agent, opened_at=FIXED_NOW,
            status="open",
        )  # fmt: skip
        uow.session.add(ticket)
        uow.session.flush()
        ticket_id = ticket.id
        call_pk = uow.session.query(m.Call.id).scalar()
        colleague = Actor(desk.colleague, "李娜", "agent", "south")
        phone_desk.tie_call_in(uow, colleague, call_pk, ticket_id, FIXED_NOW)
        uow.commit()
    agent = Actor(desk.agent, "王芳", "agent", "north")
    assert _ask(database, phone_desk.ticket_call, agent, ticket_id) is None
    with UnitOfWork(database) as uow:
        phone_desk.tie_call_in(uow, agent, call_pk, ticket_id, FIXED_NOW)
        uow.commit()
    tied = _ask(database, phone_desk.ticket_call, agent, ticket_id)
    assert tied is not None and tied.answered_at == FIXED_NOW + timedelta(seconds=7)
    rows = _ask(database, phone_desk.call_log_page, agent, phone_desk.CallLogPage())
    assert rows[0].ticket_id == ticket_id


def test_typing_set_aside_comes_back_latest_first(database: Database, desk: Desk) -> None:
    agent = Actor(desk.agent, "王芳", "agent", "north")
    _ask(database, phone_desk.set_intake_aside, agent, {"words": "第一位"})
    _ask(database, phone_desk.set_intake_aside, agent, {"words": "第二位"})
    assert _ask(database, phone_desk.take_intake_aside, agent, None) == {"words": "第二位"}
    with UnitOfWork(database) as uow:  # it is intake's draft again
        assert uow.drafts.load_draft(desk.agent, "intake") == {"words": "第二位"}
    assert _ask(database, phone_desk.take_intake_aside, agent, None) == {"words": "第一位"}
    assert _ask(database, phone_desk.take_intake_aside, agent, None) is None


def test_the_periods_calls_per_day_and_per_agent(database: Database, desk: Desk) -> None:
    _setup(database, desk)
    lead = Actor(desk.lead, "张伟", "lead", "north")
    _post(database, 0, "newCall", "a", CALLER)
    _post(database, 4, "answer", "a", CALLER, answeringNumber="8001")
    _post(database, 64, "hangup", "a", CALLER, cause="normalClearing")
    _post(database, 100, "newCall", "b", STRANGER)
    _post(database, 130, "hangup", "b", STRANGER, cause="noAnswer")
    query = phone_desk.PeriodCalls(FIXED_NOW - timedelta(days=1), FIXED_NOW + timedelta(days=1))
    figures = _ask(database, phone_desk.period_calls, lead, query, 200)
    assert [(d.day.isoformat(), d.calls.answered, d.calls.missed, d.level.percent)
            for d in figures.days] == [("2026-11-23", 1, 1, 50)]  # fmt: skip
    assert figures.agents == (phone_desk.AgentCalls("王芳", 1, 60),)
    with pytest.raises(Denied):
        _ask(database, phone_desk.period_calls, Actor(desk.agent, "王芳", "agent", "north"), query)


def test_a_readiness_that_is_no_reason_or_from_a_department_member_is_refused(
    database: Database, desk: Desk
) -> None:
    from deskui.domain.refusal import Invalid

    agent = Actor(desk.agent, "王芳", "agent", "north")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        phone_desk.set_readiness(uow, agent, phone_desk.SetReadiness("asleep"), FIXED_NOW)  # type: ignore[arg-type]
    assert refused.value.key == "phone.error.reason"
    member = Actor(desk.agent, "王芳", "department", "north", department_code="TECH")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        phone_desk.set_readiness(uow, member, phone_desk.SetReadiness(Readiness.BUSY), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.calls.agent_state(desk.agent) is None


def test_the_floor_times_a_state_from_the_sign_in_when_it_was_said_before_it(
    database: Database, desk: Desk
) -> None:
    """An agent who never said a state is ready since they signed in (not timeless); one
    who said 小休 yesterday and signed in today is on break since today's sign-in; a state
    said after the sign-in runs from when it was said."""
    lead = Actor(desk.lead, "张伟", "lead", "north")
    agent = Actor(desk.agent, "王芳", "agent", "north")
    yesterday = -timedelta(hours=20).total_seconds()
    _ask(database, phone_desk.set_readiness, agent, phone_desk.SetReadiness(Readiness.BREAK),
         yesterday)  # fmt: skip
    with UnitOfWork(database) as uow:
        for who, name, seconds in ((desk.agent, "王芳", 60), (desk.lead, "张伟", 30)):
            at = FIXED_NOW + timedelta(seconds=seconds)
            uow.audit.write(at, "sign_in", agent_id=who, agent_name=name, detail={})
            uow.presence.touch(who, "", FIXED_NOW + timedelta(seconds=95))  # their tick
        uow.audit.write(  # a failed sign-in later starts nothing
            FIXED_NOW + timedelta(seconds=90), "sign_in", agent_id=desk.agent,
            agent_name="王芳", outcome="wrong", detail={},
        )  # fmt: skip
        uow.commit()
    floor = _ask(database, phone_desk.read_floor, lead, phone_desk.FloorQuery(), 100)
    now = {a.name: (a.now.state, a.now.since) for a in floor.agents}
    assert now["张伟"] == (FloorState.READY, FIXED_NOW + timedelta(seconds=30))
    assert now["王芳"] == (FloorState.NOT_READY, FIXED_NOW + timedelta(seconds=60))
    _ask(database, phone_desk.set_readiness, agent, phone_desk.SetReadiness(Readiness.READY), 80)
    floor = _ask(database, phone_desk.read_floor, lead, phone_desk.FloorQuery(), 100)
    wang = next(a for a in floor.agents if a.name == "王芳")
    assert (wang.now.state, wang.now.since) == (FloorState.READY, FIXED_NOW + timedelta(seconds=80))
