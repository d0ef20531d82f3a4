"""No desk migrates a team's PostgreSQL as it starts (issue 27): a hundred desks starting after
an upgrade raced to migrate it, and each desk's role needed the right to change the schema.
Migrating is the administrator's `deskui db upgrade`; a desk meeting a schema it does not
know (older: not upgraded yet; newer: the desk is older than the site's) says so and stops,
the schema untouched. A desk's own SQLite file is still brought up to date by the desk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from deskui.app import make_app
from deskui.cli import main
from deskui.data.database import Database, SchemaNotCurrent
from deskui.data.migrations import HEAD
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from tests.conftest import make_settings
from tests.databases import postgres_schemas
from tests.screens.desk_pilot import SIZE, screen_text, settle


@pytest.fixture
def team_database() -> Iterator[Database]:
    """A PostgreSQL schema of the test's own, migrated from nothing, dropped after it (its
    alembic_version is changed here, which the kept schemas are not put back from)."""
    url = os.environ.get("DESKUI_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("DESKUI_REQUIRE_POSTGRES") == "1":
            pytest.fail("DESKUI_REQUIRE_POSTGRES=1 but DESKUI_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    with postgres_schemas(url).fresh_schema() as database:
        database.upgrade()
        yield database


def _set_revision(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


def test_a_schema_at_head_is_current_and_any_other_is_refused(team_database: Database) -> None:
    team_database.require_current()  # at the newest: nothing said
    for revision in ("0001", "9999"):
        _set_revision(team_database, revision)
        with pytest.raises(SchemaNotCurrent) as refused:
            team_database.require_current()
        assert (refused.value.found, refused.value.knows) == (revision, HEAD)
        with pytest.raises(SchemaNotCurrent):
            team_database.open_for_desk()  # a desk's open checks, never migrates
        assert team_database.revision() == revision


async def test_a_desk_meeting_a_schema_it_does_not_know_says_so_and_stops(
    team_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_revision(team_database, "0001")
    monkeypatch.setattr("deskui.app.RETRY_SECONDS", 0.05)
    opened: list[str] = []
    original = Database.require_current

    def counted(self: Database) -> None:
        opened.append("checked")
        original(self)

    monkeypatch.setattr(Database, "require_current", counted)
    app = make_app(make_settings(team_database, demo=False), clock, team_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # several retry periods: it does not try again
        await settle(pilot)
        said = t("app.schema_unknown", found="0001", knows=HEAD)
        assert said.split("，")[0] in screen_text(app)
        assert app.database is None and app.agent is None
        assert opened == ["checked"]
    assert team_database.revision() == "0001"  # untouched: no migration ran


def test_the_desk_command_stops_before_its_screen_on_a_schema_it_does_not_know(
    team_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_revision(team_database, "9999")
    url = team_database.url.render_as_string(hide_password=False)
    assert main(["--db", url, "--lang", "en", "--agent", "王芳"]) != 0
    err = capsys.readouterr().err
    assert "not the same version (database 9999, desk" in err and err.startswith("deskui:")
    assert team_database.revision() == "9999"


@pytest.mark.parametrize(
    "command",
    [("export", "tickets"), ("privacy", "purge", "--dry-run"), ("phone", "token")],
)
def test_the_commands_a_site_runs_as_the_desk_account_never_migrate_its_server(
    team_database: Database, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """The timers and the phone bridge run as the desk account (deploy/systemd): they check the
    schema as a desk does, and only `deskui db upgrade` migrates it."""
    _set_revision(team_database, "0001")
    url = team_database.url.render_as_string(hide_password=False)
    assert main(["--db", url, "--lang", "en", *command]) != 0
    assert "deskui db upgrade" in capsys.readouterr().err
    assert team_database.revision() == "0001"  # untouched


def test_the_phone_bridge_checks_the_schema_and_never_migrates_it(
    team_database: Database, tmp_path: Path
) -> None:
    from deskui.data.database import DatabaseError
    from deskui.domain.clock import SystemClock
    from deskui.phone.bridge import Bridge
    from deskui.phone.journal import Journal

    _set_revision(team_database, "0001")
    url = team_database.url.render_as_string(hide_password=False)
    bridge = Bridge(url, SystemClock(), Journal(tmp_path / "journal"), b"t" * 32)
    with pytest.raises(DatabaseError):  # refused: the events wait in the journal meanwhile
        bridge._db()
    assert team_database.revision() == "0001"
