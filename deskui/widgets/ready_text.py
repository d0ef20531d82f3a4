"""A fixed-size text whose lines can be rendered before it is shown.

The intake's caller card is painted in the frame of the keystroke that completes a number.
Rendering a 9-line card (turning styled text into cells, wrapping Chinese text) was the
largest single cost of that frame (benchmarks/README.md). `ReadyText.prepare` does it
between keystrokes, for the answers the next key may bring; `update` with what `prepare`
returned then only swaps the lines in. Anything else (plain text, a prepared text for
another size or style) is rendered at paint time like a `Static`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import messages
from textual.dom import NoScreen
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A text rendered for one size and style of one `ReadyText`."""

    visual: Visual
    size: Size
    style: Style
    lines: list[Strip]


class ReadyText(Widget):
    """Shows text literally (no markup) at a height set by CSS; never asks for a layout."""

    DEFAULT_CSS = """
    ReadyText {
        height: 1;
    }
    """

    def __init__(
        self, content: VisualType = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._visual: Visual = visualize(self, content, markup=False)
        self._shown: object = content
        """What `update` was last given: the same again changes nothing (no refresh)."""
        self._ready: list[Strip] | None = None
        self._ready_size = Size(0, 0)

    @property
    def visual(self) -> Visual:
        """What is shown (its `str` is the plain text)."""
        return self._visual

    def render(self) -> Visual:
        return self._visual

    def prepare(self, content: VisualType) -> PreparedText:
        """Render `content` now, for an `update` later (while the size and style hold)."""
        visual = visualize(self, content, markup=False)
        size = self.size
        style = self.visual_style
        lines = Visual.to_strips(self, visual, size.width, size.height, style)
        return PreparedText(visual, size, style, lines)

    def update(self, content: VisualType | PreparedText) -> None:
        """Show new content: prepared lines are used as they are when they still fit.

        The same text (or the same prepared lines) as shown is no change: the intake says
        "keep typing" on the card at every digit after the 4th, and each refresh rendered
        its nine lines again in the frame of the digit's echo (issue 27)."""
        if _same(content, self._shown):
            return
        self._shown = content
        if isinstance(content, PreparedText):
            self._visual = content.visual
            fits = content.size == self.size and content.style == self.visual_style
            self._ready = content.lines if fits else None
            self._ready_size = content.size
        else:
            self._visual = visualize(self, content, markup=False)
            self._ready = None
        self.refresh()
        self._join_next_frame()

    def _join_next_frame(self) -> None:
        """Tell the screen now that this text is to be painted, as Textual's own refresh
        does later, when this widget next goes idle (Widget._check_refresh posts the same
        `Update`). Changed in a keystroke (the card the digit completes), the text went idle
        after the screen had begun the frame of the digit's echo: it came 25-40 ms after
        the digit instead of in its frame (issue 27). The later `Update` finds nothing left
        to paint."""
        if not self.is_mounted or not self.display:
            return
        try:
            screen = self.screen
        except NoScreen:
            return
        screen.post_message(messages.Update(self))

    def render_line(self, y: int) -> Strip:
        ready = self._ready
        if ready is None or self._ready_size != self.size:  # resized since: render again
            self._ready = None
            return super().render_line(y)
        if y < len(ready):
            return ready[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        self._ready = None  # a theme or pseudo-class change restyles the text
        super().notify_style_update()

    def selection_updated(self, selection: Selection | None) -> None:
        self._ready = None  # the selection's highlight is drawn at render time
        super().selection_updated(selection)


def _same(new: object, shown: object) -> bool:
    """Whether `new` shows exactly what `shown` did: the same object, the same string, or a
    `Text` with the same characters, spans and style (prepared lines: only the same ones)."""
    if new is shown:
        return True
    if isinstance(new, str) and isinstance(shown, str):
        return new == shown
    if type(new) is Text and type(shown) is Text:
        return (new.plain, new.spans, new.style, new.end) == (
            shown.plain,
            shown.spans,
            shown.style,
            shown.end,
        ) and (new.justify, new.overflow, new.no_wrap) == (
            shown.justify,
            shown.overflow,
            shown.no_wrap,
        )
    return False
