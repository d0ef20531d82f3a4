"""`deskui db backup [--output FILE]` and `deskui db restore FILE [--force]` (issue 28): a
manager signs in with --agent; without --agent the host's administrator acts (the audit
names their system user): whoever runs the command on the host with the database's URL holds
its password already. The backups service decides; this prints what it did, or why not."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.cli.common import CommandRefused, UsageError, open_database, say, signed_in
from deskui.domain.permissions import Action
from deskui.domain.visible_text import visible

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.domain.clock import Clock
    from deskui.services.actor import Actor

BACKUP_DIR_ENV = "DESKUI_BACKUP_DIR"
"""Where `deskui db backup` writes without --output: else `backups/` in the data folder."""


def backup_folder(settings: Settings) -> Path:
    import os

    from deskui.locations import files_dir, private_folder

    override = os.environ.get(BACKUP_DIR_ENV)
    return private_folder(Path(override) if override else files_dir(settings) / "backups")


def _actor(settings: Settings, clock: Clock, database: Database, action: Action) -> Actor:
    if settings.agent_name:
        return signed_in(settings, clock, database, action)
    from deskui.services.backups import host_actor

    return host_actor(getpass.getuser())


def _shown(path: str | Path) -> str:
    return visible(str(path), one_line=True)


def backup_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    from deskui.locations import file_stamp
    from deskui.services.backups import BackUp, BackupRefused, back_up

    database = open_database(settings, clock, seed_demo=settings.demo)
    actor = _actor(settings, clock, database, Action.BACK_UP)
    if args.output:
        output = Path(args.output)
    else:
        suffix = "db" if database.is_sqlite else "dump"
        stamp = file_stamp(clock.now(), settings.site_timezone)
        output = backup_folder(settings) / f"deskui-{stamp}.{suffix}"
        for n in range(1, 100):  # two backups in one minute: the second gets -1, -2 ...
            if not output.exists():
                break
            output = output.with_name(f"deskui-{stamp}-{n}.{suffix}")
    try:
        written = back_up(database, actor, BackUp(output), clock.now())
    except BackupRefused as error:
        raise CommandRefused(_refusal(settings, error), status=1) from error
    held = written.contents
    print(
        say(
            "backup.written",
            settings,
            path=_shown(written.path),
            size=written.size,
            revision=held.revision,
            **held.counts,
        )
    )
    return 0


def restore_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    from deskui.data.database import Database, DatabaseError
    from deskui.services.backups import BackupRefused, Restore, restore

    if not args.file:
        raise UsageError(say("backup.file_needed", settings))
    if settings.agent_name:  # a manager signs in on the database to be written over
        database = open_database(settings, clock, seed_demo=False)
    else:  # the host's administrator: an empty database is not migrated before the restore
        try:
            database = Database(settings.database_url)
        except DatabaseError as error:
            raise UsageError(str(error)) from error
    actor = _actor(settings, clock, database, Action.RESTORE)
    source = Path(args.file)
    try:
        restored = restore(database, actor, Restore(source, force=args.force), clock.now())
    except BackupRefused as error:
        raise CommandRefused(_refusal(settings, error), status=1) from error
    held = restored.contents
    print(
        say(
            "backup.restored",
            settings,
            path=_shown(source),
            backup_revision=restored.backup_revision,
            revision=held.revision,
            **held.counts,
        )
    )
    return 0


def _refusal(settings: Settings, error: BaseException) -> str:
    values = {k: _shown(v) if isinstance(v, str | Path) else v for k, v in
              dict(getattr(error, "values", {})).items()}  # fmt: skip
    return say(str(getattr(error, "key", "")), settings, **values)
