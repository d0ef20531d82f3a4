"""A one-line banner for trouble the agent must see (database gone, locked, retrying)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


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
        return Text(self.message)

    def watch_message(self, message: str) -> None:
        self.set_class(bool(message), "-shown")
