"""A time an agent books for the customer, checked against their calling hours, rest time and
the business calendar (seed 000:2.5.2.1 避免在客户休息时打扰): a refused time keeps what was
typed and offers the next allowed slot; Enter again on the same text books that slot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.domain.callbacks import (
    BookingDoubt,
    Placement,
    booking_doubts,
    calling_hours_for,
    check_booking,
)
from deskui.i18n import t
from deskui.screens.holiday_names import holiday_text

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost


def placement_reason(placement: Placement) -> str:
    """Why a time was refused or moved, in words (a holiday by its name)."""
    if placement.reason is None:
        return ""
    return t(f"callbacks.reason.{placement.reason.value}", holiday=holiday_text(placement.holiday))


def doubt_message(
    doubts: Sequence[BookingDoubt], at: datetime, now: datetime, timezone: str
) -> str:
    """Why a booked time is worth a second look, and how to keep it (issue 26)."""
    local = at.astimezone(ZoneInfo(timezone))
    shown = local.strftime("%Y-%m-%d %H:%M")
    said = {
        BookingDoubt.FAR: lambda: t("callbacks.doubt.far", at=shown, days=(at - now).days),
        BookingDoubt.UNKNOWN_YEAR: lambda: t("callbacks.doubt.unknown_year", year=local.year),
    }
    joined = "；".join(said[doubt]() for doubt in doubts)
    return t("callbacks.error.booking_doubt", doubts=joined, at=shown)


def refused_message(placement: Placement, timezone: str) -> str:
    """The refusal with the next allowed slot, local to the site."""
    slot = placement.at.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
    return t("callbacks.error.out_of_hours", reason=placement_reason(placement), slot=slot)


class SlotOffer:
    """One form's last offered slot: the typed text it answered and the slot."""

    def __init__(self) -> None:
        self._offered: tuple[str, datetime] | None = None
        self._warned = ""
        """The text whose doubts (far out, a year the calendar does not know) were said."""
        self.doubts_seen = False
        """The time last checked was doubtful and the agent pressed Enter on it again: the
        save tells the service so (issue 26), which keeps it."""

    def check(
        self, app: DeskHost, text: str, at: datetime, convenient: Sequence[str] = ()
    ) -> tuple[datetime, str]:
        """(the time to book, "") when `at` is allowed, or when the agent presses Enter again on
        the text that was refused (the offered slot is taken); else (the slot, the message)."""
        typed = text.strip()
        self.doubts_seen = False
        if self._offered is not None and self._offered[0] == typed:
            return self._offered[1], ""
        self._offered = None
        if app.calendar is None:  # no database yet: the repository checks again on save
            return at, ""
        rules = app.site_rules.callbacks
        hours = calling_hours_for(list(convenient), rules)
        now = app.clock.now()
        placement = check_booking(at, now, hours, app.calendar, rules.rest_hours)
        if placement.moved:
            self._offered = (typed, placement.at)
            return placement.at, refused_message(placement, app.settings.site_timezone)
        doubts = booking_doubts(at, now, app.calendar)
        if not doubts:
            return at, ""
        if self._warned == typed:  # said once, Enter again: kept as typed
            self.doubts_seen = True
            return at, ""
        self._warned = typed
        return at, doubt_message(doubts, at, now, app.settings.site_timezone)

    def forget(self) -> None:
        self._offered = None
        self._warned = ""
        self.doubts_seen = False
