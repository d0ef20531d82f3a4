"""Where a dialog's focus starts (issue 13): on its first field, so the first keys pressed
after it opens land there and never on nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen


def focus_first_field(screen: Screen[Any], names: Sequence[str]) -> None:
    """Focus the first enabled `#f-<name>`."""
    for name in names:
        widget = screen.query_one(f"#f-{name}")
        if not widget.disabled:
            widget.focus()
            return


def closed_before_mount(screen: object) -> bool:
    """`screen` left the stack before its Mount was handled (a key typed ahead opened another
    place): its widgets are gone, and there is nothing to fill or focus. Never true of a
    widget that is not a screen, nor of a screen installed off the stack (built ahead, or
    kept: its widgets stay, to be shown)."""
    if not isinstance(screen, Screen) or screen in screen.app.screen_stack:
        return False
    return not screen.app.is_screen_installed(screen)


class ComposedTabOrder(Screen[Any]):
    """Tab and Shift+Tab follow the order the form is composed in, not where its last layout
    put each field. Textual sorts the focus chain by each widget's region, and a part just
    shown (the new customer's fields, when a number typed ahead finds nobody) has no region
    until the next layout: a key typed ahead in the same frame (Enter in the words) went to
    that part first, and every key after it one field off. The form's composition is the
    order a call goes (issue 26), known at once, so Tab never waits for a layout."""

    def _composed_chain(self) -> list[Any]:
        chain = self.focus_chain  # what may take focus now: shown, enabled, visible
        if len(chain) < 2:
            return chain
        place = {id(widget): index for index, widget in enumerate(self.walk_children())}
        return sorted(chain, key=lambda widget: place.get(id(widget), len(place)))

    def _move_in_composed_order(self, step: int, selector: str | type[Any]) -> Any:
        chain = self._composed_chain()
        if self.maximized is not None or not chain or selector != "*":
            return super().focus_next(selector) if step > 0 else super().focus_previous(selector)
        focused = self.focused
        if focused is None or focused not in chain:
            self.set_focus(chain[0] if step > 0 else chain[-1])
        else:
            self.set_focus(chain[(chain.index(focused) + step) % len(chain)])
        return self.focused

    def focus_next(self, selector: str | type[Any] = "*") -> Any:
        return self._move_in_composed_order(1, selector)

    def focus_previous(self, selector: str | type[Any] = "*") -> Any:
        return self._move_in_composed_order(-1, selector)
