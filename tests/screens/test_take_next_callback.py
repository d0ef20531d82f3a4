"""The shared queue's t (issue 16): the agent takes the most urgent shared callback and is on
its call at once; it is theirs, off the shared queue. An empty queue says so."""

from __future__ import annotations

from sqlalchemy import select, update

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


async def test_t_takes_the_most_urgent_shared_callback_and_opens_its_call(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        open_ids = uow.session.scalars(
            select(m.Callback.id).where(m.Callback.done_at.is_(None)).order_by(m.Callback.due_at)
        ).all()
        first, second = open_ids[:2]
        uow.session.execute(
            update(m.Callback).where(m.Callback.id.in_([first, second])).values(shared=True)
        )
        uow.commit()
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("2", "t")
        await settle(pilot)
        assert isinstance(app.screen, CallbackCallScreen) and app.screen.callback_id == first
    with UnitOfWork(demo_database) as uow:
        taken = uow.session.get_one(m.Callback, first)
        assert not taken.shared and taken.agent_id == app.agent.id  # type: ignore[union-attr]
        assert uow.session.get_one(m.Callback, second).shared
