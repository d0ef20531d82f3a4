"""Full GC passes run when the keyboard is quiet (deskui/memory.py), not mid-keystroke."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskui.memory import (
    DEEP_PASS_EVERY,
    FIRST_PASS_AFTER,
    FULL_PASS_EVERY,
    NO_AUTOMATIC_FULL_PASS,
    QUIET_BEFORE_FULL_PASS,
    IdleCollector,
    release_freed_memory,
)

pytestmark = pytest.mark.real_gc_freeze  # the collector's own gc.freeze (tests/conftest.py)


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, Monotonic]]:
    clock = Monotonic()
    idle = IdleCollector(clock)
    before = gc.get_threshold()
    idle.start()
    yield idle, clock
    idle.stop()
    assert gc.get_threshold() == before


def test_start_switches_automatic_full_passes_off_and_stop_puts_them_back(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL_PASS
    assert gc.get_freeze_count() > 0


def test_start_freezes_the_heap_and_stop_unfreezes_it() -> None:
    gc.unfreeze()  # as a desk process has it before its desk starts (the test run froze it)
    idle = IdleCollector(Monotonic())
    idle.start()
    assert gc.get_freeze_count() > 0
    idle.stop()
    assert gc.get_freeze_count() == 0


def test_a_full_pass_waits_for_its_interval_and_for_a_quiet_keyboard(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    idle, clock = collector
    clock.now += FULL_PASS_EVERY - 1
    assert not idle.tick()  # not due yet
    clock.now += 1
    idle.key()
    assert idle.typing(0.5)
    assert not idle.tick()  # due, but the agent is typing
    clock.now += QUIET_BEFORE_FULL_PASS - 0.1
    assert not idle.tick()
    clock.now += 0.1
    assert not idle.typing(QUIET_BEFORE_FULL_PASS)
    assert idle.tick()
    assert idle.passes == 1
    assert not idle.tick()  # the next one is a full interval away
    clock.now += FULL_PASS_EVERY
    assert idle.tick()
    assert idle.passes == 2


def test_the_pass_after_start_up_comes_within_seconds_then_the_interval_again(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    idle, clock = collector
    clock.now += 10
    idle.pass_soon()
    clock.now += FIRST_PASS_AFTER - 0.5
    assert not idle.tick()  # not yet
    idle.key()
    clock.now += 0.5
    assert not idle.tick()  # due, but the agent is typing
    clock.now += QUIET_BEFORE_FULL_PASS
    assert idle.tick()
    assert idle.passes == 1
    idle.pass_soon(FULL_PASS_EVERY + 5)  # never later than the interval would have it
    clock.now += FULL_PASS_EVERY
    assert idle.tick()


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_memory_freed_goes_back_to_the_system_after_a_full_pass() -> None:
    """glibc keeps freed heap pages for later; the idle pass gives them back (issue 27).
    Every 50th block stays alive, so the heap's top cannot shrink by itself."""
    blocks = [bytes(2000) + bytes([i % 256]) for i in range(50_000)]  # ~100 MB of malloc
    kept = blocks[::50]
    del blocks
    before = _resident_mb()
    release_freed_memory()
    after = _resident_mb()
    assert len(kept) == 1000
    assert after < before - 50, (before, after)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_what_survives_a_pass_is_frozen_so_the_next_passes_do_not_walk_it(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    """Issue 27: after a shift the heap held 600,000 objects and each minute's pass over all
    of them took 0.5-1.3 s of the idle desk."""
    idle, clock = collector
    made = [[n] for n in range(5_000)]  # made after start-up's freeze: walked by a pass
    frozen_before = gc.get_freeze_count()
    clock.now += FULL_PASS_EVERY
    assert idle.tick()
    assert gc.get_freeze_count() >= frozen_before + len(made)
    assert not any(gc.get_objects(generation) for generation in (1, 2))
    frozen_after_first = gc.get_freeze_count()
    clock.now += FULL_PASS_EVERY
    assert idle.tick()  # not a deep pass: nothing thawed
    assert idle.deep_passes == 0
    assert gc.get_freeze_count() >= frozen_after_first


def test_the_deep_pass_collects_a_cycle_frozen_alive_and_dropped_since(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    import weakref

    idle, clock = collector
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    clock.now += FULL_PASS_EVERY
    assert idle.tick()  # the cycle is alive: frozen with the rest
    del cycle
    clock.now += FULL_PASS_EVERY
    assert idle.tick()
    assert gone() is not None  # frozen: an ordinary pass does not walk it
    clock.now += DEEP_PASS_EVERY
    assert idle.tick()
    assert idle.deep_passes == 1
    assert gone() is None
    assert gc.get_freeze_count() > 0  # frozen again after it


def test_a_held_tick_runs_no_pass_however_quiet_the_keyboard(
    collector: tuple[IdleCollector, Monotonic],
) -> None:
    idle, clock = collector
    clock.now += FULL_PASS_EVERY * 10
    assert not idle.tick(held=True)  # a call rings: its pop must not wait for a pass
    assert idle.passes == 0
    assert idle.tick()
    assert idle.passes == 1
