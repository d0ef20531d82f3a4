"""Migrations build the whole schema from nothing, and the models agree with it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from deskui.data.database import Database, alembic_config
from deskui.data.models import Base


def test_upgrade_builds_every_table_at_head(database: Database) -> None:
    # the fixture ran upgrade() on an empty SQLite file / an empty PostgreSQL schema
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with database.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        tables = set(inspect(connection).get_table_names())
    assert heads
    assert current == heads
    assert set(Base.metadata.tables) <= tables
    assert not database.is_empty()

    # a second upgrade finds nothing to do
    before = _schema(database)
    database.upgrade()
    assert _schema(database) == before


def test_models_and_migrated_schema_do_not_differ(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _schema(database: Database) -> dict[str, list[str]]:
    inspector = inspect(database.engine)
    return {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
    }
