"""`deskui web`: the desk served to browsers (deskui/web): the options checked, the database
opened (and migrated), then served until Ctrl+C."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskui.cli.common import UsageError, open_database

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def web_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """Check the options, open (and migrate) the database, then serve until Ctrl+C."""
    import os

    from deskui.web import page

    if getattr(args, "agent", None):
        raise UsageError(page.text(settings.locale, "agent_refused"))
    public_url = args.public_url
    if public_url and not public_url.startswith(("http://", "https://")):
        raise UsageError(f"--public-url: {public_url!r} must start with https:// or http://")
    if not 0 <= args.reattach_seconds <= 3600:
        raise UsageError("--reattach-seconds must be between 0 and 3600")
    if args.max_desks < 1 or args.max_desks_per_agent < 1 or args.client_attempts < 1:
        raise UsageError(
            "--max-desks, --max-desks-per-agent and --client-attempts must be 1 or more"
        )
    from aiohttp import web

    from deskui.web.host import HostOptions, WebHost, desk_argv, quiet_logging

    quiet_logging()
    database = open_database(settings, clock, seed_demo=settings.demo)
    options = HostOptions(
        public_url=public_url.rstrip("/") if public_url else None,
        trusted_proxies=tuple(args.trusted_proxy),
        max_desks=args.max_desks,
        max_desks_per_agent=args.max_desks_per_agent,
        client_attempts=args.client_attempts,
        reattach_seconds=args.reattach_seconds,
        locale=settings.locale,
        site_timezone=settings.site_timezone,
        demo=settings.demo,
    )
    host = WebHost(
        database,
        clock,
        options,
        desk_argv(settings.demo, settings.locale, getattr(args, "now", None)),
        settings.database_url,
    )
    shown = public_url or f"http://{args.host}:{args.port}"
    print(f"deskui web: serving on {shown} (Ctrl+C stops)", flush=True)
    os.environ.pop("DESKUI_PASSWORD", None)
    web.run_app(host.application(), host=args.host, port=args.port, print=None, access_log=None)
    return 0
