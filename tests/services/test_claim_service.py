"""Fifty desks, one shared queue (issue 16): eight threads, each with its own connection,
claim callbacks until the queue is empty; every callback goes to exactly one agent, on SQLite
and on PostgreSQL (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.claims import claim_next_callback
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

ITEMS = 40
DESKS = 8


def test_every_shared_callback_goes_to_exactly_one_desk(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        for _ in range(ITEMS):
            uow.callbacks.add_callback(
                desk.customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(), shared=True
            )
        agents = [uow.agents.add_agent(f"坐席{i}", Role.AGENT, FIXED_NOW).id for i in range(DESKS)]
        uow.commit()
    claimed: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(DESKS)

    def work(agent_id: int) -> None:
        actor = Actor(agent_id, "", Role.AGENT)
        start.wait()
        try:
            while True:
                with UnitOfWork(database) as uow:
                    callback_id = claim_next_callback(uow, actor, None, FIXED_NOW)
                if callback_id is None:
                    return
                claimed.append((callback_id, agent_id))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    counts = Counter(callback_id for callback_id, _ in claimed)
    assert len(counts) == ITEMS and max(counts.values()) == 1
    with UnitOfWork(database) as uow:
        owners = dict(uow.session.execute(select(m.Callback.id, m.Callback.agent_id)).all())
        shared = uow.session.scalars(select(m.Callback.id).where(m.Callback.shared)).all()
        events = Counter(
            uow.session.scalars(
                select(m.CallbackEvent.callback_id).where(m.CallbackEvent.action == "claimed")
            )
        )
    assert shared == [] and all(owners[c] == a for c, a in claimed)
    assert set(events.values()) == {1} and len(events) == ITEMS
