"""Switching screens never crashes the desk (issue 13): every F-key, Ctrl+K and Esc, in every
order, on the demo, against a model of the rule (deskui/navigation.py): a key's screen
already on the stack comes to the top, never a second one; Esc goes back one step."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import settle

SCREEN_OF_KEY = {
    "f1": "help",
    "f2": "intake",
    "f3": "complaints",
    "f4": "callbacks",
    "f5": "handover",
    "f6": "team",
    "f7": "department-desk",
    "f8": "reception",
    "f9": "correspondence",
    "f10": "relations",
    "ctrl+k": "profiles",
}
"""The screen each key opens, by its id: the keymap as the README has it."""
KEYS = (*SCREEN_OF_KEY, "escape")
SIZE = (80, 24)  # an agent's small terminal; less to paint per key than 120x36
REPORTED = ("f4", "f5", "f4", "f9", "f10", "f9", "ctrl+k", "f10", "ctrl+k")
"""The sequences issue 13 found crashing, right after sign-in (the incoming handover open)."""


def after(stack: list[str], key: str) -> list[str]:
    """The stack of screen ids the rule gives after `key`."""
    if key == "escape":
        return stack[:-1] if len(stack) > 1 else stack  # the desk itself has no "back"
    wanted = SCREEN_OF_KEY[key]
    return [*(screen for screen in stack if screen != wanted), wanted]


def every_ordered_pair(keys: tuple[str, ...]) -> list[str]:
    """One walk pressing every ordered pair of `keys` (a key twice too) one after the other:
    an Euler circuit of the complete directed graph with loops, len(keys)² + 1 presses."""
    unused = {key: list(keys) for key in keys}
    walk: list[str] = []
    path = [keys[0]]
    while path:  # Hierholzer
        here = path[-1]
        if unused[here]:
            path.append(unused[here].pop())
        else:
            walk.append(path.pop())
    return walk[::-1]


def stack_ids(app: DeskApp) -> list[str]:
    return [screen.id or "" for screen in app.screen_stack]


async def press_and_check(pilot: Pilot[Any], app: DeskApp, keys: list[str]) -> None:
    stack = stack_ids(app)
    for n, key in enumerate(keys):
        await pilot.press(key)
        stack = after(stack, key)
        assert app.is_running and app.return_code is None, (n, keys[: n + 1])
        assert stack_ids(app) == stack, (n, keys[: n + 1])
    await settle(pilot)  # what the screens started (their loads) ends without a crash either
    assert app.is_running and app.return_code is None
    assert stack_ids(app) == stack


def test_the_walk_presses_every_ordered_pair() -> None:
    walk = every_ordered_pair(KEYS)
    pairs = set(pairwise(walk))
    assert len(walk) == len(KEYS) ** 2 + 1
    assert pairs == {(a, b) for a in KEYS for b in KEYS}


async def test_every_ordered_pair_of_screen_keys_keeps_the_desk_running(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert stack_ids(app) == ["desk", "handover"]  # the incoming handover, as reported
        await press_and_check(pilot, app, [*REPORTED, *every_ordered_pair(KEYS)])


@settings(
    max_examples=6,  # 6 x 40 keys on top of the every-pair walk: the suite stays under 10 min
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=st.lists(st.sampled_from(KEYS), min_size=40, max_size=40))
async def test_random_screen_switching_shows_the_screen_last_asked_for(
    demo_database: Database, clock: FixedClock, keys: list[str]
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_and_check(pilot, app, keys)
