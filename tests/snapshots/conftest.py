"""Snapshot fixtures: every snapshot at two sizes, the locale put back after each app, an empty
migrated database."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from deskui import i18n
from deskui.data.database import Database
from tests.screens.desk_pilot import migrated_empty_database, settle

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
"""Every screen is pictured at a small desk terminal's size and at an agent's small one."""
LARGE = "120x36"
"""The size whose pictures keep their names from before there were two (no `[120x36]`)."""
LATE = float(os.environ.get("DESKUI_SNAPSHOT_LATE", "0"))
"""Seconds of wall-clock time every snapshot waits before it is taken (0 in the suite).

`DESKUI_SNAPSHOT_LATE=12 pytest tests/snapshots` shows what a loaded machine would: a screen
whose look depends on real time passing (a toast timing out, the tick's change poll) fails.
"""


@pytest.fixture(autouse=True)
def _locale_restored() -> Iterator[None]:
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.fixture
def empty_database(tmp_path: Path, migrated_template: Path) -> Iterator[Database]:
    db = migrated_empty_database(tmp_path)
    yield db
    db.dispose()


def still_cursors(app: Any) -> None:
    """Every text field's cursor stops blinking and shows: a blink's phase at the moment of the
    picture depends on how long the machine took to get there."""
    for screen in app.screen_stack:
        for field in screen.query("Input, TextArea"):
            field.cursor_blink = False
            if isinstance(field, TextArea):
                # Textual 8.2's TextArea line cache keys the cursor only while it blinks, so
                # a line cached in the blink's dark phase would stay dark: drop those lines
                field._line_cache.clear()
                field.refresh()


def without_size(name: str, size: str) -> str:
    """A test's name without the size among its ids: `test_x[120x36]` is `test_x`,
    `test_x[calm-120x36]` is `test_x[calm]`."""
    base, bracket, ids = name.partition("[")
    if not bracket:
        return name
    kept = [part for part in ids.removesuffix("]").split("-") if part != size]
    return f"{base}[{'-'.join(kept)}]" if kept else base


@pytest.fixture(params=list(SIZES))
def snapshot_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """The terminal size of this run of a snapshot test: each runs at every size."""
    return SIZES[request.param]


@pytest.fixture
def snapshot(snapshot: Any, request: pytest.FixtureRequest) -> Any:
    """Syrupy's snapshot, the 120x36 picture named as before: `test_desk_zh_cn.svg`, not
    `test_desk_zh_cn[120x36].svg` (the 80x24 one is `test_desk_zh_cn[80x24].svg`)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("snapshot_size") == LARGE:
        location = snapshot.test_location
        location.testname = without_size(location.testname, LARGE)
    return snapshot


@pytest.fixture
def snap_compare(snap_compare: Any, snapshot_size: tuple[int, int]) -> Any:
    """The plugin's snap_compare at this run's size, with still cursors, taken `LATE`
    seconds late when asked."""

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("terminal_size") == SIZES[LARGE]:
            kwargs["terminal_size"] = snapshot_size

        async def before(pilot: Any) -> None:
            result = run_before(pilot) if run_before is not None else None
            if inspect.isawaitable(result):
                await result
            if LATE:
                await pilot.pause(LATE)
                await settle(pilot)
            still_cursors(pilot.app)
            await pilot.pause()

        return snap_compare(app, *args, run_before=before, **kwargs)

    return compare
