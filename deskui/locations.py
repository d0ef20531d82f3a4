"""Every path deskui uses, from platformdirs; DESKUI_DATA_DIR points tests elsewhere."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

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


def attachment_dir(settings: Settings) -> Path:
    """Where attachments kept as files are (site setting attachment.storage = folder):
    beside the SQLite file, or in the desk's files folder for a server database."""
    database = sqlite_file(settings.database_url)
    if database is not None:
        return database.parent / "attachments"
    return files_dir(settings) / "attachments"


def reports_dir(settings: Settings) -> Path:
    """Where printed reports go (the handover report, the team report of the measures
    screen): `reports/` in the desk's files folder (the demo's own)."""
    return files_dir(settings) / "reports"


def replies_dir(settings: Settings) -> Path:
    """Where exported replies go: `replies/` in the desk's files folder (the demo's own)."""
    return files_dir(settings) / "replies"


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
    from deskui.domain.clock import site_zone

    return at.astimezone(site_zone(timezone)).strftime("%Y%m%d-%H%M")


PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
"""What the desk writes is its account's alone (issue 23): phones, password hashes, logs."""
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_umask() -> None:
    """Every file and folder this process creates from now on is its account's alone."""
    os.umask(0o077)


def private_folder(folder: Path) -> Path:
    """`folder`, created 0700 (with its parents) or tightened to 0700 if found looser."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    tighten(folder, PRIVATE_FOLDER)
    return folder


def tighten(path: Path, mode: int) -> bool:
    """Take from `path` any permission `mode` does not give (never adds one); True when it
    changed. A path that is missing or not the desk's own is left as it is."""
    try:
        found = path.lstat()
    except OSError:
        return False
    if path.is_symlink() or found.st_mode & 0o777 & ~mode == 0:
        return False
    if found.st_uid != os.getuid():  # a folder of the host's (/tmp, a shared backups folder)
        return False
    try:
        os.chmod(path, found.st_mode & 0o7777 & (mode | 0o7000))
    except OSError:
        return False
    return True


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL (None for a server or an in-memory database)."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or database_url.endswith(":memory:"):
        return None
    return Path(database_url.removeprefix(prefix).split("?", 1)[0])


def secure_files(settings: Settings) -> list[Path]:
    """At start: the umask, then what an older desk left readable tightened: the files
    folder 0700 and everything in it 0600 / 0700 (the inbox excepted: the site's to
    share), the SQLite file and its -wal/-shm/-journal 0600. The paths it changed."""
    private_umask()
    changed: list[Path] = []
    folder = files_dir(settings)
    if folder.is_dir():
        changed += _tighten_tree(folder, skip=frozenset({inbox_dir(settings)}))
    database = sqlite_file(settings.database_url)
    if database is not None:
        if database.parent == data_dir() and tighten(database.parent, PRIVATE_FOLDER):
            changed.append(database.parent)
        for suffix in SQLITE_COMPANIONS:
            path = database.with_name(database.name + suffix)
            if tighten(path, PRIVATE_FILE):
                changed.append(path)
    return changed


def _tighten_tree(folder: Path, skip: frozenset[Path]) -> list[Path]:
    changed = [folder] if tighten(folder, PRIVATE_FOLDER) else []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return changed
    for entry in entries:
        path = Path(entry.path)
        if path in skip or entry.is_symlink():
            continue
        if entry.is_dir():
            changed += _tighten_tree(path, skip)
        elif tighten(path, PRIVATE_FILE):
            changed.append(path)
    return changed


def inbox_dir(settings: Settings) -> Path:
    """The site's inbox on a team host: files the site drops there (fax scans, mail
    exports) are the only ones an agent may attach. DESKUI_INBOX_DIR, else `inbox/` in the
    desk's files folder. The host's to set, never a desk's (a lead at a desk cannot point it
    at the host's files)."""
    override = os.environ.get("DESKUI_INBOX_DIR")
    return Path(override) if override else files_dir(settings) / "inbox"


def export_dir(settings: Settings) -> Path:
    """Where a team desk saves files out (DESKUI_EXPORT_DIR, else `exports/` in the files
    folder): the only folder an agent's desk writes a file of the agent's choosing into."""
    override = os.environ.get("DESKUI_EXPORT_DIR")
    return Path(override) if override else files_dir(settings) / "exports"


TEAM_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


def team_desk(settings: Settings, environ: Mapping[str, str] | None = None) -> bool:
    """A desk of a team host, whose agents must not reach the host's files (DESIGN.md 13):
    a server database (PostgreSQL), a desk run over ssh or served to a browser (Textual's web
    driver, as `deskui web` runs it), or one the host declares so (DESKUI_TEAM=1). Only the
    single desk on a person's own machine (SQLite, at its own terminal) is not."""
    env = os.environ if environ is None else environ
    if not settings.database_url.startswith("sqlite"):
        return True
    if env.get("DESKUI_TEAM", "").strip().lower() in ("1", "yes", "true", "on"):
        return True
    if "web_driver" in env.get("TEXTUAL_DRIVER", "").lower():
        return True
    return any(env.get(name) for name in TEAM_VARIABLES)
