"""Backups that restore (issue 28): `deskui db backup` and `deskui db restore` as use cases.

A backup or a restore is the whole database, not one transaction, so these take the
Database itself where other use cases take a unit of work; like them they ask the table
(a manager, or the host's administrator on the command line), decide, and audit. A restore
never writes over a database holding a site's records unless told to, and says what it
restored. The audit line of a restore is written into the restored database (the one
before is gone with what it held).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskui.data.backups import (
    BackupError,
    Contents,
    contents,
    has_tables,
    holds_data,
    known_revision,
    pg_back_up,
    pg_restore,
    pg_revision,
    sqlite_back_up,
    sqlite_restore,
    sqlite_revision,
)
from deskui.data.database import Database, DatabaseError
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import HOST_ADMIN, Action
from deskui.domain.refusal import Refusal
from deskui.services.actor import Actor, Denied, require
from deskui.services.audit import record_denial

__all__ = [
    "HOST_ACTOR_ID",
    "BackUp",
    "BackupRefused",
    "BackupWritten",
    "Restore",
    "Restored",
    "back_up",
    "host_actor",
    "restore",
]

HOST_ACTOR_ID = 0
"""The host's administrator is no account: the audit names them by their system user."""


class BackupRefused(Refusal):
    """A backup or restore that does not go on: `key` is the catalog line, `values` its
    values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class BackUp:
    output: Path
    """The file to write; it must not exist yet (a backup never overwrites another)."""


@dataclass(frozen=True, slots=True)
class BackupWritten:
    path: Path
    size: int
    contents: Contents


@dataclass(frozen=True, slots=True)
class Restore:
    source: Path
    force: bool = False
    """Write over a database that holds a site's records (told on the command line)."""


@dataclass(frozen=True, slots=True)
class Restored:
    backup_revision: str
    """The schema the backup was at; `contents.revision` is the schema now (migrated)."""
    contents: Contents


def host_actor(user: str) -> Actor:
    """The host's administrator at the command line, as the system names them: whoever can
    open the database from the host's account holds its password already (issue 28)."""
    return Actor(HOST_ACTOR_ID, f"host:{user}"[:80], HOST_ADMIN)


def _allowed(database: Database, actor: Actor, action: Action, now: datetime) -> None:
    try:
        require(actor, action)
    except Denied as denied:  # audited where the database takes it (a restore's may be empty)
        try:
            with UnitOfWork(database) as uow:
                record_denial(uow, actor, denied, now)
        except Exception:  # no audit table yet (an empty database): the refusal stands
            pass
        raise


def _audit(
    database: Database, actor: Actor, action: str, subject: str, detail: dict[str, object],
    now: datetime,
) -> None:  # fmt: skip
    with UnitOfWork(database) as uow:
        uow.audit.write(
            now,
            action,
            agent_id=None if actor.id == HOST_ACTOR_ID else actor.id,
            agent_name=actor.name,
            subject=subject,
            detail=detail,
        )
        uow.commit()


def back_up(database: Database, actor: Actor, command: BackUp, now: datetime) -> BackupWritten:
    """The whole database into `command.output` (0600, written whole or not at all), while
    the desks go on writing; audited (`backup`, the file's name and the counts)."""
    _allowed(database, actor, Action.BACK_UP, now)
    output = command.output
    if output.exists() or output.is_symlink():
        raise BackupRefused("backup.error.exists", path=str(output))
    if not output.parent.is_dir():
        raise BackupRefused("backup.error.no_folder", path=str(output.parent))
    try:
        if database.is_sqlite:
            held = sqlite_back_up(database, output)
        else:
            held = pg_back_up(database, output)
    except BackupError as error:
        raise BackupRefused(error.key, **error.values) from error
    except OSError as error:
        said = error.strerror or ""
        raise BackupRefused("backup.error.unwritable", path=str(output), said=said) from error
    detail: dict[str, object] = {"revision": held.revision, **held.counts}
    _audit(database, actor, "backup", output.name, detail, now)
    return BackupWritten(output, output.stat().st_size, held)


def restore(database: Database, actor: Actor, command: Restore, now: datetime) -> Restored:
    """The backup `command.source` into the database: a deskui backup of this backend only,
    into a database holding no site's records unless `force`; then migrated to the newest
    schema, audited (`restore`) and its contents reported."""
    _allowed(database, actor, Action.RESTORE, now)
    source = command.source
    if not source.is_file():
        raise BackupRefused("backup.error.missing", path=str(source))
    try:
        revision = sqlite_revision(source) if database.is_sqlite else pg_revision(source, database)
        if not known_revision(revision):
            raise BackupRefused("backup.error.unknown_schema", revision=revision)
        if holds_data(database) and not command.force:
            raise BackupRefused("backup.error.not_empty")
        if database.is_sqlite:
            sqlite_restore(source, database)
        else:
            pg_restore(source, database, clean=has_tables(database))
        database.upgrade()
        held = contents(database)
    except BackupError as error:
        raise BackupRefused(error.key, **error.values) from error
    except DatabaseError as error:
        raise BackupRefused("backup.error.tool_failed", tool="alembic", said=str(error)) from error
    detail: dict[str, object] = {"revision": held.revision, "forced": command.force, **held.counts}
    _audit(database, actor, "restore", source.name, detail, now)
    return Restored(revision, held)
