"""How each screen looks at 120x36: frozen clock, demo data, dark theme, no blinking cursor.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.team_desk import add_team


def _pressing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_desk_zh_cn(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_desk)


def test_desk_en(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_desk)


def test_sign_in_wrong_password(
    snap_compare: Any, empty_database: Database, clock: FixedClock
) -> None:
    """A team's desk: the name given at start, a wrong password said plainly (issue 16)."""
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="王芳"), agent_password="wrong-one")
    app = make_app(settings, clock, empty_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_accounts(snap_compare: Any, empty_database: Database, clock: FixedClock) -> None:
    """The lead's accounts (palette 账号管理): roles, states, password states."""
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="张伟"), agent_password="lead-pass-1")
    app = make_app(settings, clock, empty_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        from deskui.screens.accounts import AccountsModal

        pilot.app.push_screen(AccountsModal())
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_agent_pick(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent=None), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_help(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f1"))


def test_search_results(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    """Ctrl+F, two characters of a problem, Enter: the tickets found, why, newest first."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    keys = ("ctrl+f", "黑", "屏", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing(*keys))


def test_team_view(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f6"))


def test_first_run_name_error(
    snap_compare: Any, empty_database: Database, clock: FixedClock
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(make_settings(empty_database, agent=None), clock, empty_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
