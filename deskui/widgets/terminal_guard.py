"""The last line between stored text and the terminal (issue 23, DESIGN.md 13).

Screens show record text through `visible` where they build it, so that a cell keeps its
width; this filter runs the same function over every line every widget paints (Textual's
own Input, TextArea, DataTable, OptionList and toasts included), so that a path that forgot,
or an Input holding a record's value as stored, can never clear the screen, restyle it or
rename the terminal.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from deskui.domain.visible_text import drives_terminal, visible


class TerminalGuard(LineFilter):
    """Shows every control character in a painted line as its escape (`\\x1b[2J`). The line
    keeps its width: what the escapes add comes out of the blanks after them (a pane's
    padding), else is cropped at the line's end."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.lines_guarded = 0
        """Lines that reached the filter holding a character that drives the terminal."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not drives_terminal("".join([segment.text for segment in segments])):
            return segments  # nearly every line: one search, at paint time
        last = -1
        for index, segment in enumerate(segments):
            if not segment.control and drives_terminal(segment.text):
                last = index
        if last < 0:
            return segments
        self.lines_guarded += 1
        width = sum(cell_len(segment.text) for segment in segments if not segment.control)
        shown = [
            Segment(visible(segment.text, one_line=True), segment.style)
            if not segment.control and drives_terminal(segment.text)
            else segment
            for segment in segments
        ]
        grown = sum(cell_len(segment.text) for segment in shown if not segment.control) - width
        for index in range(len(shown) - 1, last - 1, -1):
            if grown <= 0:
                break
            text, style, control = shown[index]
            if control:
                continue
            kept = text.rstrip(" ")
            taken = min(grown, len(text) - len(kept))
            if taken:
                shown[index] = Segment(text[: len(text) - taken], style)
                grown -= taken
        shown = [segment for segment in shown if segment.text or segment.control]
        return Segment.adjust_line_length(shown, width)
