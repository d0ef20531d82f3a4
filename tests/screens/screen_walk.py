"""A walk over every F-key screen and the dialogs its keys open, as a new user would take it.

Each stop starts from the desk, presses its keys and leaves the screen as it found it (only
Esc is pressed on the way back), so what one stop shows never depends on another.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from textual.pilot import Pilot

from tests.screens.desk_pilot import settle

STOPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("desk", ()),
    ("notifications", ("n",)),
    ("help", ("f1",)),
    ("intake", ("f2",)),
    ("complaints", ("f3",)),
    ("complaint", ("f3", "enter")),
    ("written reply", ("f3", "w")),
    ("callbacks", ("f4",)),
    ("callback call", ("f4", "enter")),
    ("shared callbacks", ("f4", "2")),
    ("coverage", ("f4", "4")),
    ("visit requests", ("f4", "5")),
    ("promotions", ("f4", "6")),
    ("visit request form", ("f4", "v")),
    ("handover", ("f5",)),
    ("handover item form", ("f5", "a")),
    ("take-over", ("f5", "tab")),
    ("team view", ("f6",)),
    ("survey forms", ("f6", "2")),
    ("department desk", ("f7",)),
    ("reception", ("f8",)),
    ("visitor form", ("f8", "a")),
    ("passes due today", ("f8", "3")),
    ("passes", ("f8", "4")),
    ("messages", ("f8", "5")),
    ("correspondence", ("f9",)),
    ("correspondence form", ("f9", "a")),
    ("prospects", ("f10",)),
    ("prospect form", ("f10", "a")),
    ("gifts", ("f10", "2")),
    ("events", ("f10", "3")),
    ("profiles", ("ctrl+k",)),
    ("profile form", ("ctrl+k", "n")),
    ("caller log", ("f12",)),
    ("caller log, not called back", ("f12", "3")),
    ("ready or not", ("b",)),
    ("search", ("ctrl+f",)),
    ("search results", ("ctrl+f", "黑", "屏", "enter")),
    ("command palette", ("ctrl+p",)),
    ("command palette, nothing found", ("ctrl+p", "z", "z")),
)
"""(what the stop is, the keys from the desk that open it)."""
LEAD_STOPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("calendar days", ("c",)),
    ("site settings", ("s",)),
    ("team view as lead", ("f6",)),
    ("the floor", ("f6", "3")),
    ("all callbacks", ("f4", "3")),
)
"""What only a lead is offered, on top of the agent's stops."""


def once_each(
    stops: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each key sequence once, under the first name it is given: a later stop with the same
    keys would open the same screen again from the same desk (every stop leaves the screen as
    it found it), so it could show nothing the first did not."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for name, keys in stops:
        if keys not in seen:
            seen.add(keys)
            kept.append((name, keys))
    return tuple(kept)


async def back_to_desk(pilot: Pilot[Any]) -> None:
    from deskui.screens.desk import DeskScreen

    for _ in range(6):
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)
    raise AssertionError(f"Esc does not lead back to the desk from {pilot.app.screen!r}")


async def walk(
    pilot: Pilot[Any], stops: tuple[tuple[str, tuple[str, ...]], ...] = STOPS
) -> AsyncIterator[str]:
    """Visit every stop (the app at the desk); yields the stop's name with its screen up."""
    for name, keys in stops:
        await back_to_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        yield name
    await back_to_desk(pilot)
