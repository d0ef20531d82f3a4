"""The databases tests start from, built once per test process (per xdist worker) and copied
for each test (issue 24): migrating a database takes about half a second and seeding the demo
as long again, a copy a few milliseconds.

- SQLite: the migrated file and the seeded demo are built once in a folder of the process's
  own; a test gets a copy of the file in its own tmp_path (`sqlite_copy`).
- PostgreSQL: a schema per test as before, but a process keeps its schemas: the first is
  migrated from nothing, and after each test its schema is put back to how the migrations left
  it (every table emptied, migration 0012's rows written again, the sequences set back: some
  30 ms against 450 ms for the migrations; a template database per test, `CREATE DATABASE
  ... TEMPLATE` with its `DROP DATABASE`, measured slower on a loaded machine: each drop
  forces a checkpoint of the whole server).

Each copy is a test's alone: no test sees another's writes. tests/data/test_migrations.py
runs the migrations from nothing on both backends (`fresh_database`), and
tests/test_database_templates.py checks that a copy equals what a fresh build makes.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from deskui.data.database import Database

MIGRATED = "migrated"
"""An empty database at the newest migration (the departments and routing table migration
0012 gives every new site, no agent)."""
DEMO = "demo"
"""The demo desk seeded at tests.conftest.FIXED_NOW on a migrated database."""

_folder: Path | None = None
_files: dict[str, Path] = {}


def _template_folder() -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="deskui-test-templates-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def build_sqlite(path: Path, kind: str) -> Database:
    """A database built from nothing at `path`: migrated, and for DEMO seeded."""
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    if kind == DEMO:
        from deskui.data.demo import seed_demo
        from deskui.data.unit_of_work import UnitOfWork
        from tests.conftest import FIXED_NOW

        with UnitOfWork(database) as uow:
            seed_demo(uow, FIXED_NOW)
            uow.commit()
    elif kind != MIGRATED:
        raise ValueError(f"no such template: {kind!r}")
    return database


def sqlite_template(kind: str) -> Path:
    """The process's template file of `kind`, built on first use."""
    if kind not in _files:
        path = _template_folder() / f"{kind}.db"
        database = build_sqlite(path, kind)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.dispose()  # the last connection closed: everything is in the file
        for suffix in ("-wal", "-shm"):
            leftover = path.with_name(path.name + suffix)
            if leftover.exists() and leftover.stat().st_size:
                raise RuntimeError(f"the template {path} kept a {suffix} file")
        _files[kind] = path
    return _files[kind]


def sqlite_copy(path: Path, kind: str = MIGRATED) -> Database:
    """A database of its own at `path`: a copy of the process's `kind` template."""
    shutil.copyfile(sqlite_template(kind), path)
    return Database(f"sqlite:///{path}")


def _all(connection: Any, table: str) -> list[dict[str, Any]]:
    from sqlalchemy import text

    return [dict(row) for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings()]


class PostgresSchemas:
    """Migrated schemas on the server of `url`, kept by this process and put back to how the
    migrations left them after each test.

    The first test migrates a schema from nothing; what the migrations left in it (the rows
    of migration 0012, every sequence's position) is noted. After a test its schema is put
    back to exactly that (every table emptied, the noted rows written again, the sequences
    set back) in one transaction of some 30 ms, and the next test of the process gets it.
    A schema that cannot be put back (a connection the test left holding a lock) is dropped
    and the next test gets a new one, migrated from nothing."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._keeper = create_engine(self.url, pool_size=1)
        """Puts schemas back: one connection the process keeps."""
        self._free: list[str] = []
        self._made: set[str] = set()
        self._tables: list[str] = []
        """Every table but alembic_version, parents first."""
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._sequences: dict[str, tuple[int, bool]] = {}

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def _database(self, schema: str) -> Database:
        url = self.url.render_as_string(hide_password=False)
        separator = "&" if "?" in url else "?"
        return Database(f"{url}{separator}options=-csearch_path%3D{schema}")

    @contextmanager
    def fresh_schema(self) -> Iterator[Database]:
        """An empty schema of the test's own (nothing migrated), dropped after it."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE SCHEMA "{schema}"')
        database = self._database(schema)
        try:
            yield database
        finally:
            database.dispose()
            self._execute(f'DROP SCHEMA "{schema}" CASCADE')

    def _migrated_schema(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE SCHEMA "{schema}"')
        self._made.add(schema)
        database = self._database(schema)
        try:
            database.upgrade()
            if not self._tables:
                self._note(database)
        finally:
            database.dispose()
        return schema

    def _note(self, database: Database) -> None:
        """What the migrations left: the rows of each table, where each sequence stands."""
        from sqlalchemy import inspect, text

        from deskui.data.models import every_model

        Base = every_model()

        with database.engine.connect() as connection:
            found = set(inspect(connection).get_table_names()) - {"alembic_version"}
            modelled = [table.name for table in Base.metadata.sorted_tables]
            if found != set(modelled):  # tests/data/test_migrations.py says which differ
                differ = sorted(found ^ set(modelled))
                raise RuntimeError(f"migrated tables differ from the models: {differ}")
            rows = {name: [dict(row) for row in _all(connection, name)] for name in modelled}
            sequences = (
                connection.execute(
                    text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                    )
                )
                .scalars()
                .all()
            )
            for name in sequences:
                value, called = connection.execute(
                    text(f'SELECT last_value, is_called FROM "{name}"')
                ).one()
                self._sequences[name] = (value, called)
        self._rows = {name: kept for name, kept in rows.items() if kept}
        self._tables = modelled

    def _put_back(self, schema: str) -> None:
        """The schema as the migrations left it, in one transaction."""
        from sqlalchemy import text

        from deskui.data.models import every_model

        Base = every_model()

        with self._keeper.begin() as connection:
            connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql(
                "; ".join(f'DELETE FROM "{name}"' for name in reversed(self._tables))
            )
            for name in self._tables:  # parents first
                if name in self._rows:
                    connection.execute(Base.metadata.tables[name].insert(), self._rows[name])
            if self._sequences:
                connection.execute(
                    text(
                        "SELECT "
                        + ", ".join(
                            f"setval('\"{name}\"', {value}, {str(called).lower()})"
                            for name, (value, called) in self._sequences.items()
                        )
                    )
                )

    @contextmanager
    def database(self) -> Iterator[Database]:
        """A migrated schema of the test's own: as the migrations leave a new one."""
        schema = self._free.pop() if self._free else self._migrated_schema()
        database = self._database(schema)
        try:
            yield database
        finally:
            database.dispose()
            try:
                self._put_back(schema)
            except Exception:  # a lock the test left, or worse: this schema is done with
                self._made.discard(schema)
                self._drop(schema)
            else:
                self._free.append(schema)

    def _drop(self, schema: str) -> None:
        from sqlalchemy.exc import DBAPIError

        with suppress(DBAPIError):  # else left behind, as a crashed run would leave it
            self._execute(f"SET lock_timeout = '10s'; DROP SCHEMA \"{schema}\" CASCADE")

    def close(self) -> None:
        for schema in self._made:
            self._drop(schema)
        self._made.clear()
        self._free.clear()
        self._keeper.dispose()
        self._admin.dispose()


_postgres: dict[str, PostgresSchemas] = {}


def postgres_schemas(url: str) -> PostgresSchemas:
    if url not in _postgres:
        _postgres[url] = PostgresSchemas(url)
    return _postgres[url]


def close_postgres_schemas() -> None:
    """Drop the process's schemas (at the end of its session)."""
    while _postgres:
        _postgres.popitem()[1].close()
