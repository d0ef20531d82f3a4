"""What kind of database fault an error is, from the driver's words (SQLite, psycopg): the
screens say each kind in plain words from the catalog and log the raw text (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, OperationalError

if TYPE_CHECKING:
    from deskui.data.database import Database


class Trouble(StrEnum):
    REFUSED = "refused"
    """The server does not answer: down, wrong host or port, network."""
    LOCKED = "locked"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    GONE = "gone"
    """The connection dropped mid-work, or the SQLite file vanished under the desk."""
    MISSING = "missing"
    """No database file or folder where the settings point."""
    UNKNOWN = "unknown"


# first match wins; words as the drivers write them (lower case)
PATTERNS: tuple[tuple[Trouble, tuple[str, ...]], ...] = (
    (Trouble.LOCKED, ("database is locked", "database table is locked", "lock timeout")),
    (
        Trouble.READ_ONLY,
        ("readonly database", "read-only", "read only", "query_only", "permission denied"),
    ),
    (Trouble.DISK_FULL, ("disk is full", "no space left", "disk full", "diskfull")),
    (
        Trouble.GONE,
        (
            "server closed the connection",
            "terminating connection",
            "connection has been closed",
            "consuming input failed",
            "connection already closed",
            "the connection is closed",
            "no such table",
            "disk i/o error",
            "adminshutdown",
        ),
    ),
    (
        Trouble.REFUSED,
        (
            "connection refused",
            "could not connect",
            "connection to server",
            "timeout expired",
            "name or service not known",
            "cannot reach the database",
            "the database system is starting up",
            "the database system is shutting down",
        ),
    ),
    (Trouble.MISSING, ("unable to open database file", "folder does not exist")),
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def trouble_of(error: BaseException) -> Trouble:
    """The kind of fault, read from every error in the chain (type names included)."""
    words = " ".join(f"{type(e).__name__} {e}" for e in _chain(error)).lower()
    for kind, needles in PATTERNS:
        if any(needle in words for needle in needles):
            return kind
    return Trouble.UNKNOWN


def is_database_fault(error: BaseException) -> bool:
    """The database could not take the work (down, locked, read-only, full, gone), so the
    same save may land later; a refused value or a conflict never will by itself."""
    from deskui.data.database import DatabaseError

    if isinstance(error, OperationalError | DatabaseError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def takes_writes(database: Database) -> bool:
    """Whether the database takes a write now: one update of nothing, rolled back (a few
    hundred microseconds). A SQLite connection opened while its file was read-only stays
    read-only for its life, so on SQLite the pooled connections are dropped first and the
    file is opened again: made writable again, it is found so at once (issue 23)."""
    from sqlalchemy import text

    if database.is_sqlite:
        database.dispose()
    try:
        with database.engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    except Exception as error:  # still read-only, full, locked or away: the banner stays
        import logging

        logging.getLogger("deskui.database").debug("still no writes: %s", error)
        return False
    return True


def health_fault(database: Database) -> BaseException | None:
    """Why the database does not answer a health check (issue 28), or None when it does: one
    read of the migration table (a server down, a file gone or emptied all fail it)."""
    from sqlalchemy import text

    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception as error:  # whatever it is, the answer is 503 and the log says it
        return error
    return None
