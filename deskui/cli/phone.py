"""`deskui phone serve|token` (issue 25): the phone bridge started from the command line, and
a new token for the site. The bridge itself is deskui/phone/bridge.py."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.cli.common import UsageError, open_database, signed_in
from deskui.phone.bridge import (
    TOKEN_ENV,
    Bridge,
    journal_path,
    log,
    stored_token,
    token_digest,
    warm_up,
)
from deskui.phone.journal import Journal

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def serve(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """Open the database (a demo's seeded), find the token, replay any journal, and serve
    until stopped. Without a token it refuses to start."""
    from aiohttp import web

    from deskui.host_log import log_to_stdout

    log_to_stdout(log, "deskui phone")  # one line per event for the host's journal
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # no tracebacks of bad requests

    environ_token = os.environ.pop(TOKEN_ENV, "")
    database = None
    try:
        database = open_database(settings, clock, seed_demo=settings.demo, ping=False)
    except UsageError as error:
        if not environ_token:
            raise
        log.warning("database away at start (%s): journaling", error)
    token = token_digest(environ_token) if environ_token else None
    if token is None and database is not None:
        token = stored_token(database)
    if token is None:
        raise UsageError(
            f"phone serve: no token: set {TOKEN_ENV}, or store one with `deskui phone token`"
        )
    if database is not None:
        warm_up(database)
    path = Path(args.journal) if getattr(args, "journal", None) else journal_path(settings)
    bridge = Bridge(settings.database_url, clock, Journal(path), token, database)
    print(
        f"deskui phone: listening on http://{args.host}:{args.port}/api/v1/cti/<token>",
        flush=True,
    )
    web.run_app(bridge.application(), host=args.host, port=args.port, print=None, access_log=None)
    return 0


def phone_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    if args.action == "serve":
        return serve(settings, clock, args)
    return new_token(settings, clock)


def new_token(settings: Settings, clock: Clock) -> int:
    """A new random token for the site, printed once; the settings keep only its SHA-256
    (a lead or manager signs in with --agent)."""
    import secrets

    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.permissions import Action
    from deskui.services.calls import SetPhoneToken, set_phone_token

    database = open_database(settings, clock, seed_demo=settings.demo)
    actor = signed_in(settings, clock, database, Action.EDIT_SITE_SETTINGS)
    token = secrets.token_urlsafe(24)
    with UnitOfWork(database) as uow:
        set_phone_token(uow, actor, SetPhoneToken(token_digest(token).hex()), clock.now())
    print(token)
    return 0
