"""The hand-over from the web host to a desk it spawns (issue 23): who signed in on the page,
and the database URL, in a 0600 file in the host's 0700 runtime folder. Neither is on the
desk's command line or in its environment (`ps` shows every command line to every local
user); the environment names only the file, which the desk reads and deletes at once.
Imports nothing of Textual: the CLI reads the file before the desk is built."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

GRANT_ENV = "DESKUI_WEB_GRANT"


class GrantError(Exception):
    """The file named by DESKUI_WEB_GRANT is missing, unsafe or malformed."""


@dataclass(frozen=True, slots=True)
class Grant:
    agent_id: int
    name: str
    nonce: str
    issued_at: datetime
    database_url: str
    read_at: datetime


def runtime_folder() -> Path:
    """A new 0700 folder for this host's hand-overs (removed when the host stops)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = tempfile.mkdtemp(
        prefix="deskui-web-", dir=base if base and os.path.isdir(base) else None
    )
    os.chmod(folder, 0o700)
    return Path(folder)


def write_grant(folder: Path, agent_id: int, name: str, database_url: str) -> Path:
    """A new hand-over file (0600, created exclusively); its path goes to the desk."""
    nonce = secrets.token_urlsafe(24)
    body = {
        "agent_id": agent_id,
        "name": name,
        "nonce": nonce,
        "issued_at": datetime.now(UTC).isoformat(),
        "database_url": database_url,
    }
    path = folder / f"{secrets.token_hex(16)}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(body, stream)
    return path


def take_grant(path: str) -> Grant:
    """Read the hand-over and delete it (a second read finds nothing). Refuses a file that is
    not a regular file of this user's, readable by others, or not the host's JSON."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise GrantError(f"{GRANT_ENV}: cannot open the hand-over: {error.strerror}") from error
    try:
        info = os.fstat(descriptor)
        with os.fdopen(descriptor, "r", encoding="utf-8") as stream:
            descriptor = -1
            if not _private(info):
                raise GrantError(f"{GRANT_ENV}: the hand-over is readable by others")
            text = stream.read(64 * 1024)
    finally:
        if descriptor >= 0:
            os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(path)
    try:
        body = json.loads(text)
        issued = datetime.fromisoformat(body["issued_at"])
        return Grant(
            agent_id=int(body["agent_id"]),
            name=str(body["name"]),
            nonce=str(body["nonce"]),
            issued_at=issued if issued.tzinfo else issued.replace(tzinfo=UTC),
            database_url=str(body["database_url"]),
            read_at=datetime.now(UTC),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise GrantError(f"{GRANT_ENV}: the hand-over is not one deskui web wrote") from error


def _private(info: os.stat_result) -> bool:
    import stat

    return (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )
