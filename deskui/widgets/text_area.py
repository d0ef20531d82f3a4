"""The desk's one TextArea: Textual's, let go of when it is removed (issue 27).

Textual's TextArea watches the app's theme as it mounts (`self.watch(self.app, "theme",
...)`), and Textual takes a watcher off the app's list only when the theme changes
(Textualize/textual#6666, open in 8.2): every text area of every form an agent opened
and closed stayed alive on that list, its document, undo history and rendered lines with it
(1 MB a complaint stepped, 5 MB a callback made in the soak at 320 lines). This one takes
its watcher off the app as it is removed. Every text area on the desk is
one of these (tests/widgets/test_text_area.py checks the sources).
"""

from __future__ import annotations

from textual import events, on
from textual.dom import DOMNode
from textual.widgets import TextArea


def forget_watches(node: DOMNode, *on_objects: object) -> None:
    """Take every watcher `node` registered on `on_objects` (with `node.watch(obj, ...)`) off
    their lists: Textual keeps them, and `node` with them, until the attribute next changes.
    The list is Textual's `__watchers` attribute, the one its `_check_watchers` prunes."""
    for obj in on_objects:
        watchers: dict[str, list[tuple[object, object]]] = getattr(obj, "__watchers", {})
        for name, entries in watchers.items():
            kept = [entry for entry in entries if entry[0] is not node]
            if len(kept) != len(entries):
                watchers[name] = kept


class DeskTextArea(TextArea):
    """Textual's TextArea that is not kept alive by the app after it is removed."""

    @on(events.Unmount)
    def _let_go_of_the_app(self, _event: events.Unmount) -> None:
        forget_watches(self, self.app)
