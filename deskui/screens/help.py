"""F1: the keymap and what each screen is for, in the agent's language."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskui.i18n import t
from deskui.keys import localize_bindings, offered
from deskui.navigation import KeptScreen
from deskui.widgets.key_footer import KeyFooter


class HelpScreen(KeptScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="help")
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        yield Static(t("help.title"), classes="section-title")
        with VerticalScroll():
            yield Static(self._keymap(), id="keymap")
            yield Static(Text(t("help.countdown")), id="countdown-help")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        """Brought back from further down the stack: the keys of the screen now below."""
        self.query_one("#keymap", Static).update(self._keymap())

    def reopened(self) -> None:
        """F1 again after Esc: from the top, as a help opened afresh (the keys listed are
        those of the screen now below it, on_screen_resume)."""
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def _keymap(self) -> Table:
        table = Table(box=None, show_header=True, header_style="bold", expand=False)
        table.add_column(t("help.key"))
        table.add_column(t("help.does"))
        # Esc and Ctrl+P get their own rows at the end
        seen: set[str] = {"escape"}
        below = [screen for screen in self.app.screen_stack if screen is not self][-1:]
        for node in (self.app, *below):
            for key_bindings in node._bindings.key_to_bindings.values():
                for binding in key_bindings:
                    if binding.action.endswith("command_palette") or not binding.tooltip:
                        continue  # Textual's own (focus, copy) have no tooltip of ours
                    if not offered(node, binding):
                        continue  # not for this agent's role: not offered (issue 14)
                    if binding.description and binding.key not in seen:
                        seen.add(binding.key)
                        table.add_row(key_label(binding), Text(binding.tooltip))
        table.add_row("Esc", Text(t("keys.back_tip")))
        table.add_row("Ctrl+P", Text(t("help.palette")))
        return table


def key_label(binding: Binding) -> str:
    """A key as the agent presses it: `f1` as `F1`, `ctrl+q` as `Ctrl+Q`, but a letter alone
    as typed (`a` adds, `A` acknowledges all: capitalising both showed "A" twice)."""
    if binding.key_display:
        return binding.key_display
    *modifiers, key = binding.key.split("+")
    if not modifiers and len(key) == 1:
        return key
    named = key.upper() if len(key) == 1 else key.capitalize()
    return "+".join([*(modifier.capitalize() for modifier in modifiers), named])
