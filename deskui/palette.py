"""The command palette in the agent's language: Textual writes its own words in English."""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.widgets.option_list import Option

from deskui.i18n import t


class DeskCommandPalette(CommandPalette):
    """Textual's palette; the placeholder comes from the caller, "no matches" from the catalog."""

    def _gather_commands(self, search_value: str) -> Any:
        """No search once the palette is off the stack: a typed search still queued when a
        worker's screen closed it failed on its removed list (issue 23, the key walk)."""
        if self not in self.app.screen_stack:
            return None
        return super()._gather_commands(search_value)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (textual/command.py) builds its "No matches found" line inline: the
        # same countdown, with the line in the current locale
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class AliasProvider(Provider):
    """Screen commands found by other words too (the app's `palette_aliases`): 搜索 and
    search find 查找 (Ctrl+F). The command is shown by its own title, as the system
    commands show it; one whose title matches already is theirs to show."""

    async def search(self, query: str) -> Hits:
        aliases = getattr(self.app, "palette_aliases", None)
        if aliases is None:
            return
        matcher = self.matcher(query)
        for command, words in aliases():
            if matcher.match(command.title) > 0:
                continue  # the system commands offer it under its title
            score = max((matcher.match(word) for word in words.split()), default=0.0)
            if score > 0:
                yield Hit(score, Text(command.title), command.callback, help=command.help)
