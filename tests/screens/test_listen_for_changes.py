"""On PostgreSQL another desk's write reaches this desk at once (issue 16: within 2 s,
without a key): LISTEN/NOTIFY, with the tick's poll switched off to prove it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.team_desk import PASSWORDS, add_team


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_a_ticket_filed_elsewhere_shows_without_a_tick(
    database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)  # no poll from the tick
    add_team(database, clock)
    with UnitOfWork(database) as uow:
        customer = m.Customer(name="杭州西湖茶业", created_at=clock.now(), updated_at=clock.now())
        uow.session.add(customer)
        uow.commit()
        customer_id, agent_id = customer.id, uow.accounts.account("王芳").id  # type: ignore[union-attr]
    settings = replace(make_settings(database, agent="王芳"), agent_password=PASSWORDS["王芳"])
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None and "茶叶发霉了" not in screen_text(app)
        await asyncio.sleep(1.0)  # the listener is connected
        with UnitOfWork(database) as uow:  # another desk files a ticket for 王芳
            uow.tickets.open_ticket(
                NewTicket(customer_id, kind="question", category="other", channel="phone",
                          severity="normal", customer_words="茶叶发霉了"),
                agent_id,
                clock.now(),
            )  # fmt: skip
            uow.commit()
        for _ in range(20):
            await pilot.pause(0.1)
            if "茶叶发霉了" in screen_text(app):
                break
        assert "茶叶发霉了" in screen_text(app)
