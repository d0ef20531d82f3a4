"""benchmarks/run_all.py's verdicts (issue 15), a pure function of given figures: a ratio is
met at or under its goal, blocks CI only past twice its goal, and a figure not measured fails
(issue 27: a benchmark that cannot measure is a failure, never a skip)."""

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


def test_what_did_not_measure_fails_never_skipped_or_met() -> None:
    rows = verdicts(GOALS, None)
    assert [r.met for r in rows] == [None, None] and all(r.blocking for r in rows)
    assert "NOT MEASURED" in table(rows) and "skipped" not in table(rows)
    # one figure of a benchmark missing (its baseline too) fails that goal alone
    missing, measured = verdicts(GOALS, {"desk": 250.0, "live": 10.0})
    assert missing.met is None and missing.blocking
    assert measured.met and not measured.blocking


def test_an_exact_count_over_its_goal_blocks() -> None:
    keys = (Goal("keys", "keys", None, 8.0, "keys", True),)
    (met,) = verdicts(keys, {"keys": 8.0})
    assert met.met and not met.blocking
    (missed,) = verdicts(keys, {"keys": 9.0})
    assert missed.met is False and missed.blocking
    assert "a count no load explains" in table([missed])


def test_a_goal_with_an_allowance_is_met_within_it_and_shows_the_plain_ratio() -> None:
    """The card may follow the echo by a frame (issue 27): within 1.5x the bare echo plus
    one frame it is met; the ratio shown is still the card's to the bare echo alone."""
    card = (Goal("card", "card", "bare", 1.5, blocks=False, plus=1000 / 60),)
    (met,) = verdicts(card, {"card": 25.0, "bare": 10.0})
    assert met.ratio == 2.5 and met.met and not met.blocking
    assert "2.50x" in table([met]) and "<= 1.5x+17ms" in table([met])
    (missed,) = verdicts(card, {"card": 32.0, "bare": 10.0})
    assert missed.met is False
    blocking = (Goal("card", "card", "bare", 1.5, plus=1000 / 60),)
    (within_twice,) = verdicts(blocking, {"card": 60.0, "bare": 10.0})
    assert within_twice.met is False and not within_twice.blocking  # 60 <= 2 x 31.7
    (past_twice,) = verdicts(blocking, {"card": 64.0, "bare": 10.0})
    assert past_twice.blocking
