"""benchmarks/run_all.py's verdicts (issue 15), a pure function of given figures: a ratio is
met at or under its goal, blocks CI only past twice its goal, and a figure not measured is
skipped, never met."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from run_all import Goal, table, verdicts

GOALS = (
    Goal("desk first paint", "desk", "bare", 1.25),
    Goal("live view", "live", None, 100.0),
)


def test_a_ratio_at_its_goal_is_met_and_past_twice_it_blocks() -> None:
    met, live = verdicts(GOALS, {"desk": 250.0, "bare": 200.0, "live": 140.0})
    assert met.ratio == 1.25 and met.met and not met.blocking
    assert live.met is False and not live.blocking  # absolute goals never block
    missed, _ = verdicts(GOALS, {"desk": 300.0, "bare": 200.0, "live": 10.0})
    assert missed.met is False and not missed.blocking
    blocking, _ = verdicts(GOALS, {"desk": 520.0, "bare": 200.0, "live": 10.0})
    assert blocking.blocking


def test_what_did_not_run_is_skipped_not_met() -> None:
    rows = verdicts(GOALS, None)
    assert [r.met for r in rows] == [None, None] and not any(r.blocking for r in rows)
    assert "skipped" in table(rows)


def test_a_benchmark_that_must_measure_fails_and_blocks_when_it_did_not() -> None:
    rows = verdicts(GOALS, None, must_measure=True)
    assert [r.met for r in rows] == [False, False] and all(r.blocking for r in rows)
    assert "not measured" in table(rows) and "skipped" not in table(rows)
    partial = verdicts(GOALS, {"desk": 200.0, "bare": 200.0}, must_measure=True)
    assert partial[0].met and partial[1].met is False and partial[1].blocking
