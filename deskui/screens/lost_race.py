"""A pure state change (a take-over, a lead's reassigning) that lost the race to another
desk: nothing typed to keep, so no conflict view, but one line saying who changed the record
and when; the screen reloads its list so the agent sees it as it now is (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.domain.search import visible
from deskui.i18n import t
from deskui.screens.conflict import TIME_FORMAT

if TYPE_CHECKING:
    from deskui.services.errors import Conflict


def lost_race_line(key: str, conflict: Conflict, timezone: str) -> str:
    """The catalog line `key` with `who` changed the record and `at` what local time."""
    who = visible(conflict.saved_by) if conflict.saved_by else t("conflict.someone")
    at = "—"
    if conflict.saved_at is not None:
        at = conflict.saved_at.astimezone(ZoneInfo(timezone)).strftime(TIME_FORMAT)
    return t(key, who=who, at=at)
