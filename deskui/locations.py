"""Every path deskui uses, from platformdirs; DESKUI_DATA_DIR points tests elsewhere."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from deskui.config import Settings

DEMO_PREFIX = "deskui-demo-"


def data_dir() -> Path:
    """Where the embedded SQLite database lives (created on first use, not at import)."""
    override = os.environ.get("DESKUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("deskui", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'deskui.db'}"


def files_dir(settings: Settings) -> Path:
    """Where the desk writes its files (written replies, handover reports, logs): the
    demo's own folder under --demo, so a demo never writes into the user's data folder."""
    if settings.files_folder:
        return Path(settings.files_folder)
    return data_dir()


def new_demo_folder() -> Path:
    """A fresh temporary folder for a demo without --db: deleted when the demo ends."""
    return Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))


def kept_demo_folder(database_url: str) -> Path:
    """The temporary folder of a demo kept in a database (--demo --db URL): the same folder
    for the same URL, so a demo restarted or killed and reopened finds the files it wrote."""
    import hashlib  # 7 ms of start-up for a path only `--demo --db` needs

    digest = hashlib.sha256(database_url.encode("utf-8")).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"{DEMO_PREFIX}{digest}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def file_stamp(at: datetime, timezone: str) -> str:
    """`20261123-0913` for a file's name: the site's local time, as the agent reads a clock
    (a UTC stamp said 0113 for a reply written at 09:13)."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d-%H%M")
