"""A rendered line's caches are made when first filled (issue 27).

Textual's `Strip` (textual/strip.py, 8.2) makes seven `FIFOCache`s as it is built (its crops,
divisions, styles, filters, lengths, extensions and offsets), each an object and a dict:
about 1 KB a line before anything is cached, five times the line itself. Most lines are
never cropped, divided or filtered twice, so most of those caches stay empty for as long as
the line is kept: a screen at 320 rows keeps thousands of lines (its own background, each
container's, each widget's, and the pieces the compositor cut from them). At the soak's
160x320 the first open of the intake allocated 7,300 lines with 51,000 caches: 10.5 MB of
its 23 MB, empty caches and their dicts. `lazy_strip_caches()` makes each cache when a line
first stores something in it; until then reading it finds nothing, as an empty one would.
The lines, what they hold and what is cached are Textual's own; only when a cache is made
changes (Textual's `Content` makes its own divide cache so, when first needed). It relies on
Textual 8.2.8's slots (pinned): another `Strip` with other caches is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip

CACHES: dict[str, int] = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
"""Each cache Textual 8.2.8's `Strip.__init__` makes, with the size it gives it."""

_applied = False


class _NotYet:
    """A line's cache before anything is stored in it: reads as an empty `FIFOCache`; the
    first store makes the real one, in the line's own slot."""

    __slots__ = ("_line", "_maxsize", "_slot")

    def __init__(self, line: Strip, slot: Any, maxsize: int) -> None:
        self._line, self._slot, self._maxsize = line, slot, maxsize

    def get(self, key: object, default: Any = None) -> Any:
        return default

    def __contains__(self, key: object) -> bool:
        return False

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return False

    def keys(self) -> Any:
        return {}.keys()

    def clear(self) -> None:
        pass

    def set(self, key: Any, value: Any) -> None:
        cache: FIFOCache[Any, Any] = FIFOCache(self._maxsize)
        cache[key] = value
        self._slot.__set__(self._line, cache)

    __setitem__ = set


class _MadeWhenFilled:
    """Stands for one of Strip's cache slots: the slot's cache once made, else a `_NotYet`."""

    __slots__ = ("_maxsize", "_slot")

    def __init__(self, slot: Any, maxsize: int) -> None:
        self._slot, self._maxsize = slot, maxsize

    def __get__(self, line: Strip | None, owner: type | None = None) -> Any:
        if line is None:
            return self
        cache = self._slot.__get__(line, owner)
        return _NotYet(line, self._slot, self._maxsize) if cache is None else cache

    def __set__(self, line: Strip, value: Any) -> None:
        self._slot.__set__(line, value)


_unset: list[Any] = []
"""The slots' own setters (`member_descriptor.__set__`), to leave each cache None."""


def _init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None) -> None:
    """Textual's `Strip.__init__` (8.2.8) without making the caches: their slots hold None."""
    self._segments = list(segments)
    self._cell_length = cell_length
    for unset in _unset:
        unset(self, None)
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def lazy_strip_caches() -> None:
    """Make every line's caches when first filled (once a process; later calls do nothing).
    Left alone where `Strip` no longer has exactly these caches (another Textual)."""
    global _applied
    if _applied:
        return
    _applied = True
    probe = Strip([])
    made = {name for name in Strip.__slots__ if isinstance(getattr(probe, name), FIFOCache)}
    plain = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}
    if (
        set(Strip.__slots__) != set(CACHES) | plain
        or made != set(CACHES)
        or any(getattr(probe, name)._maxsize != size for name, size in CACHES.items())
    ):
        return
    for name, size in CACHES.items():
        slot = Strip.__dict__[name]
        _unset.append(slot.__set__)
        setattr(Strip, name, _MadeWhenFilled(slot, size))
    Strip.__init__ = _init  # type: ignore[method-assign]
