"""Every path deskui uses, from platformdirs; DESKUI_DATA_DIR points tests elsewhere."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Where the embedded SQLite database lives (created on first use, not at import)."""
    override = os.environ.get("DESKUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("deskui", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'deskui.db'}"
