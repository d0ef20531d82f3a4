"""Another desk's write reaches this desk through the change feed (DESIGN.md 7)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from deskui.app import CHANGE_POLL_TICKS, MAX_HELD_TICKS, make_app
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.intake import IntakeScreen, card_text
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, looked_ahead, screen_text, settle


async def calm(pilot: Pilot[Any]) -> None:
    """Like `settle`, but a reload cancelling an older fetch is part of the story here."""
    for _ in range(3):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def file_elsewhere(
    db: Database, customer_id: int, agent_id: int, clock: FixedClock, words: str, severity: str
) -> None:
    """ "Another desk" files a question for the customer, straight through the repository."""
    with UnitOfWork(db) as uow:
        uow.tickets.open_ticket(
            NewTicket(
                customer_id=customer_id,
                kind="question",
                category="usage",
                channel="phone",
                severity=severity,
                customer_words=words,
            ),
            agent_id,
            clock.now(),
        )
        uow.commit()


async def poll_changes(pilot: Pilot[Any]) -> None:
    """The ticks after which the app's one tick has polled the change feed."""
    for _ in range(CHANGE_POLL_TICKS):
        pilot.app._tick()  # type: ignore[attr-defined]
        await calm(pilot)


async def test_a_ticket_filed_elsewhere_appears_on_the_owners_desk(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while not isinstance(app.screen, DeskScreen):  # a handover shown first
            await pilot.press("escape")
            await settle(pilot)
        assert "另一台坐席登记的问题" not in screen_text(app)
        agent = app.agent
        assert agent is not None
        with UnitOfWork(demo_database) as uow:
            customer = uow.customers.customers()[0]
        file_elsewhere(
            demo_database, customer.id, agent.id, clock, "另一台坐席登记的问题", "critical"
        )
        await poll_changes(pilot)
        assert "另一台坐席登记的问题" in screen_text(app)
        # the feed is quiet again: more ticks neither loop nor hang
        for _ in range(CHANGE_POLL_TICKS * 3):
            app._tick()
            await calm(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_tick_holds_polls_while_the_agent_types(
    demo_database: Database, clock: FixedClock, monkeypatch: Any
) -> None:
    """A key in the last TYPING_PAUSE seconds holds the change poll back (its thread would
    compete with the keystroke's frame), but only MAX_HELD_TICKS ticks in a row."""
    monkeypatch.setattr("deskui.app.TYPING_PAUSE", 3600.0)  # every key counts as "just now"
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while not isinstance(app.screen, DeskScreen):
            await pilot.press("escape")
            await settle(pilot)
        for timer in app._timers:  # the test ticks by hand: the real second would count too
            if timer.name == "tick":
                timer.pause()
        await pilot.press("f2", *"1381")  # typing a number at intake
        await settle(pilot)

        polled: list[int] = []  # the tick count of each poll started
        poll = app.poll_changes
        app.poll_changes = lambda: (polled.append(app._ticks), poll())[1]  # type: ignore[method-assign]
        app._ticks = CHANGE_POLL_TICKS - 1  # the next counted tick is a poll tick
        for _ in range(MAX_HELD_TICKS):
            app._tick()
            await settle(pilot)
        assert polled == []  # held: the agent is typing
        app._tick()  # held long enough: it runs whatever the keyboard does
        await settle(pilot)
        assert polled == [CHANGE_POLL_TICKS]


async def test_a_change_seen_drops_the_card_the_intake_looked_up_ahead(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The intake answers the next digit's lookups between keys; a ticket filed elsewhere
    in the meantime must show on the card the last digit brings, not the count from before."""
    customer, typed = known_caller(demo_database)
    with UnitOfWork(demo_database) as uow:
        before = uow.customers.customer_card(customer.id)
    monkeypatch.setattr("deskui.screens.intake.INLINE_BUDGET", 10.0)  # the look-ahead runs on
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await pilot.press(*typed[:-1])
        await looked_ahead(pilot, screen)
        assert screen._ahead.take(typed) is not None  # the card is waiting for the last key
        assert app.agent is not None
        file_elsewhere(
            demo_database, customer.id, app.agent.id, clock, "另一台坐席刚登记", "normal"
        )
        with UnitOfWork(demo_database) as uow:
            after = uow.customers.customer_card(customer.id)
        assert after.open_tickets == before.open_tickets + 1
        await poll_changes(pilot)
        assert screen._ahead.take(typed) is None
        await pilot.press(typed[-1])
        await calm(pilot)
        shown = str(screen.query_one("#card").render())
        assert shown == card_text(after).plain
        assert shown != card_text(before).plain
