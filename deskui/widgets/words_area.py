"""A form's text area where Enter goes on to the next field (issue 26).

At intake the agent types the customer's words and goes on: an Enter pressed there by habit
added empty lines to the record instead. Enter now does what Tab does; a new line is Ctrl+J
(or Shift+Enter, where the terminal tells it from Enter), shown in the footer while the
area has the focus.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import TextArea

from deskui.keys import localize_bindings

NEW_LINE_KEYS = frozenset({"ctrl+j", "shift+enter"})
"""Keys that start a new line where Enter goes to the next field."""


async def enter_moves_on(area: TextArea, event: events.Key) -> bool:
    """Handle Enter (to the next field) and the new-line keys in `area`; True when done."""
    if area.read_only:
        return False
    if event.key == "enter":
        event.stop()
        event.prevent_default()
        area.screen.focus_next()
        return True
    if event.key in NEW_LINE_KEYS:
        event.stop()
        event.prevent_default()
        start, end = area.selection
        area.replace("\n", start, end)
        return True
    return False


class WordsArea(TextArea):
    """A TextArea whose Enter moves to the next field; Ctrl+J starts a new line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "new_line", "keys.new_line", id="new_line", tooltip="keys.new_line_tip"),
    ]

    def __init__(self, **kwargs: Any) -> None:  # TextArea's own
        super().__init__(**kwargs)
        localize_bindings(self)

    async def _on_key(self, event: events.Key) -> None:
        if await enter_moves_on(self, event):
            return
        await super()._on_key(event)

    def action_new_line(self) -> None:
        """Reached only when the key came as an action (the palette): a new line."""
        start, end = self.selection
        self.replace("\n", start, end)
