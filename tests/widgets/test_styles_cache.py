"""unpin_styles_caches: a removed widget's rendered lines are not kept by Textual's cache of
background styles (issue 27, textual#6665: the last 1024 widgets painted stayed alive)."""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Static

from deskui.widgets.styles_cache import unpin_styles_caches


class Card(Screen[None]):
    def compose(self) -> ComposeResult:
        for n in range(5):
            yield Static(f"第 {n} 行", classes="card")


class Desk(App[None]):
    CSS = ".card { background: $panel; }"

    def compose(self) -> ComposeResult:
        yield Static("台面", id="desk")


async def test_a_closed_screens_lines_are_let_go_of() -> None:
    unpin_styles_caches()
    app = Desk()
    async with app.run_test() as pilot:
        caches = []
        for _ in range(3):
            await app.push_screen(Card())
            await pilot.pause()
            caches += [weakref.ref(w._styles_cache) for w in app.screen.query(Static)]
            assert all(ref()._cache for ref in caches[-5:])  # type: ignore[union-attr]  # painted
            await app.pop_screen()
            await pilot.pause()
        gc.collect()
        assert [ref for ref in caches if ref() is not None] == []
        desk = app.query_one("#desk", Static)
        assert desk._styles_cache._cache  # the screen on show keeps its lines


async def test_the_styles_are_those_textual_computes() -> None:
    """The inner and outer background styles Textual's own method gives, cache or not."""
    unpin_styles_caches()
    unpin_styles_caches()  # a second call changes nothing
    from textual._styles_cache import StylesCache
    from textual.color import Color

    base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
    expected = (Style(background=base + background), Style(background=base))
    assert StylesCache().get_inner_outer(base, background) == expected
    assert StylesCache().get_inner_outer(base, background) == expected
