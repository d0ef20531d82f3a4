"""Keep the garbage collector's full passes off the hot path.

After start-up about 90,000 long-lived objects are alive (Textual, SQLAlchemy's mappers,
phonenumbers' metadata, the catalogs). A full collection walks all of them: 20-50 ms on this
machine kind, landing at random inside a keystroke's lookup or a frame. They will never be
garbage, so once the data layer is loaded they are moved out of the collector's reach
(`gc.freeze`). What the session allocates after that (screens opened, lazily imported
modules, caches) still grows to where a full pass takes 25 ms (benchmarks/lookup.py traced
them inside keystrokes), so automatic full passes are switched off and the app's tick runs
one when the agent has not pressed a key for a while (`IdleCollector`). The young
generations keep collecting on their own: their passes take 0.2-2 ms.

What survives an idle pass is frozen too (issue 27): after a shift of use the heap holds
600,000 objects (the lines every kept screen's widgets last painted, each with its caches),
and a pass over all of them took 0.5-1.3 s of an idle desk once a minute; the next passes
walk only what was made since. Garbage among frozen objects (a cycle that was alive at a
pass and dropped since) waits for the deep pass, which thaws everything first: once every
`DEEP_PASS_EVERY`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FULL_PASS_EVERY = 60.0
"""Seconds between full collections, at the most."""
QUIET_BEFORE_FULL_PASS = 2.0
"""Seconds without a key before a full collection may run."""
DEEP_PASS_EVERY = 900.0
"""Seconds between passes over the whole heap, frozen survivors of earlier passes included."""
FIRST_PASS_AFTER = 3.0
"""Seconds after the first rows are painted before the start-up's own full pass may run."""
NO_AUTOMATIC_FULL_PASS = 1_000_000
"""Third GC threshold: young collections before an automatic full one (never, in a shift)."""


def freeze_startup_objects() -> None:
    """Call once, after the data layer is imported and the database opened (the idle passes
    call it again after each pass: what survived one is frozen too)."""
    gc.freeze()


def thaw_startup_objects() -> None:
    """Undo `freeze_startup_objects` when the desk ends: what it froze can be collected."""
    gc.unfreeze()


class IdleCollector:
    """Full collections when the agent is not typing, instead of whenever CPython likes.

    `start()` freezes what start-up loaded and turns automatic full passes off, `stop()` puts
    both back; `key()` is told of every key; `tick()` (once a second) runs a full pass when
    one is due and the keyboard has been quiet for `QUIET_BEFORE_FULL_PASS`.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last_key = monotonic()
        self._last_pass = monotonic()
        self._last_deep = monotonic()
        self._threshold: tuple[int, int, int] | None = None
        self.passes = 0
        self.deep_passes = 0

    def start(self) -> None:
        """Once the data layer is in (again after a reconnect: it only freezes again)."""
        freeze_startup_objects()
        if self._threshold is None:
            self._threshold = gc.get_threshold()
            young, middle, _ = self._threshold
            gc.set_threshold(young, middle, NO_AUTOMATIC_FULL_PASS)
        self._last_pass = self._monotonic()

    def stop(self) -> None:
        """When the app ends: the collector as it was (several apps in one process, in tests)."""
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
        thaw_startup_objects()

    def pass_soon(self, after: float = FIRST_PASS_AFTER) -> None:
        """Make the next full pass due `after` seconds from now (still on a quiet keyboard):
        once the desk has started, its start-up's garbage and freed heap go back to the
        system within seconds instead of a minute (issue 27: 2 MB of an idle desk)."""
        self._last_pass = min(self._last_pass, self._monotonic() - FULL_PASS_EVERY + after)

    def key(self) -> None:
        """A key pressed, or what the agent is about to work with shown without one (a
        popped call): the keyboard counts as busy from now."""
        self._last_key = self._monotonic()

    def typing(self, within: float) -> bool:
        """Whether a key came in the last `within` seconds."""
        return self._monotonic() - self._last_key < within

    def tick(self, *, held: bool = False) -> bool:
        """Run a full collection if one is due and the keyboard is quiet; say whether it ran.
        `held`: not now whatever the keyboard (a call rings for the agent: its answer pops
        the caller's card, and a pass of 20-40 ms must not land in that frame).

        Its survivors are frozen after it: the next pass walks only what came since, not the
        whole heap again; every `DEEP_PASS_EVERY` the pass thaws everything first (a deep
        pass), so a cycle frozen while alive and dropped since is collected too."""
        now = self._monotonic()
        if now - self._last_pass < FULL_PASS_EVERY:
            return False
        if held or self.typing(QUIET_BEFORE_FULL_PASS):
            return False
        deep = now - self._last_deep >= DEEP_PASS_EVERY
        if deep:
            thaw_startup_objects()
        gc.collect()
        freeze_startup_objects()  # what survived it, start-up's and the session's alike
        release_freed_memory()
        self._last_pass = self._monotonic()
        if deep:
            self._last_deep = self._last_pass
            self.deep_passes += 1
        self.passes += 1
        return True


_malloc_trim: Callable[[int], int] | None = None
_no_trim = False


def release_freed_memory() -> None:
    """Give the heap pages the collection freed back to the system (issue 27): glibc keeps
    freed memory for later allocations, so an idle desk stayed resident with what start-up
    once needed (the demo's seed, the first lists, imports' garbage): 3-4 MB on this
    machine. A no-op where the C library has no `malloc_trim` (not glibc)."""
    global _malloc_trim, _no_trim
    if _no_trim:
        return
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _no_trim = True
            return
    _malloc_trim(0)


M_ARENA_MAX = -8
"""glibc's mallopt parameter: how many heaps (arenas) threads may spread over."""
_heaps_capped = False


def one_heap() -> None:
    """Every thread allocates from one heap (issue 27). glibc gives each thread that allocates
    while another holds the heap an arena of its own (up to 8 per core), and a desk's worker
    threads (the database, the change poll, the LISTEN thread) each left one behind, partly
    used and never given back: 3-4 MB of an idle desk on this machine. The threads take
    turns on the interpreter anyway, so one heap costs them no speed a desk could feel. Call
    before the first worker thread starts; a no-op where the C library is not glibc."""
    global _heaps_capped
    if _heaps_capped:
        return
    _heaps_capped = True
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        return
