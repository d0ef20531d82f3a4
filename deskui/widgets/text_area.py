"""The desk's one TextArea: Textual's, let go of when it is removed (issue 27).

Textual's TextArea watches the app's theme as it mounts (`self.watch(self.app, "theme",
...)`), and Textual takes a watcher off the app's list only when the theme changes
(Textualize/textual#6666, open in 8.2): every text area of every form an agent opened
and closed stayed alive on that list, its document, undo history and rendered lines with it
(1 MB a complaint stepped, 5 MB a callback made in the soak at 320 lines). This one takes
its watcher off the app as it is removed. Every text area on the desk is
one of these (tests/widgets/test_text_area.py checks the sources).

Text put in by the form (a complaint's customer words, a restored draft, a callback's notes)
leaves the cursor at its end, as a FieldInput does (issue 26): Textual's puts it at the start,
so the words an agent went on typing after a draft came back went in front of what they had
typed before the kill. While the area has the focus the cursor goes there at once; otherwise
when the area next takes the focus, so a text shown without the focus still shows its start.
"""

from __future__ import annotations

from textual import events, on
from textual.dom import DOMNode
from textual.widgets import TextArea
from textual.widgets.text_area import Selection


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
    """Textual's TextArea that is not kept alive by the app after it is removed, with the
    cursor at the end of text the form put in."""

    _to_the_end = False
    """Text was put in since the area last had the focus: the cursor goes to its end."""

    def load_text(self, text: str) -> None:
        super().load_text(text)
        if self.has_focus:
            self.move_cursor(self.document.end)
        else:
            self._to_the_end = True

    @on(events.Focus)
    def _cursor_to_the_end(self, _event: events.Focus) -> None:
        if self._to_the_end:
            self._to_the_end = False
            if self.selection == Selection.cursor((0, 0)):  # not moved since (a click)
                self.move_cursor(self.document.end)

    @on(events.Unmount)
    def _let_go_of_the_app(self, _event: events.Unmount) -> None:
        forget_watches(self, self.app)
