"""Shared by the benchmark scripts: the frame probe, child processes, small statistics.

Only the standard library is imported at module level: the startup benchmark imports this
module inside the timed child, so anything heavy here would be counted for both apps.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

RESULT_PREFIX = "BENCH-RESULT "
"""The child's one line of results on stdout (after the app has exited)."""

NOW = "2026-11-23T09:00+08:00"
"""The demo instant every benchmark starts its clock at (a Monday morning in Shanghai)."""


# -- the frame probe (runs inside the child) ------------------------------------------------


class FrameProbe:
    """Hooks `App._display`, where Textual hands each finished frame to the driver.

    Why this hook is "a paint": `Screen._compositor_refresh` (textual/screen.py) renders the
    dirty regions of the current screen with `Compositor.render_update` and passes the result
    to `App._display` (textual/app.py). `_display` drops it while a batch is open and, for a
    real terminal, turns it into escape sequences (`CompositorUpdate.render_segments`) and
    writes them. Under `headless=True` it returns before that last step, so the probe does the
    same rendering itself (the result goes nowhere): the cost of a real frame is then paid,
    minus one `write()` to the terminal. The first call that gets past those checks is the
    first frame a user would see. Earlier events are not paints: `on_mount`/`Ready` precede
    layout, `ScreenResume` only asks for a refresh.
    """

    def __init__(self, app: Any, on_frame: Callable[[FrameProbe, float], None]) -> None:
        self.app = app
        self.on_frame = on_frame
        self.frames = 0
        self.first_frame: float | None = None
        self.first_frame_cpu: float | None = None
        self._original = app._display
        app._display = self._display  # instance attribute: Screen calls `self.app._display`

    def _display(self, screen: Any, renderable: Any) -> None:
        self._original(screen, renderable)
        app = self.app
        if renderable is None or app._batch_count or not app._running or app._closed:
            return  # the real `_display` would not have written anything either
        from textual._compositor import CompositorUpdate

        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
        else:
            app.console._render_buffer(app.console.render(renderable))
        now = time.perf_counter()
        self.frames += 1
        if self.first_frame is None:
            self.first_frame = now
            self.first_frame_cpu = cpu_seconds()
        self.on_frame(self, now)


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, all threads."""
    times = os.times()
    return times.user + times.system


def watchdog(seconds: float) -> None:
    """End this child hard if it is still running after `seconds` (a hung benchmark)."""
    import threading

    timer = threading.Timer(seconds, os._exit, args=(3,))
    timer.daemon = True
    timer.start()


def report(result: dict[str, Any]) -> None:
    """The child's results, one JSON line for the parent."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


# -- the parent side -------------------------------------------------------------------------


def run_child(argv: Sequence[str], timeout: float) -> tuple[float, dict[str, Any]]:
    """Run `python argv...`; return its perf_counter start instant and its result line.

    `time.perf_counter()` is CLOCK_MONOTONIC on Linux, one clock for every process of the
    machine, so instants the child records can be subtracted from the parent's spawn instant.
    """
    env = dict(os.environ)
    env.pop("TEXTUAL", None)  # no devtools, no debug features in a timed run
    spawn = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return spawn, json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(
        f"child {' '.join(argv)} gave no result (exit {done.returncode}):\n"
        f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )


def check_clock() -> None:
    info = time.get_clock_info("perf_counter")
    if "MONOTONIC" not in info.implementation.upper():
        sys.exit(f"perf_counter is {info.implementation}: not shared between processes here")


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: Sequence[float]) -> float:
    """Nearest-rank 90th percentile (with 7 runs it is the slowest run)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(0.9 * len(ordered)))
    return ordered[rank - 1]


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def machine() -> str:
    import platform

    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}"
    )
