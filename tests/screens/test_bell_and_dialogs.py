"""One way to ring the bell and one guarded way to open a dialog (issue 23): a Screen has no
bell (a lead's `4` then `a` on F4 ended the desk with exit 70), and Enter twice on a ticket
row pushed the ticket's detail twice (DuplicateIds 'ticket-detail', exit 70)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

import deskui
from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.navigation import open_modal
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.desk import DeskScreen
from deskui.screens.measures import MeasuresScreen
from deskui.screens.team import TeamScreen
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.key_burst import burst, handled

SOURCE = Path(deskui.__file__).parent


@cache
def _trees() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(SOURCE)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SOURCE.rglob("*.py"))
    ]


class _Calls(ast.NodeVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.function = ""
        self.found: list[tuple[str, ast.Call]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr == self.name:
            self.found.append((self.function, node))
        self.generic_visit(node)


def calls_of(name: str) -> list[tuple[str, str, ast.Call]]:
    """Every call of an attribute `name` (`x.name(...)`) in deskui: (file, function, call)."""
    found = []
    for path, tree in _trees():
        calls = _Calls(name)
        calls.visit(tree)
        found += [(path, function, call) for function, call in calls.found]
    return found


def test_only_ring_bell_rings_the_bell() -> None:
    """`self.bell()` on a Screen is an AttributeError when the key comes: every bell goes
    through navigation.ring_bell, which rings the app's."""
    rings = {(path, function, ast.unparse(call)) for path, function, call in calls_of("bell")}
    assert rings == {("navigation.py", "ring_bell", "node.app.bell()")}


def test_every_dialog_opens_through_open_modal() -> None:
    """A `push_screen` of its own skips the guard against a second push (a second Enter):
    only navigation pushes, and the app its command palette (which guards itself)."""
    others = [
        (path, ast.unparse(call))
        for path, _, call in calls_of("push_screen")
        if path != "navigation.py"
    ]
    assert others, "the palette's pushes are where this test looks"
    for path, call in others:
        assert path == "app.py" and call.startswith("self.push_screen(DeskCommandPalette("), call


@pytest.fixture
def bells(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rung: list[str] = []
    monkeypatch.setattr(DeskApp, "bell", lambda app: rung.append(type(app.screen).__name__))
    return rung


async def test_a_lead_pressing_a_on_f4_coverage_hears_the_bell(
    demo_database: Database, clock: FixedClock, bells: list[str]
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for key in ("f4", "4", "a"):
            await pilot.press(key)
            await settle(pilot)
        assert bells == ["CallbacksScreen"]
        assert isinstance(app.screen, CallbacksScreen)
        assert app.is_running and app.return_code is None


async def test_enter_on_a_measure_without_records_rings_the_bell(
    demo_database: Database, clock: FixedClock, bells: list[str]
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for key in ("ctrl+t", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert bells == ["MeasuresScreen"]
        assert isinstance(app.screen, MeasuresScreen)
        assert app.is_running and app.return_code is None


async def _on_a_ticket_row(pilot: Any, work: WorkList) -> None:
    for index in range(work.count or 0):
        row = work.row_at(index)
        if row is not None and row.subject_type == "ticket":
            work.move_cursor(index)
            await settle(pilot)
            return
    raise AssertionError("no ticket among the rows")


@pytest.mark.parametrize(
    ("keys", "screen", "work_id"), [((), DeskScreen, "#work"), (("f6",), TeamScreen, "#team-work")]
)
async def test_enter_twice_at_once_on_a_ticket_opens_its_detail_once(
    demo_database: Database,
    clock: FixedClock,
    keys: tuple[str, ...],
    screen: type[Screen[Any]],
    work_id: str,
) -> None:
    """Both Enters queued before the first is handled (no pause between them): one detail
    opens; the second Enter reaches it, and one Esc is back on the list."""
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, screen)
        await _on_a_ticket_row(pilot, app.screen.query_one(work_id, WorkList))
        burst(app, ["enter", "enter"])
        await handled(pilot)
        assert app.is_running and app.return_code is None
        details = [s for s in app.screen_stack if isinstance(s, TicketDetailModal)]
        assert len(details) == 1 and app.screen is details[0]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, screen)


class Dialog(ModalScreen[str]):
    def __init__(self, text: str, id: str | None = "dialog") -> None:
        super().__init__(id=id)
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.text)


class Place(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("place")


async def test_a_dialog_asked_for_twice_at_once_opens_once() -> None:
    app: App[None] = App()
    answers: list[str | None] = []
    async with app.run_test() as pilot:
        assert open_modal(app, Dialog("first"), answers.append)
        assert not open_modal(app, Dialog("second"), answers.append)  # before it mounted
        await pilot.pause()
        assert not open_modal(app, Dialog("third"), answers.append)  # open
        assert [s.text for s in app.screen_stack if isinstance(s, Dialog)] == ["first"]
        app.screen.dismiss("done")
        await pilot.pause()
        assert answers == ["done"]
        # one without an id: the same class on top is the same dialog
        assert open_modal(app, Dialog("fourth", id=None))
        assert not open_modal(app, Dialog("fifth", id=None))
        assert len(app.screen_stack) == 2


async def test_a_dialog_left_under_another_place_is_closed_before_its_id_opens_again() -> None:
    """A dialog stays open under a screen an F-key brought over it; asked for again there,
    the old one goes first (two with one id end the app)."""
    app: App[None] = App()
    async with app.run_test() as pilot:
        open_modal(app, Dialog("left open"))
        app.push_screen(Place())
        await pilot.pause()
        assert open_modal(app, Dialog("asked again"))
        assert not open_modal(app, Dialog("and again"))  # the first is still being removed
        await pilot.pause()
        dialogs = [s for s in app.screen_stack if isinstance(s, Dialog)]
        assert [d.text for d in dialogs] == ["asked again"] and app.screen is dialogs[0]
        assert app.is_running and app.return_code is None
