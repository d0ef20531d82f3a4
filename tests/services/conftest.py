"""Service tests run on the repository tests' small desk, on SQLite and PostgreSQL, without
Textual (deskui.services imports none)."""

from __future__ import annotations

from tests.data.conftest import Desk, desk

__all__ = ["Desk", "desk"]
