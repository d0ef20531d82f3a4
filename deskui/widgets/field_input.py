"""A form's one-line field: focus leaves what it holds alone, and Ctrl+Z takes a change back.

Textual's Input selects its whole value when Tab brings the focus to it, so the first key
typed into a prefilled field (a contact's phone in the complaint's step 5, the card's unit
number at intake) replaced the value, and nothing brought it back (issue 26). Here the
cursor goes to the end of the value, and the field keeps its own edits to undo.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

UNDO_DEPTH = 100
"""Edits a field keeps to take back; the oldest go first."""


class FieldInput(Input):
    """An Input that does not select its value on focus and undoes its edits with Ctrl+Z
    (a run of typed characters is one edit, as in a text editor)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "Undo", show=False),
    ]

    def __init__(self, value: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)
        self._undo: list[tuple[str, int]] = []
        self._typing_at: int | None = None
        """Where the last typed character ended: the next one typed there joins its edit."""

    def replace(self, text: str, start: int, end: int) -> None:
        before = (self.value, self.cursor_position)
        super().replace(text, start, end)
        if self.value == before[0]:
            return
        typed_on = len(text) == 1 and start == end and start == self._typing_at
        if not typed_on:
            self._undo.append(before)
            del self._undo[:-UNDO_DEPTH]
        self._typing_at = start + 1 if len(text) == 1 and start == end else None

    def action_undo(self) -> None:
        """The field as it was before its last edit."""
        self._typing_at = None
        if not self._undo:
            return
        value, cursor = self._undo.pop()
        self.value = value
        self.cursor_position = cursor
