"""Migrations build the whole schema from nothing, and the models agree with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from deskui.data import models as m
from deskui.data.database import Database, alembic_config
from deskui.data.migrations import HEAD
from deskui.data.models import every_model


@pytest.fixture
def database(fresh_database: Database) -> Database:
    """Here each test migrates from nothing (the other tests get a copy of the result)."""
    return fresh_database


def test_upgrade_builds_every_table_at_head(database: Database) -> None:
    # the fixture ran upgrade() on an empty SQLite file / an empty PostgreSQL schema (in
    # this test: not a copy)
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with database.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        tables = set(inspect(connection).get_table_names())
    assert len(heads) == 1  # one line of migrations: branches merged side by side re-chained
    assert current == heads
    assert set(every_model().metadata.tables) <= tables
    assert not database.is_empty()

    # a second upgrade finds nothing to do
    before = _schema(database)
    database.upgrade()
    assert _schema(database) == before


def test_head_is_alembics_head_and_a_database_at_head_starts_without_alembic(
    database: Database, tmp_path: Path
) -> None:
    """deskui.data.migrations.HEAD spares every start Alembic's import: it must be the head."""
    (head,) = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert head == HEAD
    assert database.revision() == HEAD
    url = f"sqlite:///{tmp_path / 'at-head.db'}"
    Database(url).upgrade()
    script = (
        "import sys; from deskui.data.database import Database; "
        f"d = Database({url!r}); d.upgrade(); "
        "print(d.revision(), any(n.split('.')[0] == 'alembic' for n in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [HEAD, "False"]


def test_models_and_migrated_schema_do_not_differ(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diff = compare_metadata(context, every_model().metadata)
    assert diff == []


def _schema(database: Database) -> dict[str, list[str]]:
    inspector = inspect(database.engine)
    return {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
    }


def test_a_new_database_holds_the_seeds_departments_and_routing_table(
    database: Database,
) -> None:
    """Intake proposes a department from the first call on a new site, and a product
    complaint goes to the technical department with CS coordinating (seed 002:2.3.2, 2.4.2)."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.routing import DEFAULT_DEPARTMENTS, DEFAULT_RULES, propose_department

    with UnitOfWork(database) as uow:
        assert uow.tickets.departments() == list(DEFAULT_DEPARTMENTS)
        stored = uow.tickets.routing_rules()
        assert uow.session.scalar(select(func.count()).select_from(m.RoutingRule)) == len(
            DEFAULT_RULES
        )

    def plain(rules: object) -> set[tuple[str, ...]]:
        return {(str(r.kind), str(r.category), r.department, *r.also) for r in rules}  # type: ignore[attr-defined]

    assert plain(stored) == plain(DEFAULT_RULES)
    rule = propose_department("complaint", "product_complaint", stored)
    assert rule is not None and (rule.department, rule.also) == ("technical", ("customer_service",))
