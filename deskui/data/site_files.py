"""The two host folders a team desk may touch (DESIGN.md 13, issue 23): the site's inbox,
read only by a name picked from its listing, and the export folder, written only under a
sanitised name. Nothing else of the host's file system is reached from a team desk.

An inbox name is resolved inside the inbox alone: one path component (no `/`, no `..`),
opened relative to the inbox's own descriptor without following a symbolic link, a regular
file only (not a folder, a device or a FIFO that would hang the desk), the size limit
checked on the open file itself, so a name swapped for a link between the listing and the
read is refused too.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from deskui.data.frontdesk_store import FrontDeskError, human_size

NAME_BYTES = 180
"""A saved name's length at most, in UTF-8 bytes (file systems allow 255; room for ` (99)`)."""
UNSAFE = frozenset('/\\:*?"<>|')


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A file the site dropped in the inbox: its name there and its size."""

    name: str
    size: int


def inbox_files(inbox: Path) -> list[InboxFile]:
    """The inbox's regular files (no folders, links or hidden files), newest first."""
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return []
    except OSError as error:
        raise FrontDeskError("attachments.error.inbox_unreadable", "path") from error
    found: list[tuple[float, InboxFile]] = []
    for entry in entries:
        if entry.name.startswith(".") or not _inbox_name_ok(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((info.st_mtime, InboxFile(entry.name, info.st_size)))
    found.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [file for _, file in found]


def read_inbox_file(inbox: Path, name: str, limit_bytes: int) -> bytes:
    """The bytes of the inbox's file `name`, or a FrontDeskError saying why not: a name that
    is not a plain file of the inbox is refused as not found, whatever it points at."""
    if not _inbox_name_ok(name):
        raise FrontDeskError("attachments.error.not_in_inbox", "path", name=name)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        folder = os.open(inbox, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise FrontDeskError("attachments.error.inbox_unreadable", "path") from error
    try:
        try:
            handle = os.open(name, flags, dir_fd=folder)
        except OSError as error:  # missing, a link (ELOOP), unreadable
            raise FrontDeskError("attachments.error.not_in_inbox", "path", name=name) from error
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise FrontDeskError("attachments.error.not_in_inbox", "path", name=name)
            if info.st_size > limit_bytes:
                raise FrontDeskError(
                    "attachments.error.too_big",
                    "path",
                    size=human_size(info.st_size),
                    limit=human_size(limit_bytes),
                )
            if info.st_size == 0:
                raise FrontDeskError("attachments.error.empty", "path", path=name)
            with os.fdopen(handle, "rb", closefd=False) as source:
                content = source.read(limit_bytes + 1)
        finally:
            os.close(handle)
    finally:
        os.close(folder)
    if len(content) > limit_bytes:  # it grew while we read
        raise FrontDeskError(
            "attachments.error.too_big",
            "path",
            size=human_size(len(content)),
            limit=human_size(limit_bytes),
        )
    return content


def _inbox_name_ok(name: str) -> bool:
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= 255
    )


def safe_file_name(name: str, fallback: str = "attachment") -> str:
    """`name` as a file name safe to write anywhere: its last path component only, control
    characters, bidi overrides and the characters Windows refuses as `_`, no leading dot
    (no hidden file), no trailing dot or space, at most NAME_BYTES bytes (its extension
    kept), `fallback` for a name left empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        "_" if ch in UNSAFE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch
        for ch in base
    )
    cleaned = cleaned.strip().lstrip(".").rstrip(". ")
    if not cleaned.strip("_"):
        cleaned = fallback
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = cleaned, ""
    ending = f".{suffix}" if suffix else ""
    while len((stem + ending).encode("utf-8")) > NAME_BYTES and stem:
        stem = stem[:-1]
    return (stem or fallback) + ending


def write_export(folder: Path, name: str, content: bytes) -> Path:
    """`content` written into `folder` (made 0700) as the sanitised `name`, 0600; never over
    an existing file (`name (2).pdf` ...) nor through a link planted in the folder."""
    from deskui.locations import PRIVATE_FILE, private_folder

    try:
        private_folder(folder)
    except OSError as error:
        raise FrontDeskError("attachments.error.no_export_folder", "path") from error
    safe = safe_file_name(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(1, 100):
        candidate = safe if n == 1 else f"{stem} ({n})" + (f".{suffix}" if suffix else "")
        target = folder / candidate
        try:
            handle = os.open(target, flags, PRIVATE_FILE)
        except FileExistsError:
            continue
        except OSError as error:
            raise FrontDeskError("attachments.error.export_failed", "path") from error
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        return target
    raise FrontDeskError("attachments.error.target_exists", "path", path=safe)
