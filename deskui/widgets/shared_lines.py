"""A kept screen's identical lines held once (issue 27).

Each widget keeps the lines it last rendered (its `StylesCache`'s lines, and a plain widget's
content lines), so that a screen shown again draws only what changed: the one-frame switch
back to a kept screen. At the soak's 160x320 most of them are a container's background, the
same line 320 times, each a `Strip` of its own with the filtered copy and the pieces the
compositor cut from it cached on it: the kept intake held 2,488 lines of 86 distinct ones,
the handover form 962 of 11, some 7,300 `Strip`s in all with what they cache (about 7 MB of
the four kept screens' 17 MB of Python objects).

`share_identical_lines(screen)` makes equal lines one object: the first of them is kept, with
its caches, and the others point to it. A line's caches are what its text gives (a crop, the
pieces at given cuts, the filtered line, the ANSI it renders to), so sharing one between equal
lines changes nothing drawn, and nothing is rendered again when the screen is shown: the
lines are all still there. It runs once a kept screen is no longer shown (after the frame
that showed the next one), off the key's frame. `share_lines_as_drawn()` does the same as
lines are drawn, for a line equal to the one the widget drew just before it (a background
row after row), so the copies are not made in the first place.
"""

from __future__ import annotations

from collections.abc import Hashable, MutableMapping, MutableSequence
from functools import wraps
from typing import Any

from textual._styles_cache import StylesCache
from textual.strip import Strip
from textual.widget import Widget


def share_identical_lines(root: Widget) -> int:
    """Make the equal lines `root` and its descendants hold one `Strip` each; how many lines
    now point to an equal one kept before them."""
    canonical: dict[Hashable, Strip] = {}
    shared = 0
    for widget in root.walk_children(Widget, with_self=True):
        shared += _share(widget._styles_cache._cache, canonical)
        shared += _share(_content_lines(widget), canonical)
    return shared


def _content_lines(widget: Widget) -> MutableSequence[Strip]:
    """The content lines a plain widget rendered (Textual's own cache: a list, changed in
    place here, never replaced)."""
    return widget._render_cache.lines


def _share(
    lines: MutableMapping[int, Strip] | MutableSequence[Strip], canonical: dict[Hashable, Strip]
) -> int:
    shared = 0
    keys: Any = lines.keys() if isinstance(lines, MutableMapping) else range(len(lines))
    for key in keys:
        line = lines[key]
        try:
            text = tuple(line)  # its segments
            kept = canonical.setdefault(text, line)
        except TypeError:  # a segment with unhashable control codes: kept as it is
            continue
        if kept is not line:
            lines[key] = kept
            shared += 1
    return shared


_drawing_shared = False


def share_lines_as_drawn() -> None:
    """A widget's line equal to the one it drew just before is that same object (once a
    process): a container's background at 320 rows is one `Strip` from its first drawing, not
    320, and the compositor cuts its pieces once. The line drawn last is kept on the widget's
    `StylesCache` (one per widget, going with it). Measured in the soak's probe at 160x320:
    RSS at the start 102.2 -> 97.2 MB, after a call, a complaint step, a callback and the
    handover 122.5 -> 115.1 MB; pymalloc's free holes at the end 8.6 -> 3.4 MB."""
    global _drawing_shared
    if _drawing_shared:
        return
    _drawing_shared = True
    draw = StylesCache.render_line

    @wraps(draw)
    def render_line(self: StylesCache, *args: Any, **kwargs: Any) -> Strip:
        line = draw(self, *args, **kwargs)
        before: Strip | None = getattr(self, "deskui_line_drawn_last", None)
        if before is not None and before is not line and list(before) == list(line):
            return before
        self.deskui_line_drawn_last = line  # type: ignore[attr-defined]
        return line

    StylesCache.render_line = render_line  # type: ignore[method-assign]
