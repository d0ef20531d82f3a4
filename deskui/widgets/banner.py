"""A one-line banner for trouble the agent must see (database gone, locked, retrying), and
for the saves still waiting for the database, on every screen that has one."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


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
        return Text("  ".join(part for part in (self.message, self.pending) if part))

    def watch_message(self) -> None:
        self._shown()

    def watch_pending(self) -> None:
        self._shown()

    def _shown(self) -> None:
        self.set_class(bool(self.message or self.pending), "-shown")
        self.set_class(bool(self.pending and not self.message), "-pending-only")
