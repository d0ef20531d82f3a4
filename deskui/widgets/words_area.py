"""A form's text area where Enter goes on to the next field (issue 26).

At intake the agent types the customer's words and goes on: an Enter pressed there by habit
added empty lines to the record instead. Enter now does what Tab does; a new line is Ctrl+J
(or Shift+Enter, where the terminal tells it from Enter), shown in the footer while the
area has the focus. The keys are priority bindings of the area itself, so they are decided
before TextArea's own key handling would insert a line.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import TextArea

from deskui.keys import localize_bindings
from deskui.widgets.text_area import DeskTextArea

ENTER_MOVES_ON: list[BindingType] = [
    Binding("enter", "next_field", show=False, priority=True),
    Binding(
        "ctrl+j",
        "new_line",
        "keys.new_line",
        id="new_line",
        tooltip="keys.new_line_tip",
        priority=True,
    ),
    Binding("shift+enter", "new_line", show=False, priority=True),
]
"""The bindings of a text area whose Enter moves on: for WordsArea and the answer's area."""


def new_line(area: TextArea) -> None:
    """A line break where the cursor is (the selection replaced), as Enter used to."""
    if not area.read_only:
        start, end = area.selection
        area.replace("\n", start, end)


class WordsArea(DeskTextArea):
    """A TextArea whose Enter moves to the next field; Ctrl+J starts a new line."""

    BINDINGS: ClassVar[list[BindingType]] = ENTER_MOVES_ON

    def __init__(self, **kwargs: Any) -> None:  # TextArea's own
        super().__init__(**kwargs)
        localize_bindings(self)

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_new_line(self) -> None:
        new_line(self)
