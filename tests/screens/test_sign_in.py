"""Signing in at the desk (issue 16): with a password from the start (--agent and
DESKUI_PASSWORD), a wrong one keeps the name and says why, and the idle lock keeps what was
typed behind the password while Esc cannot lift it."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest
from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.intake import IntakeScreen
from deskui.screens.sign_in import Mode, SignInScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.team_desk import PASSWORDS, add_team

PASSWORD = PASSWORDS["王芳"]


async def test_the_password_given_at_start_signs_in_and_a_wrong_one_says_why(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="王芳"), agent_password="wrong-one")
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.agent is None
        assert str(app.screen.query_one("#sign-in-error", Static).render()) == "姓名或密码不对"
        assert app.screen.query_one("#sign-in-name", Input).value == "王芳"
        assert app.screen.query_one("#sign-in-password", Input).has_focus
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen) and app.agent is not None
        assert app.agent.name == "王芳"


async def test_the_password_given_at_start_is_checked_as_the_database_opens(
    empty_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 27: the argon2id check of the password given at start runs beside the rest of
    the start (a thread of its own from the database's first reads), not after the sign-in
    screen asks for it; the sign-in then takes its answer: one check, not two."""
    from deskui.services import accounts

    add_team(empty_database, clock)
    said: list[str] = []
    hasher = accounts._hasher()

    class Hasher:
        def verify(self, password_hash: str, password: str) -> bool:
            said.append("check")
            return bool(hasher.verify(password_hash, password))

    sign_in = accounts.sign_in

    def signing_in(*args: Any) -> Any:
        said.append("sign_in")
        return sign_in(*args)

    monkeypatch.setattr(accounts, "_HASHER", Hasher())
    monkeypatch.setattr(accounts, "sign_in", signing_in)
    settings = replace(make_settings(empty_database, agent="王芳"), agent_password=PASSWORD)
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen) and app.agent is not None
        assert app.agent.name == "王芳"
    assert said == ["check", "sign_in"]


async def test_the_idle_desk_locks_keeps_the_typing_and_only_the_password_unlocks(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="王芳"), agent_password=PASSWORD)
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press(*"13812345678")
        app._last_input = time.monotonic() - 11 * 60  # eleven minutes untouched
        app._tick()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.UNLOCK
        await pilot.press("escape")  # no way round the password
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.is_running
        await pilot.press(*"not-it-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#phone", Input).value == "13812345678"


async def test_the_demo_people_never_lock(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None
        shown = app.screen
        app._last_input = time.monotonic() - 60 * 60
        app._tick()
        await settle(pilot)
        assert app.screen is shown and not isinstance(app.screen, SignInScreen)
