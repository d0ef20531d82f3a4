"""A removed widget's rendered lines go with it (issue 27).

Textual's `StylesCache.get_inner_outer` (textual/_styles_cache.py, 8.2) is an instance method
under `functools.lru_cache(1024)`: the cache's key holds the widget's `StylesCache`, and that
holds every line the widget last rendered. So the last 1024 widgets ever painted stayed
alive with their lines after their screens were closed (Textualize/textual#6665, open): in
the soak at 320 lines a callback made kept about 4,000 strips (5 MB), a complaint stepped
1,000, growing through the shift. The background pair it computes depends on the two colours
alone; `unpin_styles_caches()` caches it on them, so no widget's cache is held.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

_original: Any = None


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """Textual's own computation, cached on the colours alone (it never reads the cache)."""
    result: tuple[Style, Style] = _original.__wrapped__(None, base_background, background)
    return result


def _get_inner_outer(_cache: StylesCache, base_background: Color, background: Color) -> Any:
    return _inner_outer(base_background, background)


def unpin_styles_caches() -> None:
    """Replace Textual's per-instance cache (once a process; every later call is a no-op).
    Where Textual's method is no longer an `lru_cache` (fixed upstream), it is left alone."""
    global _original
    method: Any = StylesCache.__dict__.get("get_inner_outer")
    if method is _get_inner_outer or not hasattr(method, "cache_clear"):
        return
    _original = method
    method.cache_clear()  # what it pinned so far goes too
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
