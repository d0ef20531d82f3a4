"""Fixtures for the widget tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The package is not installed in the venv and pyproject sets no `pythonpath`: make the
# checkout importable until it does (`pythonpath = ["."]` would replace these lines).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from deskui import i18n  # noqa: E402


@pytest.fixture(autouse=True)
def zh_cn() -> Iterator[None]:
    """Every widget test paints in the default locale and leaves it so."""
    i18n.set_locale("zh-CN")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)
