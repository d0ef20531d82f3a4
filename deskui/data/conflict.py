"""A save that lost the race: someone else saved the record since the form loaded it
(DESIGN.md 7). Raised by the stores, shown by the screens' conflict view; nothing was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Conflict(Exception):
    """Who saved, when, and what they saved, field by field, as text. Not frozen: Python
    sets `__traceback__` on a raised exception."""

    record: str
    """What was saved: "complaint", "reply", "customer", "contact", "callback",
    "handover_item", "order"."""
    record_id: int
    saved_by: str
    """The agent who saved last ("" when the record does not say)."""
    saved_at: datetime | None
    version: int
    """The version now stored: a save meant to replace theirs carries this one."""
    theirs: dict[str, str] = field(default_factory=dict)
    saved_by_id: int | None = None
    """The saver's agent id (None when the record does not say): a save by the agent
    themselves, at another desk, is not said as someone else's."""

    def __str__(self) -> str:
        return f"{self.record} {self.record_id} was saved by someone else (version {self.version})"


@dataclass
class MovedAway(Conflict):
    """The record is no longer this agent's to save (issue 23): another desk gave it to
    someone else or closed it since the form opened it. Nothing was written, and saving over
    is not offered: the record's owner now is `owner`."""

    owner: str = ""
    """Who has it now (by name)."""
    closed: bool = False
    by: str = ""
    """Who moved it away ("" when its history does not say)."""

    def __str__(self) -> str:
        what = "closed" if self.closed else f"now {self.owner}'s"
        return f"{self.record} {self.record_id} is {what}: not saved"
