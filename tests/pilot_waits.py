"""Pilot waits for a quiet app in 5 ms looks instead of Textual's 20 ms (the suite's time).

Textual's Pilot waits after every key and every `pause()` (textual._wait.wait_for_idle): it sleeps
20 ms at a time until one sleep passes with the process using under a twentieth of it in CPU.
Those 20 ms floors were more than half of each screen test's wall time (a walk over every screen
waits some 800 times). This wait takes the same twentieth of a 5 ms look, and counts the app quiet
only when nothing it has queued is still to come either, which a 5 ms look could miss where a
20 ms one would not:

- the screen's refresh pending: Textual paints at most 60 times a second, so a changed screen
  repaints up to 17 ms later, and `call_after_refresh` work (most screens load their rows so)
  starts only then;
- callbacks the screen keeps for after its refresh, and messages the app or the screen has not
  handled yet.

A thread worker's database query is seen as it is with 20 ms: its CPU counts in the process's.
`settle` (tests/screens/desk_pilot.py) still waits for every worker on top of this.
Textual 8.2.8 (pinned): the names read here are Textual's own, private; tests may use them
(tests/test_import_hygiene.py checks deskui's source only).
"""

from __future__ import annotations

from asyncio import sleep
from time import monotonic, process_time
from typing import Any

from textual._context import active_app

LOOK = 0.005
"""Seconds of one look (Textual's: 0.02)."""
QUIET_SHARE = 1 / 20
"""A look is quiet when the process used less CPU than this share of it (Textual's share)."""


def _work_queued(app: Any) -> bool:
    """Whether the app has refreshing, callbacks or messages still to come."""
    try:
        screen = app.screen
    except Exception:  # no screen yet, or the app is closing: the time alone decides
        return False
    timer = getattr(screen, "_Screen__update_timer", None)
    if timer is not None and timer._active.is_set():
        return True  # a refresh is due within the next frame
    if screen._callbacks:
        return True
    return not (app._message_queue.empty() and screen._message_queue.empty())


async def wait_for_idle(min_sleep: float = LOOK, max_sleep: float = 1) -> None:
    """Textual's wait_for_idle, in 5 ms looks, quiet only with nothing queued (the docstring
    above); at most `max_sleep` seconds, as Textual's."""
    app = active_app.get(None)
    start = monotonic()
    while True:
        cpu = process_time()
        await sleep(LOOK)
        now = monotonic()
        cpu_used = process_time() - cpu
        if now - start >= max_sleep:
            return
        quiet = cpu_used < QUIET_SHARE * LOOK
        if now - start > min_sleep and quiet and (app is None or not _work_queued(app)):
            return


def install() -> None:
    """Put this wait where Textual's Pilot and App call theirs."""
    import textual.app
    import textual.pilot

    textual.pilot.wait_for_idle = wait_for_idle  # type: ignore[assignment]
    textual.app.wait_for_idle = wait_for_idle  # type: ignore[assignment]
