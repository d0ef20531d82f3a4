"""Typed settings: one place for what a site or a command line can change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from deskui.domain.clock import SITE_TIMEZONE

TIMEZONE_ENV = "DESKUI_TIMEZONE"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    """SQLAlchemy URL: sqlite:///PATH (default) or postgresql+psycopg://... for a team."""
    locale: str = "zh-CN"
    """UI language: zh-CN (default) or en."""
    site_timezone: str = SITE_TIMEZONE
    """Times are stored in UTC and shown in this zone; calendar rules are local to it
    (`site_timezone` reads it)."""
    demo: bool = False
    """A demo desk: seeded when its database is empty; the user's data is never touched."""
    files_folder: str | None = None
    """Where the desk writes files (replies, reports, logs); None: the user data folder.
    Under --demo, the demo's own temporary folder."""
    agent_name: str | None = None
    """Sign in as this agent: a demo person at once, anyone else with `agent_password` (or
    the sign-in screen with the name filled in)."""
    agent_password: str | None = field(default=None, repr=False)
    """From DESKUI_PASSWORD or the CLI's prompt; never logged (repr hides it)."""
    theme: str = "textual-dark"
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, so a site can rebind (App.set_keymap)."""


def site_timezone(environ: Mapping[str, str]) -> str:
    """The site's time zone: DESKUI_TIMEZONE when set (an IANA name such as Asia/Shanghai),
    else the default; a name that is no time zone raises ValueError saying so."""
    from zoneinfo import ZoneInfoNotFoundError

    from deskui.domain.clock import site_zone

    name = environ.get(TIMEZONE_ENV, "").strip() or SITE_TIMEZONE
    try:
        site_zone(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"{TIMEZONE_ENV}: {name!r} is not a time zone; name one like Asia/Shanghai"
        ) from error
    return name
