"""Start-up: process start to the first paint of the desk, beside a bare Textual app.

    /work/venv/bin/python benchmarks/startup.py [--repeat 7] [--size 120x40]

Each run is a fresh interpreter (`python benchmarks/startup.py --child desk|bare`), so every
import is counted. The parent takes `time.perf_counter()` just before spawning it; the child
takes `time.perf_counter()` when Textual hands its first frame to the driver (see
`FrameProbe` in _common.py for why that is the first paint). On Linux perf_counter is
CLOCK_MONOTONIC, shared by all processes, so child instant - parent instant = process start
(fork/exec, interpreter start-up, site, imports, app build, compose, layout, render) to first
frame. The child also records perf_counter as the first statement of this file, so the
interpreter's own start-up is shown apart.

The desk child does what `deskui --demo --now 2026-11-23T09:00+08:00 --agent 王芳` does
(deskui/cli.py main -> resolve -> run -> make_app(...).run()), but runs headless at a fixed
size; it keeps running until the first frame with the agent's rows in the work list (data
layer import + demo seed + first page of rows painted), then exits. The bare child is an App
with a Static and a Footer, exiting at its first frame. Runs alternate bare/desk and
desk/bare, after one discarded warm-up run of each.
"""

from __future__ import annotations

import time

T_TOP = time.perf_counter()  # the launcher's first statement

import sys
from pathlib import Path

# benchmarks/ goes last on the path: its queue.py (a benchmark the issues name) must not shadow the
# standard library's queue, which asyncio and Textual import
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.append(str(_BENCH_DIR))


from _common import NOW, FrameProbe, cpu_seconds, report, watchdog

GOAL = 1.25
"""DESIGN.md 9: start-up within 1.25x of a bare Textual app."""
DESK_ARGV = ["--demo", "--now", NOW, "--agent", "王芳"]


# -- the children ----------------------------------------------------------------------------


def child_bare(size: tuple[int, int]) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a bare Textual app")
            yield Footer()

    app = Bare()
    marks: dict[str, object] = {}

    def on_frame(probe: FrameProbe, now: float) -> None:
        marks["first_screen"] = type(app.screen).__name__
        app.exit()

    probe = FrameProbe(app, on_frame)
    app.run(headless=True, size=size)
    report(
        {
            "top": T_TOP,
            "first_frame": probe.first_frame,
            "first_cpu": probe.first_frame_cpu,
            **marks,
        }
    )


def child_desk(size: tuple[int, int]) -> None:
    # What `deskui ...` runs: the console script imports deskui.cli and calls main(), which
    # parses, resolves the settings and the clock, then imports deskui.app and runs it.
    import os
    import shutil

    from deskui.cli import build_parser, resolve

    args = build_parser().parse_args(DESK_ARGV)
    settings, clock = resolve(args, dict(os.environ))
    try:
        from deskui.app import make_app

        app = make_app(settings, clock)
        marks: dict[str, object] = {}

        def on_frame(probe: FrameProbe, now: float) -> None:
            if probe.frames == 1:
                marks["first_screen"] = type(app.screen).__name__
                marks["first_widgets"] = sum(1 for _ in app.screen.walk_children())
            # the desk, even when the incoming agent's handover is shown over it first
            try:
                work = app.screen_stack[0].query_one("#work")
            except Exception:
                return
            count = work.count  # type: ignore[attr-defined]
            if count == 0 or (
                work.source is not None  # type: ignore[attr-defined]
                and work.row_at(work.scroll_offset.y) is not None  # type: ignore[attr-defined]
            ):
                marks["rows_frame"] = now
                marks["rows_cpu"] = cpu_seconds()
                marks["frames_to_rows"] = probe.frames
                app.exit()

        probe = FrameProbe(app, on_frame)
        app.run(headless=True, size=size)
    finally:
        shutil.rmtree(
            Path(settings.database_url.removeprefix("sqlite:///")).parent, ignore_errors=True
        )
    report(
        {
            "top": T_TOP,
            "first_frame": probe.first_frame,
            "first_cpu": probe.first_frame_cpu,
            **marks,
        }
    )


# -- the parent ------------------------------------------------------------------------------


def main() -> None:
    import argparse
    import os

    from _common import check_clock, machine, median, p90, run_child, table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each app (7)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded runs of each (1)")
    parser.add_argument("--size", default="120x40", help="headless terminal size (120x40)")
    options = parser.parse_args()
    check_clock()
    here = str(Path(__file__).resolve())

    def once(kind: str) -> dict[str, float]:
        spawn, result = run_child([here, "--child", kind, options.size], timeout=120)
        if result.get("first_frame") is None:
            raise RuntimeError(f"{kind}: no frame was painted: {result}")
        out = {
            "interpreter": result["top"] - spawn,
            "first_paint": result["first_frame"] - spawn,
            "first_cpu": result["first_cpu"],
        }
        if kind == "desk":
            if result.get("first_screen") != "DeskScreen":
                raise RuntimeError(f"the first frame was not the desk: {result}")
            if "rows_frame" not in result:
                raise RuntimeError(f"the desk never painted its rows: {result}")
            out["rows_paint"] = result["rows_frame"] - spawn
            out["rows_cpu"] = result["rows_cpu"]
        return out

    print(
        f"startup: {machine()}; load average {os.getloadavg()[0]:.2f}; "
        f"size {options.size}; {options.repeat} runs each",
        flush=True,
    )
    for _ in range(options.warmup):
        once("bare")
        once("desk")
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "desk": []}
    for n in range(options.repeat):
        for kind in ("bare", "desk") if n % 2 == 0 else ("desk", "bare"):
            runs[kind].append(once(kind))
            print(".", end="", flush=True)
    print()

    def ms(runs: list[dict[str, float]], wall: str, cpu: str | None) -> tuple[str, ...]:
        values = [r[wall] for r in runs]
        cells = (f"{median(values) * 1000:.0f}", f"{p90(values) * 1000:.0f}")
        return (*cells, f"{median([r[cpu] for r in runs]) * 1000:.0f}" if cpu else "")

    bare_paint = [r["first_paint"] for r in runs["bare"]]
    desk_paint = [r["first_paint"] for r in runs["desk"]]
    rows = [
        ("bare Textual app: first paint", *ms(runs["bare"], "first_paint", "first_cpu")),
        ("deskui desk (demo): first paint", *ms(runs["desk"], "first_paint", "first_cpu")),
        ("deskui desk (demo): rows painted", *ms(runs["desk"], "rows_paint", "rows_cpu")),
        ("interpreter start (both apps)", *ms(runs["bare"] + runs["desk"], "interpreter", None)),
    ]
    header = ["from process start to", "median ms", "p90 ms", "CPU median ms"]
    print(table(header, rows))
    ratio = median(desk_paint) / median(bare_paint)
    ratio_p90 = p90(desk_paint) / p90(bare_paint)
    ratio_cpu = median([r["first_cpu"] for r in runs["desk"]]) / median(
        [r["first_cpu"] for r in runs["bare"]]
    )
    print(
        f"ratio desk/bare first paint: {ratio:.2f}x median, {ratio_p90:.2f}x p90, "
        f"{ratio_cpu:.2f}x CPU; load average now {os.getloadavg()[0]:.2f}"
    )
    verdict = "PASS" if ratio <= GOAL else "MISS"
    print(f"verdict: {verdict}: desk first paint {ratio:.2f}x the bare app (goal <= {GOAL}x)")
    import json

    figures = {
        "bare_first_paint_ms": median(bare_paint) * 1000,
        "desk_first_paint_ms": median(desk_paint) * 1000,
        "desk_rows_paint_ms": median([r["rows_paint"] for r in runs["desk"]]) * 1000,
    }
    print("BENCH-RESULT " + json.dumps(figures))  # for benchmarks/run_all.py


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        from _common import parse_size

        kind, size = sys.argv[2], parse_size(sys.argv[3])
        watchdog(90)
        {"bare": child_bare, "desk": child_desk}[kind](size)
    else:
        main()
