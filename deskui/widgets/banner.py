"""A banner for trouble or news the agent must see (database gone, holidays not loaded)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

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
    """Hidden while `message` is empty; shows it literally (it may quote user data)."""

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
    """

    message: reactive[str] = reactive("", layout=True)

    def render(self) -> Text:
        lines = wrap_cells(self.message, self.size.width)
        return Text("\n".join(lines), no_wrap=True, overflow="crop")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap_cells(self.message, width)) if self.message else 0

    def watch_message(self, message: str) -> None:
        self.set_class(bool(message), "-shown")
