"""A person's data outside the database (PIPL art. 45 and 47, issue 28): the bytes of their
attachments kept as files, the letters the desk wrote for their complaints, and the copies of
their attachments saved out into the export folder. An erasure removes them from the folders
of this host after its transaction committed; an export reads the attachments' bytes.

Every name comes from the database, and a database may hold anything: a name is used only as
one component of a folder opened on its own (no `/`, no `..`, no NUL, no longer than a file
system allows), removed relative to that folder's descriptor, never through a link, so no
name, however hostile, reaches a file outside the folder it belongs in."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.domain.clock import SITE_TIMEZONE

if TYPE_CHECKING:
    from deskui.data.handover_store import HandoverReportRecord

MAX_NAME_BYTES = 255
"""A file system's limit for one component of a path."""

REPLY_NAME = re.compile(r"^complaint-(?P<ticket>\d+)-\d{8}-\d{4}\.(?:txt|pdf)$")
"""A written reply's file in the replies folder (screens/reply_composer.py names them)."""


@dataclass(frozen=True, slots=True)
class SiteFolders:
    """This host's folders that may hold a person's files (deskui/locations.py); None: not
    looked in (a desk of another machine keeps its own, README "Running a site")."""

    attachments: Path | None = None
    """Where attachments kept as files are (site setting attachment.storage = folder)."""
    replies: Path | None = None
    """The written replies (`complaint-<ticket>-<stamp>.txt|.pdf`)."""
    exports: Path | None = None
    """The export folder, where agents save attachments out."""
    reports: Path | None = None
    """The printed reports (`handover-<stamp>-<id>.pdf|.xlsx`, `team-<days>-<stamp>.xlsx`):
    a handover report naming the person is printed again from its erased record, a team
    report's cells naming them masked."""
    timezone: str = SITE_TIMEZONE
    """The site's zone, which a handover report is printed in."""


@dataclass(frozen=True, slots=True)
class HeldFile:
    """An attachment of the person's as the database held it before the erasure."""

    attachment_id: int
    ticket_id: int
    stored_name: str
    """Its file in the attachment folder ("" when its bytes were in the database)."""
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class FilesRemoved:
    removed: tuple[str, ...] = ()
    """The names of the files removed (no folder: a name is the person's own data)."""
    failed: int = 0
    """Files found but not removed (the file system refused): the site must remove them."""


def plain_name(name: str) -> bool:
    """A name that is one plain component of a folder: nothing else is ever opened."""
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES
    )


def remove_person_files(
    folders: SiteFolders, held: Sequence[HeldFile], tickets: Iterable[int]
) -> FilesRemoved:
    """Remove what this host holds of the person outside the database: their attachments'
    files, the replies written for their tickets, and any copy of their attachments saved out
    into the export folder (found by size and SHA-256, whatever it was renamed to)."""
    removed: list[str] = []
    failed = 0
    if folders.attachments is not None:
        names = {h.stored_name for h in held if plain_name(h.stored_name)}
        done, bad = _remove_in(folders.attachments, names.__contains__)
        removed += done
        failed += bad
    if folders.replies is not None:
        theirs = {str(t) for t in tickets}

        def is_reply(name: str) -> bool:
            found = REPLY_NAME.match(name)
            return found is not None and found["ticket"] in theirs

        done, bad = _remove_in(folders.replies, is_reply)
        removed += done
        failed += bad
    sizes: dict[int, set[str]] = {}
    for h in held:
        if h.sha256:
            sizes.setdefault(h.size, set()).add(h.sha256)
    if folders.exports is not None and sizes:

        def is_copy(fd: int) -> bool:
            wanted = sizes.get(os.fstat(fd).st_size)
            return bool(wanted) and _sha256(fd) in (wanted or ())

        done, bad = _remove_in(folders.exports, lambda _name: True, is_copy)
        removed += done
        failed += bad
    return FilesRemoved(tuple(removed), failed)


def read_held(folder: Path | None, stored_name: str) -> bytes | None:
    """An attachment file's bytes (None when it is not a plain file of `folder`)."""
    if folder is None or not plain_name(stored_name):
        return None
    try:
        directory = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        handle = os.open(stored_name, flags, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(handle)


def _remove_in(
    folder: Path,
    by_name: Callable[[str], bool],
    by_content: Callable[[int], bool] | None = None,
) -> tuple[list[str], int]:
    """Remove the plain files of `folder` whose name `by_name` picks (and whose open file
    `by_content` picks, when given); (the names removed, how many could not be)."""
    try:
        directory = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return [], 0  # no such folder on this host: nothing of the person's in it
    removed: list[str] = []
    failed = 0
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return [], 1  # a folder that cannot be read: whatever it holds stays
        for name in names:
            if not plain_name(name) or not by_name(name):
                continue
            try:
                handle = os.open(name, flags, dir_fd=directory)
            except OSError:
                continue  # a link planted in the folder, or gone meanwhile: not followed
            try:
                info = os.fstat(handle)
                picked = stat.S_ISREG(info.st_mode) and (by_content is None or by_content(handle))
            except OSError:
                failed += 1
                continue
            finally:
                os.close(handle)
            if not picked:
                continue
            try:
                os.unlink(name, dir_fd=directory)
            except FileNotFoundError:
                continue
            except OSError:
                failed += 1
                continue
            removed.append(name)
    finally:
        os.close(directory)
    return removed, failed


def _sha256(fd: int) -> str:
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    while chunk := os.read(fd, 1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def reprint_handover_reports(
    folder: Path | None, records: Sequence[HandoverReportRecord], timezone: str
) -> FilesRemoved:
    """The handover reports this host printed (`handover-*-<id>.pdf|.xlsx`) printed again
    from their records as the erasure left them."""
    from deskui.data.handover_report import write_report

    if folder is None:
        return FilesRemoved()
    done: list[str] = []
    failed = 0
    for record in records:
        printed = [
            p
            for p in folder.glob(f"handover-*-{record.id}.*")
            if p.suffix in (".pdf", ".xlsx") and p.is_file() and not p.is_symlink()
        ]
        if not printed:
            continue
        try:
            for path in printed:
                path.unlink(missing_ok=True)  # a stamp in another zone would leave the old one
            written = write_report(record, folder, timezone)
        except OSError:
            failed += 1
            continue
        done += [p.name for p in written]
    return FilesRemoved(tuple(done), failed)


def redact_team_reports(folder: Path | None, pieces: Sequence[str]) -> FilesRemoved:
    """The team reports (`team-*.xlsx`) whose cells hold any of `pieces` rewritten with
    them masked (deskui/domain/privacy.scrub); one that cannot be read or written counts
    as failed (the site looks at it)."""
    from deskui.domain.privacy import scrub

    if folder is None or not pieces:
        return FilesRemoved()
    done: list[str] = []
    failed = 0
    for path in sorted(folder.glob("team-*.xlsx")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            if _masked_book(path, lambda text: scrub(text, pieces)):
                done.append(path.name)
        except Exception:  # a broken or foreign file: openpyxl raises many kinds
            failed += 1
    return FilesRemoved(tuple(done), failed)


def _masked_book(path: Path, mask: Callable[[str], str]) -> bool:
    """The workbook at `path` with `mask` applied to every text cell, saved in place
    (through a file renamed over it) when any changed; whether one did."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    changed = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    masked = mask(cell.value)
                    if masked != cell.value:
                        cell.value = masked
                        changed = True
    if changed:
        partial = path.with_name(f".{path.name}.partial")
        book.save(partial)
        os.replace(partial, path)
    return changed
