"""The desk's clock: rendered from the app's clock at paint time, refreshed by the one tick."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget

from deskui.domain.clock import SITE_TIMEZONE


class LiveClock(Widget):
    """Local date and time of the site; no timer of its own."""

    DEFAULT_CSS = """
    LiveClock {
        width: auto;
        height: 1;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, timezone: str = SITE_TIMEZONE, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-live")
        self._zone = ZoneInfo(timezone)
        self._shown = ""

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock.now() if clock is not None else datetime.now(UTC)

    def _text(self) -> str:
        return self._now().astimezone(self._zone).strftime("%Y-%m-%d %H:%M:%S")

    def render(self) -> Text:
        self._shown = self._text()
        return Text(self._shown)

    def get_content_width(self, container: object, viewport: object) -> int:
        return 19

    def tick(self) -> None:
        """Repaint when the time shown changed (a tick landing in the same second does not)."""
        if self._text() != self._shown:
            self.refresh()
