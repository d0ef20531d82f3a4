"""The database handle: engine, sessions, migrations. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from deskui.data.migrations import HEAD
from deskui.data.missing import DeskSession


class DatabaseError(Exception):
    """A database problem said in one line an agent or admin can act on."""


class SchemaNotCurrent(DatabaseError):
    """A team database whose schema is not the one this desk knows (issue 27): older (the
    administrator has not run `deskui db upgrade` yet) or newer (this desk is older than
    the site's). A desk never migrates a server's schema itself: it says so and stops."""

    def __init__(self, found: str | None, knows: str) -> None:
        super().__init__(
            f"the database's schema is at {found or 'nothing'}, this deskui knows {knows}:"
            " the administrator runs `deskui db upgrade` with the same deskui as the desks"
        )
        self.found = found
        self.knows = knows


def parse_url(url: str) -> URL:
    """The URL, or a DatabaseError naming what is wrong with it."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r}") from error
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///PATH "
            "or postgresql+psycopg://USER:PASSWORD@HOST/NAME"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


QUICK_BUSY_MS = 20
"""A read on the UI thread waits at most this long for a busy file, then the caller falls
back to a worker."""


class Database:
    """One engine and its session factory. Create it in a worker: it imports SQLAlchemy."""

    def __init__(self, url: str, *, echo: bool = False, ping: bool = True) -> None:
        """`ping`: a server connection taken from the pool is tried first (a round trip);
        the phone bridge goes without, as its journal takes an event a dead connection
        refused and the pool opens a fresh one for the replay."""
        self.url = parse_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        """An embedded file on this machine: an indexed read takes well under a millisecond
        (benchmarks/lookup.py), so the intake may run one between two keystrokes."""
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            connect_args = {"timeout": 5, "check_same_thread": False}
            database = self.url.database
            if database and database != ":memory:" and not Path(database).parent.exists():
                raise DatabaseError(f"folder does not exist: {Path(database).parent}")
        try:
            if self.is_sqlite:
                self.engine: Engine = create_engine(
                    self.url, echo=echo, connect_args=connect_args, hide_parameters=True
                )
            else:
                self.engine = _server_engine(self.url, echo=echo, ping=ping)
        except ModuleNotFoundError as error:
            raise DatabaseError(
                f"driver missing for {self.url.drivername}: pip install 'deskui[postgres]'"
            ) from error
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, class_=DeskSession, expire_on_commit=False)
        # the search index follows every write to the texts it serves, in its transaction
        event.listen(self.sessions, "after_flush", _keep_search_index)
        self._quick_engine: Engine | None = None
        self._quick: sessionmaker[Session] | None = None

    def quick_session(self) -> Session:
        """A read session that gives up after QUICK_BUSY_MS instead of the usual 5 s when
        the file is busy: for reads on the UI's own thread, which must never hang it.
        Only for an embedded database."""
        if not self.is_sqlite:
            raise DatabaseError("quick reads are for an embedded (SQLite) database")
        if self._quick is None:
            quick_args = {"timeout": QUICK_BUSY_MS / 1000, "check_same_thread": False}
            engine = create_engine(
                self.url,
                connect_args=quick_args,
                pool_size=1,
                max_overflow=1,
                hide_parameters=True,
            )
            event.listen(engine, "connect", _quick_pragmas)
            self._quick_engine = engine
            self._quick = sessionmaker(engine, class_=DeskSession, expire_on_commit=False)
        return self._quick()

    def check(self) -> None:
        """Connect once; a DatabaseError says why not."""
        try:
            with self.engine.connect():
                pass
        except OperationalError as error:
            raise DatabaseError(describe(error, self.url)) from error

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (an empty database included). A database
        already at the newest is only asked its revision: Alembic is not even imported."""
        try:
            if self.revision() == HEAD:
                return
            from alembic import command

            with self.engine.begin() as connection:
                command.upgrade(alembic_config(connection), "heads")
        except OperationalError as error:
            raise DatabaseError(describe(error, self.url)) from error

    def require_current(self) -> None:
        """A team database: its schema must be the one this desk knows (HEAD), else
        SchemaNotCurrent. Asks only the revision: the desks' database role needs no right to
        change the schema, and a hundred desks starting after an upgrade do not race to
        migrate it."""
        try:
            found = self.revision()
        except OperationalError as error:
            raise DatabaseError(describe(error, self.url)) from error
        if found != HEAD:
            raise SchemaNotCurrent(found, HEAD)

    def open_for_desk(self) -> None:
        """What a desk does as it opens its database: a file of its own (SQLite: the desk's,
        the demo's) is brought to the newest migration; a server's is only checked
        (`require_current`): migrating it is the administrator's `deskui db upgrade`."""
        if self.is_sqlite:
            self.upgrade()
        else:
            self.require_current()

    def revision(self) -> str | None:
        """The migration the schema is at (None for an empty database)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            found = [row[0] for row in versions]
        return found[0] if len(found) == 1 else None

    def is_empty(self) -> bool:
        return not inspect(self.engine).has_table("agent")

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._quick_engine is not None:
            self._quick_engine.dispose()


def application_name() -> str:
    """What the server shows for each of this process's connections (pg_stat_activity): a
    site's administrator, and the benchmark, count them per desk."""
    import os

    return f"deskui {os.getpid()}"


KEEPALIVES: dict[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 25_000,
}
"""libpq's TCP keepalives on every server connection a desk holds: a network that drops
without a reset (a switch, a Wi-Fi roam) is noticed within about 25 s, by the LISTEN
connection waiting idle as by the pool's, instead of when the kernel gives up (hours)."""


def _server_engine(url: URL, *, echo: bool, ping: bool = True) -> Engine:
    """PostgreSQL: a hundred desks on one server with default settings (issue 27). A desk
    keeps at most one connection, and only while it works (deskui/data/pool.py)."""
    from deskui.data.pool import (
        MAX_OVERFLOW,
        POOL_SIZE,
        POOL_TIMEOUT,
        ReleasingPool,
        wait_for_a_slot,
    )

    engine = create_engine(
        url,
        echo=echo,
        connect_args={
            "connect_timeout": 5,
            "application_name": application_name(),
            **KEEPALIVES,
        },
        poolclass=ReleasingPool,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT,
        pool_pre_ping=ping,
        hide_parameters=True,  # an error's text never repeats the values written (issue 28)
    )
    wait_for_a_slot(engine)
    return engine


def alembic_config(connection: object | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "deskui.data:migrations")
    config.attributes["connection"] = connection
    return config


def describe(error: OperationalError, url: URL) -> str:
    text = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    where = url.render_as_string(hide_password=True)
    if "locked" in text:
        return f"database is locked by another program ({where}); retrying"
    return f"cannot reach the database {where}: {text}"


def _keep_search_index(session: Session, flush: Any) -> None:
    """deskui/data/search_index.py, imported at the first flush: the desk's start needs
    neither its models nor the phone rules it reads names with (DESIGN.md 9)."""
    from deskui.data.search_index import keep_search_index

    keep_search_index(session, flush)


def _quick_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={QUICK_BUSY_MS}")
    cursor.execute("PRAGMA query_only=ON")  # reads only: a write here would be a bug
    cursor.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
