"""lazy_strip_caches: a rendered line makes its caches when it first stores something in
them, not seven empty ones as it is built (issue 27: at 160x320 the first open of the intake
kept 7,300 lines with 51,000 caches, 10.5 MB of its 23 MB)."""

from __future__ import annotations

import gc

from rich.segment import Segment
from rich.style import Style
from textual.cache import FIFOCache
from textual.strip import Strip

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.widgets.strip_caches import CACHES, lazy_strip_caches
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


async def test_the_desks_lines_hold_no_empty_cache(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f2")  # a screen of some hundred widgets, kept once left
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        gc.collect()
        lines = [o for o in gc.get_objects() if type(o) is Strip]
        assert len(lines) > 500  # the desk and the kept intake, painted
        empty = [
            name
            for line in lines
            for name in CACHES
            if isinstance(cache := getattr(line, name), FIFOCache) and not cache
        ]
        assert empty == []
        caches = sum(1 for o in gc.get_objects() if type(o) is FIFOCache)
        assert caches < len(lines)  # seven a line before


def test_a_line_caches_what_textual_caches() -> None:
    lazy_strip_caches()
    lazy_strip_caches()  # a second call changes nothing
    line = Strip([Segment("来电登记 ", Style(bold=True)), Segment("12345")], 14)
    assert not line._crop_cache and len(line._crop_cache) == 0
    assert line._crop_cache.get((0, 4)) is None
    cropped = line.crop(0, 4)
    assert cropped.text == "来电"
    assert line.crop(0, 4) is cropped  # stored, then found
    assert isinstance(line._crop_cache, FIFOCache) and len(line._crop_cache) == 1
    pieces = line.divide([4, 10, 14])
    assert [p.text for p in pieces] == ["来电", "登记 1", "2345"]
    assert line.divide([4, 10, 14]) is pieces
    styled = line.apply_style(Style(italic=True))
    assert line.apply_style(Style(italic=True)) is styled
    extended = line.crop_extend(0, 20, None)
    assert extended.cell_length == 20 and line.crop_extend(0, 20, None) is extended
    longer = line.adjust_cell_length(20)
    assert longer.cell_length == 20 and line.adjust_cell_length(20) is longer
    moved = line.apply_offsets(1, 2)
    assert line.apply_offsets(1, 2) is moved
    for start in range(4):  # a cache keeps Textual's size: the oldest goes first
        for end in range(start + 1, 13):
            line.crop(start, end)
    assert len(line._crop_cache) == CACHES["_crop_cache"]
    assert Strip.blank(3).text == "   "
