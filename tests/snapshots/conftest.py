"""Snapshot fixtures: the locale put back after each app, an empty migrated database."""

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
def empty_database(tmp_path: Path) -> Iterator[Database]:
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


@pytest.fixture
def snap_compare(snap_compare: Any) -> Any:
    """The plugin's snap_compare, with still cursors, taken `LATE` seconds late when asked."""

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> Any:
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
