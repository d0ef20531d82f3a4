"""A banner for trouble the agent must see (database gone, locked, retrying), news
(holidays not loaded), and the saves still waiting for the database, on every screen that
has one; wrapped as a reader of Chinese expects."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from deskui.domain.visible_text import visible

NO_LINE_START = frozenset("，。、；：？！）》」』】,.;:?!)%")
"""Punctuation a line never starts with: it goes up with the character before it."""


def _ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_/.")


def wrap_cells(message: str, width: int) -> list[str]:
    """`message` in lines of at most `width` cells. Chinese breaks between any two
    characters (never before closing punctuation), ASCII words and numbers only at a space:
    a word wrap would put "2027" alone on a line and the sentence after it on the next."""
    if width <= 0:
        return [message]
    lines: list[str] = []
    for paragraph in message.split("\n"):
        line = ""
        for char in paragraph:
            if cell_len(line + char) <= width:
                line += char
                continue
            cut = len(line)
            if _ascii_word(char) and line and _ascii_word(line[-1]) and " " in line:
                cut = line.rindex(" ") + 1  # the word goes down whole
            elif char in NO_LINE_START and len(line) > 1:
                cut = len(line) - 1  # the character before goes down with the punctuation
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip() + char
        lines.append(line.rstrip())
    return lines


class Banner(Widget):
    """Hidden while both `message` and `pending` are empty; shows them literally (they may
    quote user data). `pending` is set by the app for every banner on the stack."""

    DEFAULT_CSS = """
    Banner {
        height: auto;
        display: none;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    Banner.-shown { display: block; }
    Banner.-notice { background: $warning 40%; text-style: none; }
    Banner.-attention { background: $warning; color: $text; text-style: bold; }
    Banner.-pending-only { background: $warning; color: $text; text-style: bold; }
    """

    message: reactive[str] = reactive("", layout=True)
    pending: reactive[str] = reactive("", layout=True)
    """How many saves wait for the database and how to discard them ("" when none)."""

    def on_mount(self) -> None:
        # a banner mounted while saves wait says so from the start (the app knows how many)
        pending = getattr(self.app, "pending_saves", None)
        if pending is not None:
            self.pending = pending.text()

    def render(self) -> Text:
        lines = wrap_cells(visible(self._text()), self.size.width)
        return Text("\n".join(lines), no_wrap=True, overflow="crop")

    def _text(self) -> str:
        return "  ".join(part for part in (self.message, self.pending) if part)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        text = self._text()
        return len(wrap_cells(visible(text), width)) if text else 0

    def watch_message(self) -> None:
        self._shown()

    def watch_pending(self) -> None:
        self._shown()

    def _shown(self) -> None:
        self.set_class(bool(self.message or self.pending), "-shown")
        self.set_class(bool(self.pending and not self.message), "-pending-only")
