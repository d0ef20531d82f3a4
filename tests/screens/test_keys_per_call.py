"""Keys per call (issue 26): a call at the desk, driven by the keys an agent presses, takes at
most 8 keys besides its texts and a typed number's digits, and lands as the call was (the
same calls benchmarks/keys_per_call.py counts beside today's). A form whose Tab order
shifts, or whose Enter or focus goes astray, fails here: the keys land in another field and
the ticket is not the one typed, or more keys are needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import keys_per_call as bench

GOAL = 8


@pytest.mark.parametrize("name", list(bench.CALLS))
async def test_a_call_takes_at_most_8_keys_besides_its_texts(
    demo_database: Database, clock: FixedClock, name: str
) -> None:
    customer, typed = known_caller(demo_database)
    bench.give_extension(demo_database, "王芳")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        if name == "popped_question":
            assert customer.phone_e164
            await bench.pop(pilot, demo_database, clock, customer.phone_e164)
        desk = bench.Desk(pilot)
        await bench.CALLS[name](desk, typed)
        await settle(pilot)
    assert bench.landed(demo_database, name, customer.id) is None
    assert len(desk.count.keys) <= GOAL, desk.count.keys
    assert len(desk.count.keys) < bench.BEFORE[name]  # fewer than before issue 26
