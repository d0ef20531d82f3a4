"""The databases the fixtures hand out (tests/databases.py) are what a fresh build makes: a
copy of the process's migrated or demo file equals one built from nothing in the test, and a
PostgreSQL schema a test wrote to is put back to exactly what the migrations leave, its
sequences included, before the next test gets it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from tests.conftest import FIXED_NOW
from tests.databases import DEMO, MIGRATED, build_sqlite, postgres_schemas, sqlite_copy


def _dump(path: Path) -> list[str]:
    """The file's SQL dump in order, each CREATE TABLE's lines too: the migrations' batch
    operations on SQLite write a table's constraints and indexes in an order that varies."""
    connection = sqlite3.connect(path)
    try:
        return sorted(_lines_sorted(statement) for statement in connection.iterdump())
    finally:
        connection.close()


def _lines_sorted(statement: str) -> str:
    if not statement.startswith("CREATE TABLE"):
        return statement
    return "\n".join(sorted(line.strip().rstrip(",") for line in statement.splitlines()))


@pytest.mark.parametrize("kind", [MIGRATED, DEMO])
def test_a_copy_is_what_a_build_from_nothing_makes(tmp_path: Path, kind: str) -> None:
    sqlite_copy(tmp_path / "copy.db", kind).dispose()
    build_sqlite(tmp_path / "built.db", kind).dispose()
    copied, built = _dump(tmp_path / "copy.db"), _dump(tmp_path / "built.db")
    assert len(copied) > 40  # every table, and for the demo its rows
    assert copied == built


def test_a_copy_is_the_tests_own(tmp_path: Path) -> None:
    first = sqlite_copy(tmp_path / "first.db", DEMO)
    with UnitOfWork(first) as uow:
        uow.agents.add_agent("新来的", Role.AGENT, FIXED_NOW, team="north")
        uow.commit()
    first.dispose()
    second = sqlite_copy(tmp_path / "second.db", DEMO)
    with UnitOfWork(second) as uow:
        assert "新来的" not in {agent.name for agent in uow.agents.agents()}
    second.dispose()


def _state(database: Database) -> dict[str, Any]:
    """Every table's rows and every sequence's position in the database's schema."""
    with database.engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        state: dict[str, Any] = {
            name: sorted(
                (repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))),
            )
            for name in tables
        }
        sequences = connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        ).scalars()
        for name in sequences:
            state[f"sequence {name}"] = tuple(
                connection.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one()
            )
    return state


def test_a_postgresql_schema_is_put_back_as_the_migrations_leave_it() -> None:
    url = os.environ.get("DESKUI_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("DESKUI_REQUIRE_POSTGRES") == "1":
            pytest.fail("DESKUI_REQUIRE_POSTGRES=1 but DESKUI_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    schemas = postgres_schemas(url)
    with schemas.fresh_schema() as fresh:
        fresh.upgrade()
        expected = _state(fresh)
    with schemas.database() as used:
        assert _state(used) == expected
        with UnitOfWork(used) as uow:  # the whole demo: rows in nearly every table
            seed_demo(uow, FIXED_NOW)
            uow.commit()
        written = _state(used)
        where = used.url.query["options"]
    assert written != expected
    with schemas.database() as again:
        assert again.url.query["options"] == where  # the same schema, put back
        assert _state(again) == expected
        with UnitOfWork(again) as uow:  # numbering starts over as in a new schema
            first = uow.agents.add_agent("王芳", Role.AGENT, FIXED_NOW, team="north")
            uow.commit()
    with schemas.fresh_schema() as fresh:
        fresh.upgrade()
        with UnitOfWork(fresh) as uow:
            assert uow.agents.add_agent("王芳", Role.AGENT, FIXED_NOW, team="north").id == first.id
