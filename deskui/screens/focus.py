"""Where a dialog's focus starts (issue 13): on its first field, so the first keys pressed
after it opens land there and never on nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen


def focus_first_field(screen: Screen[Any], names: Sequence[str]) -> None:
    """Focus the first enabled `#f-<name>`."""
    for name in names:
        widget = screen.query_one(f"#f-{name}")
        if not widget.disabled:
            widget.focus()
            return


def closed_before_mount(screen: object) -> bool:
    """`screen` left the stack before its Mount was handled (a key typed ahead opened another
    place): its widgets are gone, and there is nothing to fill or focus. Never true of a
    widget that is not a screen."""
    return isinstance(screen, Screen) and screen not in screen.app.screen_stack
