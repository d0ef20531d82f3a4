"""Fixtures for the screen tests: an empty migrated database, the locale put back after each."""

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


@pytest.fixture
def empty_database(tmp_path: Path, migrated_template: Path) -> Iterator[Database]:
    db = migrated_empty_database(tmp_path)
    yield db
    db.dispose()
