"""What screen and snapshot tests share: the terminal size, waiting, an empty database."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from deskui.data.database import Database
from deskui.data.records import CustomerRecord
from tests.databases import sqlite_copy

if TYPE_CHECKING:
    from deskui.screens.intake import IntakeScreen

SIZE = (120, 36)
"""Every screen test runs at the size of a small desk terminal."""


def migrated_empty_database(folder: Path) -> Database:
    """A migrated database without a single agent: the first run of a new site (a copy of
    the one this process migrated once, tests/databases.py)."""
    return sqlite_copy(folder / "empty.db")


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and what it posted be handled.

    At least three rounds, because handling a worker's message may start the next worker:
    the database opens, then sign-in starts the list fetch, then the count brings the
    margin; more while a round's messages started workers (a form's draft after its case).
    """
    for round_ in range(10):
        # an exclusive worker replaced by a newer one is cancelled, not failed: the change
        # poll, when NOTIFYs come close together (on PostgreSQL a desk hears every test's)
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(not worker.is_finished for worker in pilot.app.workers)
        if round_ >= 2 and not busy:  # nothing the last round's messages started is running
            break


def screen_lines(app: Any) -> list[str]:
    """The text of every line of the active screen, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


async def at_desk(pilot: Pilot[Any]) -> None:
    """Settle, then close what sign-in put over the desk (the incoming handover, seed 004)."""
    from deskui.screens.desk import DeskScreen

    await settle(pilot)
    for _ in range(3):
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)
    raise AssertionError(f"the desk is not on top: {pilot.app.screen!r}")


async def opened_intake(pilot: Pilot[Any]) -> IntakeScreen:
    """F2 pressed and settled: the intake on top."""
    from deskui.screens.intake import IntakeScreen

    await pilot.press("f2")
    await settle(pilot)
    intake = pilot.app.screen
    assert isinstance(intake, IntakeScreen)
    return intake


def known_caller(db: Database) -> tuple[CustomerRecord, str]:
    """A demo customer that is the only one on its own number, and that number as typed."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.phone import format_display
    from deskui.domain.search import LookupKind, classify

    with UnitOfWork(db) as uow:
        for customer in uow.customers.customers():
            if not customer.phone_e164 or not customer.contacts:
                continue
            lookup = classify(customer.phone_e164)
            if lookup.kind is LookupKind.PHONE and len(uow.customers.find_callers(lookup)) == 1:
                typed = "".join(ch for ch in format_display(customer.phone_e164) if ch.isdigit())
                return customer, typed
    raise AssertionError("the demo has no customer alone on its number")


async def looked_ahead(pilot: Pilot[Any], screen: Any, seconds: float = 5.0) -> None:
    """Wait until the intake has answered every value the next key can make (or given up)."""
    for _ in range(int(seconds / 0.05)):
        await pilot.pause(0.05)
        if screen._ahead_timer is None:
            return
    raise AssertionError("the look-ahead did not finish")
