"""`deskui` with no command runs the desk (a browser's desk reads its hand-over first);
`deskui db upgrade` migrates the database."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from deskui.cli.common import UsageError, say
from deskui.crash import CRASH_STATUS

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def web_grant(args: argparse.Namespace) -> object | None:
    """A desk spawned by `deskui web` reads who signed in on the page, and the database URL,
    from the hand-over file its environment names (deskui/web/grant.py), never from argv."""
    import os

    from deskui.web.grant import GRANT_ENV

    path = os.environ.pop(GRANT_ENV, None)
    if path is None or args.command is not None:
        return None
    from deskui.web.grant import GrantError, take_grant

    try:
        grant = take_grant(path)
    except GrantError as error:
        raise UsageError(str(error)) from error
    args.db = grant.database_url
    return grant


def run(settings: Settings, clock: Clock, grant: object | None = None) -> int:
    database = None
    if settings.database_url.startswith("postgresql"):
        # a team server that cannot be reached is said in one line before the screen opens
        # and a schema this desk does not know stops it here (issue 27): never migrated
        from deskui.data.database import Database, DatabaseError, SchemaNotCurrent

        try:
            database = Database(settings.database_url)
            database.check()
            database.require_current()
        except SchemaNotCurrent as error:
            found = error.found or "-"
            line = say("app.schema_unknown", settings, found=found, knows=error.knows)
            raise UsageError(line) from error
        except DatabaseError as error:
            raise UsageError(str(error)) from error
    from deskui.app import make_app
    from deskui.i18n import t

    app = make_app(settings, clock, database, grant)  # type: ignore[arg-type]
    app.run()
    if app.crash_log is not None:
        print(t("crash.stopped", path=app.crash_log), file=sys.stderr)
        return CRASH_STATUS
    return app.return_code or 0


def upgrade(settings: Settings) -> int:
    from deskui.data.database import Database, DatabaseError

    try:
        Database(settings.database_url).upgrade()
    except DatabaseError as error:
        raise UsageError(str(error)) from error
    print(f"deskui: database is up to date ({settings.database_url.split('@')[-1]})")
    return 0
