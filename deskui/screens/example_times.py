"""The example time in a field's hint, from the desk's own day (its clock, --now included):
a date written into the catalog was soon in the past ("如 2026-11-24 10:00" on 12-07)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from deskui.screens.host import DeskHost


def example_time(app: DeskHost, hour: int) -> str:
    """Tomorrow at `hour`, local, as the time fields read it: 2026-12-08 10:00."""
    today = app.clock.now().astimezone(ZoneInfo(app.settings.site_timezone)).date()
    return f"{(today + timedelta(days=1)).isoformat()} {hour:02d}:00"
