"""A whole database written to a file and read back (issue 28): SQLite through its online
backup API (a consistent copy while desks write), PostgreSQL through the field's own tools,
`pg_dump` / `pg_restore` in their custom format, never a home-made dump.

The mechanics only: who may, and what a restore may overwrite, the backups service decides.
A password never reaches a command line (the tools read it from PGPASSWORD) nor a message.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import inspect, text

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

    from deskui.data.database import Database

PG_BIN_ENV = "DESKUI_PG_BIN"
"""A folder holding the pg_dump and pg_restore of the server's major version (e.g.
/usr/lib/postgresql/16/bin), when the ones on PATH are of another."""
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
TOOL_SECONDS = 3600
COUNTED = {"customers": "customer", "tickets": "ticket", "calls": "call", "accounts": "agent"}
"""What a restore says it restored: these tables' rows."""


class BackupError(Exception):
    """Why a backup or restore cannot go on: `key` is its catalog line, `values` its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Contents:
    """What a database holds, as a restore reports it."""

    revision: str | None
    counts: dict[str, int]


def contents(database: Database) -> Contents:
    """The schema's migration and the rows of the counted tables (0 where one is missing)."""
    with database.engine.connect() as connection:
        return _contents(connection)


def _contents(connection: Connection) -> Contents:
    tables = set(inspect(connection).get_table_names())
    counts: dict[str, int] = {}
    for name, table in COUNTED.items():
        counted = text(f'SELECT count(*) FROM "{table}"')
        counts[name] = connection.execute(counted).scalar_one() if table in tables else 0
    revision = None
    if "alembic_version" in tables:
        found = [r[0] for r in connection.execute(text("SELECT version_num FROM alembic_version"))]
        revision = found[0] if len(found) == 1 else None
    return Contents(revision, counts)


def holds_data(database: Database) -> bool:
    """Whether the database holds anything a site wrote: an account, a customer, a ticket or
    a call (a database the migrations alone made holds none)."""
    return any(contents(database).counts.values())


def has_tables(database: Database) -> bool:
    with database.engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


# -- SQLite ----------------------------------------------------------------------------------


def _private(partial: Path) -> Path:
    """`partial` created empty and 0600 (a backup holds every customer's phone), whatever
    the process's umask; a leftover of an earlier attempt replaced."""
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(partial, 0o600)
    return partial


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)


def sqlite_back_up(database: Database, output: Path) -> Contents:
    """Copy the live database into `output` with SQLite's online backup API: one consistent
    state, whatever the desks commit meanwhile (WAL: they are not held up). What the copy
    holds, counted in the copy."""
    partial = _private(output.with_name(f".{output.name}.partial"))
    raw = database.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if target.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError("backup.error.copy_damaged")
        finally:
            target.close()
        os.replace(partial, output)
    finally:
        raw.close()
        partial.unlink(missing_ok=True)
    return sqlite_contents(output)


def sqlite_contents(path: Path) -> Contents:
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://", creator=lambda: _read_only(path))
    try:
        with engine.connect() as connection:
            return _contents(connection)
    finally:
        engine.dispose()


DESKUI_OBJECTS = frozenset({"table", "index"})
"""What deskui's migrations make in a SQLite file: a backup holding a trigger or a view was
made or changed by something else (a trigger restored would run on every desk's write)."""


def sqlite_revision(path: Path) -> str:
    """The migration a SQLite backup is at; BackupError when it is no deskui database, or a
    damaged one (its integrity checked before anything is written over)."""
    try:
        with path.open("rb") as stream:
            if stream.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise BackupError("backup.error.not_a_backup")
        connection = _read_only(path)
        try:
            objects = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
            tables = {name for kind, name in objects if kind == "table"}
            if not {"alembic_version", "agent", "ticket"} <= tables:
                raise BackupError("backup.error.not_a_backup")
            if any(kind not in DESKUI_OBJECTS for kind, _ in objects):
                raise BackupError("backup.error.not_a_backup")  # a trigger or view: not ours
            checked = connection.execute("PRAGMA integrity_check(1)").fetchall()
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            raise BackupError("backup.error.damaged") from error
        raise BackupError("backup.error.not_a_backup") from error
    except (sqlite3.Error, UnicodeError) as error:
        raise BackupError("backup.error.not_a_backup") from error
    if checked != [("ok",)]:  # a page overwritten or cut off: restored, it would break the desk
        raise BackupError("backup.error.damaged")
    if len(rows) != 1:
        raise BackupError("backup.error.not_a_backup")
    return str(rows[0][0])


def sqlite_restore(backup: Path, database: Database) -> None:
    """Write the backup over the database's file with the same backup API (the file's own
    connections closed first; its -wal is taken along)."""
    target_path = database.url.database
    if not target_path or target_path == ":memory:":
        raise BackupError("backup.error.no_target")
    database.dispose()
    source = _read_only(backup)
    try:
        target = sqlite3.connect(target_path, timeout=5)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as error:
        raise BackupError("backup.error.tool_failed", tool="sqlite3", said=str(error)) from error
    finally:
        source.close()
        database.dispose()


# -- PostgreSQL ------------------------------------------------------------------------------


def _conninfo(url: URL) -> str:
    """libpq's keyword string for `url`, without its password (PGPASSWORD carries it)."""

    def value(v: object) -> str:
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"

    parts = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    for key, given in url.query.items():
        parts[key] = given if isinstance(given, str) else given[-1]
    return " ".join(f"{k}={value(v)}" for k, v in parts.items() if v not in (None, ""))


def _environment(url: URL) -> dict[str, str]:
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return environment


def find_tool(name: str) -> str:
    """The path of `name` (pg_dump, pg_restore): in DESKUI_PG_BIN if set, else on PATH."""
    folder = os.environ.get(PG_BIN_ENV)
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found is None:
        raise BackupError("backup.error.tool_missing", tool=name, variable=PG_BIN_ENV)
    return found


def tool_major(tool: str) -> int:
    """`pg_dump (PostgreSQL) 15.18 (Debian ...)` -> 15."""
    try:
        said = subprocess.run(
            [tool, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError("backup.error.tool_failed", tool=tool, said=str(error)) from error
    found = re.search(r"\)\s*(\d+)", said)
    if found is None:
        raise BackupError("backup.error.tool_failed", tool=tool, said=said.strip()[:200])
    return int(found.group(1))


def server_major(database: Database) -> int:
    with database.engine.connect() as connection:
        number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000


def matching_tool(name: str, database: Database) -> str:
    """The tool, of the server's major version (a pg_dump older than the server refuses to
    dump it, and an archive read by another version is a gamble): else BackupError."""
    tool = find_tool(name)
    ours, theirs = tool_major(tool), server_major(database)
    if ours != theirs:
        raise BackupError(
            "backup.error.tool_version",
            tool=name,
            tool_version=ours,
            server_version=theirs,
            variable=PG_BIN_ENV,
        )
    return tool


def _run(args: list[str], url: URL) -> str:
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, env=_environment(url), timeout=TOOL_SECONDS
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError("backup.error.tool_failed", tool=args[0], said=str(error)) from error
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        said = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError("backup.error.tool_failed", tool=Path(args[0]).name, said=said[:300])
    return done.stdout


def pg_back_up(database: Database, output: Path) -> Contents:
    """`pg_dump --format=custom` of the whole database into `output`, while the desks write:
    a repeatable-read transaction exports its snapshot, counts what it sees, and pg_dump
    dumps that same snapshot (--snapshot), so the counts are the dump's own."""
    tool = matching_tool("pg_dump", database)
    partial = _private(output.with_name(f".{output.name}.partial"))
    args = [tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
    try:
        with database.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                held = _contents(connection)
                _run([*args, f"--snapshot={snapshot}", "--dbname", _conninfo(database.url)],
                     database.url)  # fmt: skip
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return held


def pg_revision(backup: Path, database: Database) -> str:
    """The migration a custom-format dump is at, read from the dump alone; BackupError for
    a file that is no dump of a deskui database."""
    try:
        with backup.open("rb") as stream:
            if stream.read(len(PG_MAGIC)) != PG_MAGIC:
                raise BackupError("backup.error.not_a_backup")
    except OSError as error:
        raise BackupError("backup.error.unreadable", said=error.strerror or "") from error
    tool = matching_tool("pg_restore", database)
    try:
        listing = _run([tool, "--list", str(backup)], database.url)
        data = _run(
            [tool, "--data-only", "--table=alembic_version", "--file=-", str(backup)],
            database.url,
        )
    except BackupError as error:
        raise BackupError("backup.error.not_a_backup") from error
    tables = {
        words[words.index("TABLE") + 2]
        for line in listing.splitlines()
        if not line.startswith(";") and " TABLE " in line and "TABLE DATA" not in line
        for words in [line.split()]
        if len(words) > words.index("TABLE") + 2
    }
    if not {"alembic_version", "agent", "ticket"} <= tables:
        raise BackupError("backup.error.not_a_backup")
    if any(not _deskui_entry(line) for line in listing.splitlines()):
        raise BackupError("backup.error.not_a_backup")  # a function, trigger, view: not ours
    lines = data.splitlines()
    copy = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    if len(copy) != 1 or len(lines) < copy[0] + 3 or lines[copy[0] + 2] != "\\.":
        raise BackupError("backup.error.not_a_backup")
    return lines[copy[0] + 1].strip()


PG_ENTRIES = (
    "TABLE DATA",
    "TABLE",
    "SEQUENCE OWNED BY",
    "SEQUENCE SET",
    "SEQUENCE",
    "DEFAULT",
    "FK CONSTRAINT",
    "CONSTRAINT",
    "INDEX",
    "SCHEMA",
    "COMMENT",
)
"""What a dump of deskui's database holds (its migrations make tables, their sequences,
defaults, keys and indexes): an entry of any other kind, a function, a trigger, a view or
a rule, would run inside the desks' database once restored."""
PG_FOREIGN = ("CONSTRAINT TRIGGER", "DEFAULT ACL", "TABLE ATTACH", "INDEX ATTACH")
"""Kinds whose names begin as one of deskui's do."""


def _deskui_entry(line: str) -> bool:
    """Whether one line of `pg_restore --list` is an entry deskui's schema makes (a comment
    or blank line is no entry): `217; 1259 16386 TABLE public agent deskui`."""
    if not line.strip() or line.startswith(";"):
        return True
    parts = line.split(None, 3)
    if len(parts) < 4 or not parts[0].endswith(";"):
        return False
    kind = parts[3]
    if any(kind.startswith(f"{foreign} ") for foreign in PG_FOREIGN):
        return False
    return any(kind.startswith(f"{entry} ") for entry in PG_ENTRIES)


def known_revision(revision: str | None) -> bool:
    """Whether this deskui's migrations know `revision` (a backup of a newer deskui is not
    restored by an older one: its schema would be a stranger to the code)."""
    if not revision:
        return False
    from alembic.script import ScriptDirectory

    from deskui.data.database import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic says "no such revision" in several ways
        return False


def pg_restore(backup: Path, database: Database, *, clean: bool) -> None:
    """`pg_restore` into the database in one transaction (all or nothing); `clean` drops
    what the dump holds first (a database the migrations made, or one overwritten as told)."""
    tool = matching_tool("pg_restore", database)
    database.dispose()
    args = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        args += ["--clean", "--if-exists"]
    try:
        _run([*args, "--dbname", _conninfo(database.url), str(backup)], database.url)
    finally:
        database.dispose()
