"""Whether a widget shows that it has the focus: its cells differ, focused and not, by more
than a faint tint (a character, a text style, or a colour clearly apart)."""

from __future__ import annotations

from typing import Any

from rich.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

CLEARLY_APART = 40
"""RGB distance (of 441) a colour must move by: a 5% tint moves it by about 15."""


def _cells(app: Any, widget: Widget) -> list[tuple[str, Any]]:
    region = widget.region
    cells: list[tuple[str, Any]] = []
    strips = app.screen._compositor.render_strips()
    for y in range(region.y, region.bottom):
        line = strips[y].crop(region.x, region.right)
        for segment in line:
            text, style, _ = segment
            if style is None or segment.control:
                continue
            for char in text:
                cells.append((char, style))
    return cells


def _rgb(color: Color | None) -> tuple[int, int, int]:
    if color is None:
        return (0, 0, 0)
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _apart(a: Color | None, b: Color | None) -> bool:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5 > CLEARLY_APART


def _differs(before: list[tuple[str, Any]], after: list[tuple[str, Any]]) -> bool:
    if len(before) != len(after):
        return True
    for (c1, s1), (c2, s2) in zip(before, after, strict=True):
        if c1 != c2 or (s1.bold, s1.italic, s1.underline, s1.reverse) != (
            s2.bold,
            s2.italic,
            s2.underline,
            s2.reverse,
        ):
            return True
        if _apart(s1.color, s2.color) or _apart(s1.bgcolor, s2.bgcolor):
            return True
    return False


async def shows_focus(pilot: Pilot[Any], widget: Widget) -> bool:
    """Focus moved off `widget` and onto it: does the screen show the difference?"""
    if isinstance(widget, Input | TextArea):
        widget.cursor_blink = False  # the cursor is the sign; its blinking is no part of it
    pilot.app.screen.set_focus(None)
    await pilot.pause()
    before = _cells(pilot.app, widget)
    widget.focus()
    await pilot.pause()
    return _differs(before, _cells(pilot.app, widget))


def focus_stops(app: Any) -> list[Widget]:
    """What Tab visits on the active screen."""
    return list(app.screen.focus_chain)


def unshown(stops: list[Widget]) -> str:
    """The stops named for a failure: the class and the id (or its parent's)."""
    names = [f"{type(w).__name__}#{w.id or (w.parent.id if w.parent else '')}" for w in stops]
    return ", ".join(names)
