"""A time an agent books for the customer, checked against their calling hours, rest time and
the business calendar (seed 000:2.5.2.1 避免在客户休息时打扰): a refused time keeps what was
typed and offers the next allowed slot; Enter again on the same text books that slot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.domain.callbacks import Placement, calling_hours_for, check_booking
from deskui.i18n import t
from deskui.screens.holiday_names import holiday_text

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost


def placement_reason(placement: Placement) -> str:
    """Why a time was refused or moved, in words (a holiday by its name)."""
    if placement.reason is None:
        return ""
    return t(f"callbacks.reason.{placement.reason.value}", holiday=holiday_text(placement.holiday))


def refused_message(placement: Placement, timezone: str) -> str:
    """The refusal with the next allowed slot, local to the site."""
    slot = placement.at.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
    return t("callbacks.error.out_of_hours", reason=placement_reason(placement), slot=slot)


class SlotOffer:
    """One form's last offered slot: the typed text it answered and the slot."""

    def __init__(self) -> None:
        self._offered: tuple[str, datetime] | None = None

    def check(
        self, app: DeskHost, text: str, at: datetime, convenient: Sequence[str] = ()
    ) -> tuple[datetime, str]:
        """(the time to book, "") when `at` is allowed, or when the agent presses Enter again on
        the text that was refused (the offered slot is taken); else (the slot, the message)."""
        typed = text.strip()
        if self._offered is not None and self._offered[0] == typed:
            return self._offered[1], ""
        self._offered = None
        if app.calendar is None:  # no database yet: the repository checks again on save
            return at, ""
        rules = app.site_rules.callbacks
        hours = calling_hours_for(list(convenient), rules)
        placement = check_booking(at, app.clock.now(), hours, app.calendar, rules.rest_hours)
        if not placement.moved:
            return at, ""
        self._offered = (typed, placement.at)
        return placement.at, refused_message(placement, app.settings.site_timezone)

    def forget(self) -> None:
        self._offered = None
