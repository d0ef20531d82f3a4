"""A new call starts clean (issue 13): after a save and after Ctrl+N the intake's choices are
the first ones again, and a card's unit number goes when the number that found it is cleared
(a critical ticket was followed by one saved critical that nobody chose)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.intake import CARD_FOLLOW_UP, IntakeScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, settle

CHOICES = ("channel", "kind", "category", "severity")


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in test_intake_screen: the one-second change poll re-posts a saved call forever."""
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)


async def _intake(pilot: Pilot[Any]) -> IntakeScreen:
    await at_desk(pilot)
    await pilot.press("f2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def _choices(screen: IntakeScreen) -> dict[str, object]:
    return {name: screen.query_one(f"#{name}", Select).value for name in CHOICES}


async def _pick(pilot: Pilot[Any], screen: IntakeScreen, name: str, downs: int) -> None:
    """Open the choice and go `downs` options down, as an agent does (at intake Space opens a
    choice: Enter goes on to the next field, issue 26)."""
    screen.query_one(f"#{name}", Select).focus()
    await pilot.press("space", *["down"] * downs, "enter")
    await settle(pilot)


async def _type(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)
    await pilot.pause(CARD_FOLLOW_UP * 2)  # the history and unit number follow the card
    await settle(pilot)


def _app(db: Database, clock: FixedClock) -> DeskApp:
    return make_app(make_settings(db), clock, db)


async def test_after_a_save_the_next_call_starts_from_the_first_choices(
    demo_database: Database, clock: FixedClock
) -> None:
    _, typed = known_caller(demo_database)
    app = _app(demo_database, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot)
        fresh = _choices(screen)
        await _type(pilot, typed)
        await _pick(pilot, screen, "channel", 1)
        await _pick(pilot, screen, "category", 1)
        await _pick(pilot, screen, "severity", 2)
        chosen = _choices(screen)
        assert all(chosen[n] != fresh[n] for n in ("channel", "category", "severity")), chosen
        screen.query_one("#words", TextArea).text = "停车卡丢了怎么补办"
        screen._area("answer").text = "带身份证到物业前台补办"
        await pilot.press("ctrl+d")  # answered and closed: the form is cleared
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#phone", Input).value == ""
        assert _choices(screen) == fresh


async def test_ctrl_n_starts_the_next_call_on_the_first_channel_and_kind(
    demo_database: Database, clock: FixedClock
) -> None:
    app = _app(demo_database, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot)
        fresh = _choices(screen)
        await _pick(pilot, screen, "channel", 1)
        await _pick(pilot, screen, "kind", 1)
        assert _choices(screen)["channel"] != fresh["channel"]
        assert _choices(screen)["kind"] != fresh["kind"]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert _choices(screen) == fresh


async def test_clearing_the_number_takes_the_cards_unit_number_with_it(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, typed = known_caller(demo_database)
    assert customer.unit_number  # the demo caller has one
    app = _app(demo_database, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot)
        await _type(pilot, typed)
        unit = screen.query_one("#unit", Input)
        assert unit.value == customer.unit_number
        await pilot.press(*["backspace"] * len(typed))
        await pilot.pause(CARD_FOLLOW_UP * 2)
        await settle(pilot)
        assert customer.name not in str(screen.query_one("#card").render())
        assert unit.value == ""
        # a unit number the agent typed is theirs: a new number leaves it alone
        await _type(pilot, "139")
        unit.value = "B-1203"
        await _type(pilot, "00009999")
        await pilot.press(*["backspace"] * 11)
        await settle(pilot)
        assert unit.value == "B-1203"


async def test_one_ctrl_n_over_typed_words_keeps_them_and_says_so_the_second_empties(
    demo_database: Database, clock: FixedClock
) -> None:
    """Found walking the desk: Ctrl+N threw away the caller's words and the answer typed
    during the call on one key, with no way back. The first Ctrl+N keeps everything and says
    a second one empties the form; typing in between asks again; a form holding only what the
    phone or the card filled empties on one."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _intake(pilot)
        words = screen.query_one("#words", TextArea)
        words.focus()
        await pilot.press(*"网络断了")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert words.text == "网络断了"
        assert any("再按一次 Ctrl+N 清空" in str(n.message) for n in app._notifications)
        await pilot.press(*"两天")  # typed since: the next Ctrl+N asks again
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert words.text == "网络断了两天"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert words.text == ""
        _, typed = known_caller(demo_database)
        screen.query_one("#phone", Input).focus()
        await pilot.press(*typed)
        await pilot.pause(CARD_FOLLOW_UP * 2)
        await settle(pilot)
        await pilot.press("ctrl+n")  # only the number: nothing of the agent's words to lose
        await settle(pilot)
        assert screen.query_one("#phone", Input).value == ""
