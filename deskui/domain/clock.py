"""The one clock the app holds (DESIGN.md 1): system, fixed for tests, offset for --now."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

SITE_TIMEZONE = "Asia/Shanghai"
"""The site's zone unless its settings name another (Settings.site_timezone, from
DESKUI_TIMEZONE: deskui.config.site_timezone). Times are stored in UTC and shown in it; the
calendar's rules (local days, calling hours, the 10th of a quarter) are local to it."""


@cache
def site_zone(timezone: str = SITE_TIMEZONE) -> ZoneInfo:
    """The site's zone as a tzinfo (`timezone`: Settings.site_timezone), read once."""
    return ZoneInfo(timezone)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, instant: datetime) -> None:
        self._instant = _as_utc(instant)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        self._instant = _as_utc(instant)

    def advance(self, delta: timedelta) -> None:
        self._instant += delta


class OffsetClock:
    """Starts at a given instant and runs at real speed from there (`--now`)."""

    def __init__(self, start: datetime) -> None:
        self._start = _as_utc(start)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("a clock needs a timezone-aware instant")
    return instant.astimezone(UTC)
