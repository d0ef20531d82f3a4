"""A lead reassigns a ticket from its detail (issue 16): r offers the desk's agents, the pick
moves the ticket and says so, the history shows from whom to whom; an agent is not offered r.
On PostgreSQL the agent's desk drops the ticket within 2 s without a key (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace

import pytest
from rich.console import Console
from sqlalchemy import select
from textual.widgets import Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.screens.visit_request import ReassignModal
from deskui.services.actor import Actor
from deskui.services.tickets import ReassignTicket, reassign_ticket
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle
from tests.team_desk import PASSWORDS, add_team


def _plain(content: object) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _a_ticket_of(database: Database, name: str) -> tuple[int, int]:
    with UnitOfWork(database) as uow:
        owner = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == name)).one()
        ticket = uow.session.scalars(
            select(m.Ticket).where(m.Ticket.owner_id == owner).order_by(m.Ticket.id)
        ).first()
        assert ticket is not None
        return ticket.id, owner


async def test_the_lead_presses_r_picks_an_agent_and_the_ticket_moves(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id, _ = _a_ticket_of(demo_database, "王芳")
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        assert app.screen.check_action("reassign", ())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReassignModal)
        assert "问题记录改派给" in screen_text(app)
        choices = app.screen.agents
        target = next(a for a in choices if a.name == "李娜")
        await pilot.press(*["down"] * choices.index(target), "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert f"问题记录 #{ticket_id} 已改派给 李娜" in [
            str(n.message) for n in app._notifications
        ]
        history = app.screen.query_one("#ticket-events", Static)
        history.scroll_visible(animate=False)
        await settle(pilot)
        assert "改派：王芳 → 李娜" in _plain(history.content)
    with UnitOfWork(demo_database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert ticket.owner.name == "李娜"


async def test_an_agent_is_not_offered_r(demo_database: Database, clock: FixedClock) -> None:
    ticket_id, _ = _a_ticket_of(demo_database, "王芳")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        assert not app.screen.check_action("reassign", ())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert "改派" not in screen_text(app)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_the_agents_desk_drops_a_ticket_the_lead_gave_away_within_2_s(
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
        assert agent is not None and lead is not None
        ticket_id = uow.tickets.open_ticket(
            NewTicket(customer.id, kind="question", category="other", channel="phone",
                      severity="normal", customer_words="茶叶发霉了"),
            agent.id,
            clock.now(),
        )  # fmt: skip
        uow.commit()
        version = uow.session.get_one(m.Ticket, ticket_id).version
    settings = replace(make_settings(database, agent="王芳"), agent_password=PASSWORDS["王芳"])
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "茶叶发霉了" in screen_text(app)
        await asyncio.sleep(1.0)  # the listener is connected
        with UnitOfWork(database) as uow:  # the lead's desk gives the ticket to the manager
            manager = uow.accounts.account("刘洋")
            assert manager is not None
            reassign_ticket(
                uow,
                Actor(lead.id, "张伟", "lead"),
                ReassignTicket(ticket_id, manager.id, version),
                clock.now(),
            )
        for _ in range(20):
            await pilot.pause(0.1)
            if "茶叶发霉了" not in screen_text(app):
                break
        assert "茶叶发霉了" not in screen_text(app), screen_text(app)
