"""What a transaction's NOTIFY says, and which desks look (issue 25)."""

from __future__ import annotations

import asyncio
import time

import pytest

from deskui.app import make_app
from deskui.data.change_listener import (
    MAX_NOTE,
    READ_SPACING,
    ReadPacer,
    change_note,
    note_concerns,
)
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings


def test_a_note_names_the_agents_a_call_concerns() -> None:
    assert change_note([("call_agent", 3), ("call_agent", 5), ("call", 9)]) == "call:3,5"
    assert change_note([("agent_state", 3), ("call_agent", 3), ("call", 9)]) == "call:3"
    assert change_note([("call_queue", 9), ("call", 9)]) == "call:*"
    assert change_note([("call", 9)]) == "call:"  # nobody's: the floor and the log only
    # a missed call's callback is every desk's (the shared queue): no narrowing
    assert change_note([("call", 9), ("callback", 4), ("deadline", 7)]) == ""
    assert change_note([("ticket", 1)]) == ""
    assert change_note([("call_agent", n) for n in range(2000)]) == ""  # too long to send
    assert len(change_note([("call_agent", n) for n in range(1000)])) <= MAX_NOTE


def test_a_desk_looks_when_the_note_names_it_or_it_watches_calls() -> None:
    assert note_concerns("", 3, watches_calls=False)
    assert note_concerns("anything else", None, watches_calls=False)
    assert note_concerns("call:3,5", 5, watches_calls=False)
    assert not note_concerns("call:3,5", 4, watches_calls=False)
    assert not note_concerns("call:35", 3, watches_calls=False)
    assert not note_concerns("call:", 3, watches_calls=False)
    assert note_concerns("call:", 3, watches_calls=True)
    assert note_concerns("call:*", 3, watches_calls=False)
    assert not note_concerns("call:3", None, watches_calls=False)  # nobody signed in


def test_a_flood_of_notes_is_read_at_most_once_a_spacing_and_none_is_lost() -> None:
    """A PBX's flood (every missed call's shared callback concerns every desk): the first
    note is read at once, the next ones within the spacing ride on one read at its end."""
    now = [100.0]
    pacer = ReadPacer(lambda: now[0], spacing=0.25)
    assert pacer.heard() == 0.0  # the first at once
    pacer.read()
    now[0] += 0.05
    assert pacer.heard() == pytest.approx(0.2)  # one read due at the end of the spacing
    assert pacer.heard() is None  # later notes ride on it
    now[0] += 0.1
    assert pacer.heard() is None
    now[0] += 0.1
    pacer.read()  # the due read ran
    assert pacer.heard() == pytest.approx(0.25)  # a note right after it waits a whole spacing
    pacer.read()
    now[0] += 1.0
    assert pacer.heard() == 0.0  # a quiet desk reads at once again


async def test_a_desk_hearing_a_flood_of_notes_reads_the_feed_twice_not_for_each(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    reads: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app._read_changes = lambda: reads.append(time.monotonic())  # type: ignore[method-assign]
        for _ in range(20):
            app.heard("")  # any change but the phone's: every desk looks
        assert len(reads) == 1
        await asyncio.sleep(READ_SPACING + 0.1)
        await pilot.pause()
        assert len(reads) == 2  # the notes after the first, read once at the spacing's end
        assert reads[1] - reads[0] >= READ_SPACING * 0.9
