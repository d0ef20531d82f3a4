"""Fixtures for the screen tests: an empty migrated database, the locale put back after each,
Pilot's waits in 5 ms looks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskui import i18n
from deskui.data.database import Database
from tests.screens.desk_pilot import migrated_empty_database


@pytest.fixture(autouse=True)
def _locale_restored() -> Iterator[None]:
    """`make_app` sets the process-wide locale: leave it as the next test expects."""
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.fixture(autouse=True)
def _waits_in_short_looks(quick_waits: None) -> None:
    """Every screen test's Pilot waits for a quiet app in 5 ms looks (tests/conftest.py,
    quick_waits): the same settled app, reached sooner. What a test waits for on the real
    clock (a draft's half second, a debounce) it waits for with `pause(seconds)`, unchanged."""


@pytest.fixture
def empty_database(tmp_path: Path, migrated_template: Path) -> Iterator[Database]:
    db = migrated_empty_database(tmp_path)
    yield db
    db.dispose()
