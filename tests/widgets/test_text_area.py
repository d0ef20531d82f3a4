"""DeskTextArea: a text area removed from the screen is not kept alive by the app (issue 27:
Textual's TextArea stays on the app's theme watchers until the theme changes, its document
and rendered lines with it, so every form closed in a shift stayed in memory)."""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import TextArea

from deskui.widgets.text_area import DeskTextArea

DESKUI = Path(__file__).resolve().parents[2] / "deskui"


class Form(App[None]):
    def compose(self) -> ComposeResult:
        yield DeskTextArea("第一次来电", id="words")


class Note(Screen[None]):
    """A form opened over the desk and closed again, as a complaint or a callback is."""

    def compose(self) -> ComposeResult:
        yield DeskTextArea("客户说的话", id="note")


async def test_the_text_area_of_a_closed_form_is_let_go_of() -> None:
    app = Form()
    async with app.run_test() as pilot:
        areas = []
        for _ in range(3):
            await app.push_screen(Note())
            await pilot.pause()
            areas.append(weakref.ref(app.screen.query_one("#note", DeskTextArea)))
            await app.pop_screen()
            await pilot.pause()
        # the loop keeps a stopped blink timer's cancelled wake-up, and with it the area's
        # context, until the half second it was due at (later on a loaded host): past that,
        # only a holder is left. Looked at again for up to 10 s, never less than 0.6 s.
        await pilot.pause(0.6)
        for _ in range(47):
            gc.collect()
            if all(ref() is None for ref in areas):
                break
            await pilot.pause(0.2)
        assert [ref() for ref in areas] == [None, None, None]
        assert app.query_one("#words", DeskTextArea).text == "第一次来电"  # one still there


async def test_the_app_still_tells_a_mounted_area_of_a_new_theme() -> None:
    """Only the removed area's watcher goes: the one on screen still takes the app's theme."""
    app = Form()
    async with app.run_test() as pilot:
        gone = DeskTextArea("走了")
        await app.screen.mount(gone)
        await gone.remove()
        await pilot.pause()
        area = app.query_one("#words", DeskTextArea)
        before = area._theme
        app.theme = "textual-light"
        await pilot.pause()
        assert area._theme is not before  # rebuilt from the new theme's styles


def test_every_text_area_of_the_desk_is_a_desk_text_area() -> None:
    """A bare `TextArea(...)` built anywhere in deskui would be kept alive again."""
    built = re.compile(r"(?<![\w.])TextArea\(")
    subclassed = re.compile(r"class \w+\((?:textual\.widgets\.)?TextArea\)")
    found = [
        f"{path.relative_to(DESKUI.parent)}:{number}"
        for path in sorted(DESKUI.rglob("*.py"))
        if path.name != "text_area.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if built.search(line) or subclassed.search(line)
    ]
    assert found == []
    assert issubclass(DeskTextArea, TextArea)
