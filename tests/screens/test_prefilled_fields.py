"""A prefilled field keeps what it holds when the agent types into it (issue 26): Textual's
Input selected its whole value on focus, so the first key replaced a contact's phone in the
complaint's step 5, and Ctrl+Z did not bring it back. Every form's one-line field is a
FieldInput: the cursor at the end, Ctrl+Z takes the last edit back. A text area the form
fills (the complaint's customer words, a restored draft) has its cursor at the end too: the
first key went in front of the customer's words."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.widgets.field_input import FieldInput
from deskui.widgets.text_area import DeskTextArea
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.screens.test_complaint_screens import (
    ANGRY,
    _at_step_four,
    _done,
    _open_from_list,
    _ticket,
)

SCREENS = Path(__file__).resolve().parents[2] / "deskui" / "screens"


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield FieldInput("", id="first")
        yield FieldInput("13800138000", id="second")


async def test_tab_into_a_prefilled_field_and_type_adds_to_it_and_ctrl_z_takes_it_back() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        await pilot.press("tab", "9", "9")
        second = app.query_one("#second", Input)
        assert second.value == "1380013800099"
        await pilot.press("ctrl+z")  # the run of typed digits is one edit
        assert second.value == "13800138000"
        await pilot.press("ctrl+u", "ctrl+z")  # cleared and back
        assert second.value == "13800138000"


async def test_in_the_complaints_step_5_the_contacts_phone_survives_a_key_typed_into_it(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _at_step_four(pilot, demo_database, ticket_id)
        await pilot.press(*"2026-11-23 16:00")
        await _done(pilot)
        phone = app.screen.query_one("#contact_phone", Input)
        before = phone.value
        assert before  # step 5 fills it from the ticket
        app.screen.set_focus(None)
        await pilot.pause()
        phone.focus()
        await pilot.press("1")
        assert phone.value == before + "1"
        await pilot.press("backspace", "backspace")
        await pilot.press("ctrl+z", "ctrl+z")
        assert phone.value == before + "1"
        await pilot.press("ctrl+z")
        assert phone.value == before
        await settle(pilot)


async def test_a_key_typed_as_the_complaint_opens_goes_after_the_customers_words(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "王芳", ticket_id)
        words = app.screen.query_one("#customer_words", TextArea)
        before = words.text
        assert before.startswith(ANGRY)  # step 1 shows the ticket's words, focused
        assert app.focused is words
        await pilot.press(*"ok")
        assert words.text == before + "ok"  # was "ok" + the customer's words
        await settle(pilot)


class FilledLater(App[None]):
    def compose(self) -> ComposeResult:
        yield FieldInput("", id="first")
        yield DeskTextArea("", id="area")


async def test_text_put_into_an_area_leaves_the_cursor_at_its_end_focused_or_not() -> None:
    app = FilledLater()
    async with app.run_test() as pilot:
        area = app.query_one("#area", DeskTextArea)
        area.text = "草稿\n第二行"  # not focused: the cursor moves when the focus comes
        await pilot.pause()
        await pilot.press("tab", "x")
        assert area.text == "草稿\n第二行x"
        area.text = "恢复的草稿"  # a draft that comes back while the area has the focus
        await pilot.pause()
        await pilot.press("y")
        assert area.text == "恢复的草稿y"
        await pilot.press("home", "z", "shift+tab", "tab", "w")  # moved by the agent: stays
        assert area.text == "zw恢复的草稿y"


def _inputs_built(path: Path) -> list[int]:
    """Lines of `path` that build a plain Textual Input (not a FieldInput)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "Input":
                lines.append(node.lineno)
    return lines


def test_no_screen_builds_a_plain_input() -> None:
    found: dict[str, Any] = {}
    for path in sorted(SCREENS.glob("*.py")):
        lines = _inputs_built(path)
        if lines:
            found[path.name] = lines
    assert not found, f"plain Inputs select their value on focus: {found}"
