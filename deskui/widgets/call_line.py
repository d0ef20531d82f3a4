"""The one line that says the phone is ringing, the call the agent is on, or their wrap-up
(issue 25): docked at the top of whatever screen is in front, the lock included."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from deskui.domain.visible_text import visible


class CallLine(Widget):
    """Shows `text` on one line, cut to the width in cells; hidden while empty. The text is
    painted literally (it names a caller): never markup, never a control character."""

    DEFAULT_CSS = """
    CallLine {
        dock: top;
        height: 1;
        padding: 0 1;
        display: none;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    CallLine.-shown { display: block; }
    CallLine.-wrap-up { background: $accent 60%; text-style: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str, kind: str = "") -> None:
        """Show `text` (empty hides the line); `kind` "wrap-up" paints it calmer."""
        text = visible(text)
        self.set_class(bool(text), "-shown")
        self.set_class(kind == "wrap-up", "-wrap-up")
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> RenderResult:
        width = max(0, self.content_region.width)
        line = self._text
        if width and cell_len(line) > width:
            line = set_cell_size(line, width - 1) + "…"
        return Text(line, no_wrap=True, overflow="crop")
