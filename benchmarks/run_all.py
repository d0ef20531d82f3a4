"""Every benchmark's quick mode, one table (issue 15): figure, this run, the baseline measured
in the same run, the ratio, the goal, met or not, with the load average.

    python benchmarks/run_all.py [--only startup,team_view] [--strict]

Each benchmark prints its figures as a last line `BENCH-RESULT {json}`. A ratio goal compares
a figure with its baseline of the same run (the bare Textual app, the same query without
indexes); an absolute goal (ms, MB) is there for the record. The exit status is non-zero only
where a ratio is worse than twice its goal, so a noisy machine does not block work but a real
regression stops CI, where an exact figure (a count of keys, issue 26) misses its goal, and
where a benchmark could not measure (it failed, timed out, or needs a PostgreSQL this machine
has not got: it is never skipped, never met, issue 27); `--strict` fails on any goal missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "BENCH-RESULT "
ONE_FRAME_MS = 1000 / 60
"""One frame at Textual's default MAX_FPS (60, TEXTUAL_FPS): what the card may follow by."""


@dataclass(frozen=True)
class Goal:
    figure: str
    value: str  # key of this run's figure
    baseline: str | None  # key of the same run's baseline; None: an absolute goal
    goal: float  # the ratio (with a baseline) or the absolute limit
    unit: str = "ms"
    exact: bool = False
    """A figure no load changes (a count of keys): missing its goal blocks like a regression."""
    blocks: bool = True
    """False for a ratio of two p99s over a hundred keystrokes, which swings past twice its
    goal from one run to the next on a shared 2-core host: reported, failed by --strict only."""
    plus: float = 0.0
    """A ratio goal's allowance on top of goal x baseline, in the figure's unit: met while
    this <= goal x baseline + plus. The ratio shown is still this / baseline."""


@dataclass(frozen=True)
class Bench:
    name: str
    args: tuple[str, ...]
    goals: tuple[Goal, ...]
    needs_postgres: bool = False
    timeout: float = 240.0  # seconds


BENCHES = (
    Bench(
        "startup",
        ("--repeat", "3", "--warmup", "1"),
        (
            Goal("desk first paint", "desk_first_paint_ms", "bare_first_paint_ms", 1.25),
            Goal("existing file: rows", "existing_rows_paint_ms", "bare_first_paint_ms", 3.0),
            Goal("existing file: rows+check", "existing_rows_with_check_ms", None, 500.0),
        ),
    ),
    Bench(
        "switch",
        ("--quick",),
        (Goal("F-key to a screen used before", "switch_p99_ms", None, 50.0),),
    ),
    Bench(
        "desks",
        ("--quick",),
        (
            Goal("idle desk resident, SQLite", "rss_mean", None, 70.0, "MB"),
            Goal("idle desks' CPU, % of a core", "cpu_percent", None, 30.0, "%"),
        ),
    ),
    Bench(
        "team_view",
        ("--quick",),
        (
            Goal("period view, SQLite", "sqlite_period_ms", None, 300.0),
            Goal("live view, SQLite", "sqlite_live_ms", None, 100.0),
            Goal("period view, PostgreSQL", "postgresql_period_ms", None, 300.0),
            Goal("live view, PostgreSQL", "postgresql_live_ms", None, 100.0),
        ),
    ),
    Bench(
        "phone",
        ("--quick",),
        (
            Goal("phone: ms per event", "event_cost_ms", None, 2.0),  # 500 events/s
            Goal("phone: event p99", "event_p99_ms", None, 20.0),
        ),
        needs_postgres=True,
    ),
    Bench(
        "keys_per_call",
        (),
        (
            Goal("keys: known caller, typed", "known_question_keys", None, 8.0, "keys", True),
            Goal("keys: known caller, popped", "popped_question_keys", None, 8.0, "keys", True),
            Goal("keys: complaint", "complaint_keys", None, 8.0, "keys", True),
            Goal("keys: new caller", "new_caller_keys", None, 8.0, "keys", True),
        ),
    ),
    Bench(
        "search",
        ("--quick",),
        (
            Goal("search p99, SQLite", "search_p99_ms_sqlite", None, 100.0),
            Goal("search p99, PostgreSQL", "search_p99_ms_postgresql", None, 100.0),
        ),
    ),
    Bench(
        "queue",
        ("--quick",),
        (
            Goal(
                "100k list / 100 rows first paint",
                "work_list_first_paint_ms",
                "work_list_100_first_paint_ms",
                1.5,
            ),
        ),
    ),
    Bench(
        "countdowns",
        ("--quick",),
        (Goal("300 countdowns, % of a core", "desk_countdowns_percent", None, 2.0, "%"),),
    ),
    Bench(
        "lookup",
        (
            *("--customers", "20000", "--queries", "100", "--scan-queries", "2"),
            *("--numbers", "12", "--workdir", str(Path(tempfile.gettempdir()) / "deskui-lookup")),
        ),
        (
            Goal("phone field echo p99", "echo_p99_ms", "bare_echo_p99_ms", 1.5, blocks=False),
            # issue 27: "keep the echo of each key within 1.5x of a bare Input (the card may
            # follow a frame later)": the card's p99 within the echo's goal plus one frame.
            # Its ratio to the bare echo alone (the goal here until 2026-12-08) is still the
            # ratio shown; the floor, the least frame that shows this card, was 1.6-1.7x.
            Goal(
                "card after last key p99",
                "card_p99_ms",
                "bare_echo_p99_ms",
                1.5,
                blocks=False,
                plus=ONE_FRAME_MS,
            ),
        ),
    ),
    Bench(
        "team",
        ("--quick",),
        (
            Goal("team: p99 save, flat out", "save_p99_ms", None, 100.0),
            Goal("team: double claims", "double_claims", None, 0.0, "", True),
            Goal("team: lost updates", "lost_updates", None, 0.0, "", True),
        ),
        needs_postgres=True,
    ),
    Bench(
        "answer_to_card",
        ("--samples", "12"),
        (Goal("answer to card painted p99", "answer_to_card_p99_ms", None, 100.0),),
        needs_postgres=True,
    ),
    Bench(
        "soak",
        ("--quick",),
        (
            Goal("soak: RSS growth, SQLite", "sqlite_growth_mb", None, 10.0, "MB"),
            Goal("soak: RSS growth, PostgreSQL", "postgresql_growth_mb", None, 10.0, "MB"),
            Goal("soak: idle CPU, SQLite", "sqlite_idle_percent", None, 2.0, "%"),
            Goal("soak: idle CPU, PostgreSQL", "postgresql_idle_percent", None, 2.0, "%"),
        ),
        needs_postgres=True,
        timeout=600.0,
    ),
)


@dataclass(frozen=True)
class Row:
    figure: str
    this: float | None
    baseline: float | None
    ratio: float | None
    goal: float
    unit: str
    met: bool | None  # None: not measured (a failure, never a skip)
    blocking: bool  # a ratio worse than twice its goal, an exact goal missed, not measured
    plus: float = 0.0  # a ratio goal's allowance on top of goal x baseline (Goal.plus)


def verdicts(goals: tuple[Goal, ...], figures: dict[str, float] | None) -> list[Row]:
    """Pure: each goal's row from a benchmark's figures (None: it did not measure). A figure
    not measured blocks: a benchmark that cannot measure fails, it is never skipped."""
    rows = []
    for goal in goals:
        this = figures.get(goal.value) if figures else None
        base = figures.get(goal.baseline) if figures and goal.baseline else None
        if this is None or (goal.baseline and not base):
            rows.append(Row(goal.figure, this, base, None, goal.goal, goal.unit, None, True))
            continue
        if goal.baseline:
            ratio = this / base  # type: ignore[operator]
            allowed = goal.goal * base + goal.plus  # type: ignore[operator]
            met = this <= allowed
            rows.append(
                Row(
                    goal.figure,
                    this,
                    base,
                    ratio,
                    goal.goal,
                    "x",
                    met,
                    goal.blocks and this > 2 * allowed,
                    goal.plus,
                )
            )
        else:
            met = this <= goal.goal
            blocks = goal.exact and not met
            rows.append(Row(goal.figure, this, None, None, goal.goal, goal.unit, met, blocks))
    return rows


def table(rows: list[Row]) -> str:
    def num(value: float | None, unit: str = "") -> str:
        return "-" if value is None else f"{value:.2f}{unit}" if unit == "x" else f"{value:.0f}"

    lines = [f"{'figure':28} {'this run':>9} {'baseline':>9} {'ratio':>7} {'goal':>9}  met"]
    for r in rows:
        goal = f"<= {r.goal:g}x" if r.unit == "x" else f"<= {r.goal:g} {r.unit}"
        if r.plus:
            goal += f"+{r.plus:.0f}ms"
        met = "NOT MEASURED" if r.met is None else "yes" if r.met else "NO"
        if r.blocking and r.met is not None:
            met += (
                " (worse than twice the goal)" if r.unit == "x" else " (a count no load explains)"
            )
        lines.append(
            f"{r.figure:28} {num(r.this):>9} {num(r.baseline):>9} {num(r.ratio, 'x'):>7} "
            f"{goal:>9}  {met}"
        )
    return "\n".join(lines)


def run(bench: Bench) -> dict[str, float] | None:
    if bench.needs_postgres and not os.environ.get("DESKUI_TEST_DATABASE_URL"):
        print(f"{bench.name}: cannot measure: it needs DESKUI_TEST_DATABASE_URL (a PostgreSQL)")
        return None
    command = [sys.executable, str(HERE / f"{bench.name}.py"), *bench.args]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=bench.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        print(f"{bench.name}: did not finish within {bench.timeout:.0f} s")
        return None
    results = [line for line in done.stdout.splitlines() if line.startswith(PREFIX)]
    if done.returncode != 0 or not results:
        print(done.stdout[-2000:])
        print(f"{bench.name}: did not finish: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return {k: float(v) for k, v in json.loads(results[-1][len(PREFIX) :]).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--strict", action="store_true", help="fail on any goal missed")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    settle_load()
    load = os.getloadavg()
    print(f"run_all: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (quote idle runs only)")
    rows: list[Row] = []
    for bench in BENCHES:
        if wanted and bench.name not in wanted:
            continue
        rows += verdicts(bench.goals, run(bench))
    print(table(rows))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if any(r.blocking for r in rows):
        return 1
    if args.strict and any(r.met is False for r in rows):
        return 1
    return 0


def settle_load(below: float = 1.0, longest: float = 90.0) -> None:
    """Wait (at most `longest` seconds) for the one-minute load to fall under `below`: run
    straight after the test suite (as CI does), the workers' load is still on the machine and
    flatters no ratio but startup's, which it doubles."""
    import time

    waited = 0.0
    while os.getloadavg()[0] >= below and waited < longest:
        time.sleep(5.0)
        waited += 5.0
    if waited:
        print(f"run_all: waited {waited:.0f} s for the load to settle")


if __name__ == "__main__":
    raise SystemExit(main())
