"""Work moved away from an open form (issue 23), pressed as the two people do it: the lead
reassigns a complaint with `r` on its ticket detail while its agent types in F3 on another
desk sharing the database. The agent's form says who gave it to whom, keeps what she typed,
and her Ctrl+S is refused by the service with the conflict view naming the new owner; on
PostgreSQL she is told without a tick (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import TicketStatus
from deskui.domain.ticket_life import Transition
from deskui.screens.complaint import ComplaintScreen
from deskui.screens.conflict import ConflictModal
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.screens.visit_request import ReassignModal
from deskui.services.actor import Actor
from deskui.services.tickets import ReassignTicket, reassign_ticket
from deskui.widgets.guarded_text import GuardedText
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle
from tests.screens.test_complaint_screens import ANGRY, _open_from_list, _ticket
from tests.team_desk import PASSWORDS, add_team

TYPED = "客户说下午三点前必须修好"
MOVED = "张伟 把这条投诉改派给了李娜"


async def _type_a_note(pilot: Pilot[Any]) -> ComplaintScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ComplaintScreen)
    screen.query_one("#note", GuardedText).focus()
    await pilot.press(*TYPED)
    return screen


async def _reassign_with_r(pilot: Pilot[Any], ticket_id: int, to: str) -> None:
    """The lead's desk: the ticket's detail, r, the agent picked, Enter."""
    await at_desk(pilot)
    pilot.app.push_screen(TicketDetailModal(ticket_id))
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReassignModal)
    choices = pilot.app.screen.agents
    target = next(a for a in choices if a.name == to)
    await pilot.press(*["down"] * choices.index(target), "enter")
    await settle(pilot)


async def test_the_lead_reassigns_with_r_while_the_agent_types_and_her_save_is_refused(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    agent_app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    lead_app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with agent_app.run_test(size=SIZE) as agent, lead_app.run_test(size=SIZE) as lead:
        await _open_from_list(agent, demo_database, "王芳", ticket_id)
        screen = await _type_a_note(agent)
        await _reassign_with_r(lead, ticket_id, "李娜")
        assert f"问题记录 #{ticket_id} 已改派给 李娜" in [
            str(n.message) for n in lead_app._notifications
        ]
        agent_app.poll_changes()  # what the tick does every 2 s (at once on PostgreSQL)
        await settle(agent)
        text = screen_text(agent_app)
        assert MOVED in text and "你输入的内容仍在表单中" in text
        assert "负责人: 李娜" in text  # the header says who has it now
        assert screen.query_one("#note", GuardedText).text == TYPED  # the typing stays
        await agent.press("ctrl+s")
        await settle(agent)
        assert isinstance(agent_app.screen, ConflictModal)
        text = screen_text(agent_app)
        assert "没有保存：这条记录已不归你处理" in text
        assert "张伟 已把这条投诉交给 李娜" in text and TYPED in text
        assert "以你的内容为准" not in text  # nothing to save over another's record
        await agent.press("ctrl+s")  # not offered: nothing happens
        await settle(agent)
        assert isinstance(agent_app.screen, ConflictModal)
        await agent.press("escape")
        await settle(agent)
        assert agent_app.screen is screen
        assert screen.query_one("#note", GuardedText).text == TYPED
        assert "张伟 已把这条投诉交给 李娜" in screen_text(agent_app)
    with UnitOfWork(demo_database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        record = uow.session.get(m.ComplaintRecord, ticket_id)
        assert ticket.owner.name == "李娜"
        assert record is None or TYPED not in str(record.answers)  # nothing saved onto hers


async def test_another_desk_closing_the_complaint_is_said_in_the_form(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    agent_app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with agent_app.run_test(size=SIZE) as agent:
        await _open_from_list(agent, demo_database, "王芳", ticket_id)
        screen = await _type_a_note(agent)
        with UnitOfWork(demo_database) as uow:  # the lead's desk closes it
            lead = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "张伟")).one()
            closed = Transition(TicketStatus.CLOSED, closes=True)  # as the ticket life decides
            uow.complaints.close_complaint(ticket_id, lead, clock.now(), closed)
            uow.commit()
        agent_app.poll_changes()
        await settle(agent)
        assert "张伟 已把这条投诉结案" in screen_text(agent_app)
        await agent.press("ctrl+s")
        await settle(agent)
        assert isinstance(agent_app.screen, ConflictModal)
        assert "这条投诉已结案，你的内容没有保存" in screen_text(agent_app)
        await agent.press("escape")
        await settle(agent)
        assert screen.query_one("#note", GuardedText).text == TYPED


async def test_her_own_save_is_not_news_to_her(demo_database: Database, clock: FixedClock) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "王芳", ticket_id)
        await pilot.press("ctrl+s")  # step 1 done
        await settle(pilot)
        app.poll_changes()
        await settle(pilot)
        assert "▶ 2 感谢" in screen_text(app)
        assert "改派" not in screen_text(app) and "修改了" not in screen_text(app)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_on_postgresql_she_is_told_without_a_tick(
    database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)  # no poll from the tick
    add_team(database, clock)
    with UnitOfWork(database) as uow:
        customer = m.Customer(name="杭州西湖茶业", created_at=clock.now(), updated_at=clock.now())
        uow.session.add(customer)
        uow.session.flush()
        agent = uow.accounts.account("王芳")
        lead = uow.accounts.account("张伟")
        manager = uow.accounts.account("刘洋")
        assert agent is not None and lead is not None and manager is not None
        ticket_id = uow.tickets.open_ticket(
            NewTicket(customer.id, kind="complaint", category="product_complaint",
                      channel="phone", severity="normal", customer_words="茶叶发霉了"),
            agent.id,
            clock.now(),
        )  # fmt: skip
        uow.commit()
        version = uow.session.get_one(m.Ticket, ticket_id).version
    settings = replace(make_settings(database, agent="王芳"), agent_password=PASSWORDS["王芳"])
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_complaint(ticket_id)
        await settle(pilot)
        screen = await _type_a_note(pilot)
        await asyncio.sleep(1.0)  # the listener is connected
        with UnitOfWork(database) as uow:  # the lead's desk gives it to the manager
            reassign_ticket(
                uow,
                Actor(lead.id, "张伟", "lead"),
                ReassignTicket(ticket_id, manager.id, version),
                clock.now(),
            )
        said = "张伟 把这条投诉改派给了刘洋"
        for _ in range(20):
            await pilot.pause(0.1)
            if said in screen_text(app):
                break
        assert said in screen_text(app), screen_text(app)
        assert screen.query_one("#note", GuardedText).text == TYPED
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        assert "张伟 已把这条投诉交给 刘洋" in screen_text(app)
    with UnitOfWork(database) as uow:
        assert uow.session.get(m.ComplaintRecord, ticket_id) is None  # nothing saved


async def test_the_ticket_detail_says_who_gave_it_away_and_k_is_refused(
    demo_database: Database, clock: FixedClock
) -> None:
    """The same watch on the ticket detail: the agent has her ticket open, the lead's desk
    gives it to 李娜; the detail says so, and k (customer told) is refused naming 李娜."""
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            ticket = uow.session.get_one(m.Ticket, ticket_id)
            lead = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "张伟")).one()
            lina = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "李娜")).one()
            reassign_ticket(
                uow, Actor(lead, "张伟", "lead"), ReassignTicket(ticket_id, lina, ticket.version),
                clock.now(),
            )  # fmt: skip
        app.poll_changes()
        await settle(pilot)
        assert "张伟 把这条问题记录改派给了李娜" in screen_text(app)
        await pilot.press("k")
        await settle(pilot)
        assert "张伟 已把这条问题记录交给 李娜" in screen_text(app)
        assert any("李娜" in str(n.message) for n in app._notifications)


async def test_the_f4_call_says_the_lead_gave_the_callback_away_and_refuses_the_save(
    demo_database: Database, clock: FixedClock
) -> None:
    """The same watch on the callback call (F4): the lead's desk gives the callback 王芳 is
    on to 李娜; the call says so, keeps her notes, and her Ctrl+S is refused naming 李娜."""
    from deskui.screens.callback_call import CallbackCallScreen
    from deskui.services.callbacks import ReassignCallback, reassign_callback
    from deskui.widgets.guarded_text import GuardedArea
    from tests.screens.test_callback_screens import _go_to, _queue, _type

    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen) and screen.detail is not None
        await pilot.press("down", "enter")  # 不方便: the customer gives a time
        await settle(pilot)
        await _type(pilot, "15:00")
        screen.query_one("#notes GuardedArea", GuardedArea).focus()
        await pilot.press(*TYPED)
        with UnitOfWork(demo_database) as uow:
            lead = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "张伟")).one()
            lina = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "李娜")).one()
            version = uow.session.get_one(m.Callback, row.callback_id).version
            reassign_callback(
                uow, Actor(lead, "张伟", "lead"), ReassignCallback(row.callback_id, lina, version),
                clock.now(),
            )  # fmt: skip
        app.poll_changes()
        await settle(pilot)
        assert "张伟 把这条回访改派给了李娜" in screen_text(app)
        assert screen.query_one("#notes", GuardedText).text == TYPED
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal), screen_text(app)
        assert "张伟 已把这条回访交给 李娜" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one("#notes", GuardedText).text == TYPED
    with UnitOfWork(demo_database) as uow:
        callback = uow.session.get_one(m.Callback, row.callback_id)
        assert callback.agent_id == lina and TYPED not in (callback.notes or "")


def test_the_line_says_the_last_move_by_another_agent_and_no_sweep_or_own_save() -> None:
    from datetime import datetime

    from deskui.i18n import set_locale
    from deskui.screens.record_watch import moved_line
    from deskui.services.standing import RecordEvent, RecordStanding

    set_locale("zh-CN")
    at = datetime(2026, 11, 23, 9, 0)
    before = RecordStanding("callback", 5, 1, "王芳", False, 3, 1, "王芳", 10)

    def now(*events: RecordEvent, owner: int = 1, closed: bool = False) -> RecordStanding:
        return RecordStanding("callback", 5, owner, "李娜", closed, 4, 1, "王芳", 20, events)

    sweep = RecordEvent(11, None, "", at, "shared", {})
    mine = RecordEvent(12, 1, "王芳", at, "booked", {})
    given = RecordEvent(13, 3, "张伟", at, "reassigned", {"agent": ["王芳", "李娜"]})
    done = RecordEvent(14, 2, "李娜", at, "done", {})
    assert moved_line(before, now(sweep, mine), 1, "callback") == ""
    assert moved_line(before, now(sweep, given, owner=2), 1, "callback") == (
        "张伟 把这条回访改派给了李娜"
    )
    assert moved_line(before, now(given, done, owner=2, closed=True), 1, "callback") == (
        "李娜 已完成这条回访"
    )


async def test_typing_in_a_watched_form_does_not_hold_the_change_poll_back(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the tick's poll is how F3 hears of a reassign: typing there holds it back
    for no tick, so the agent is told within 2 s however fast she types (elsewhere the poll
    waits up to MAX_HELD_TICKS for a pause in the typing: tests/screens/test_live_changes)."""
    from deskui.app import CHANGE_POLL_TICKS

    monkeypatch.setattr("deskui.app.TYPING_PAUSE", 3600.0)  # every key counts as "just now"
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "王芳", ticket_id)
        for timer in app._timers:  # the test ticks by hand
            if timer.name == "tick":
                timer.pause()
        await _type_a_note(pilot)
        polled: list[int] = []
        poll = app.poll_changes
        app.poll_changes = lambda: (polled.append(app._ticks), poll())[1]  # type: ignore[method-assign]
        app._ticks = CHANGE_POLL_TICKS - 1  # the next counted tick is a poll tick
        app._tick()
        await settle(pilot)
        assert polled == [CHANGE_POLL_TICKS]  # not held: the form watches its record
