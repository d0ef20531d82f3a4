"""Who else has this record open (issue 16): the desk reports what it shows and hears who
else is on it, in one short transaction from the app's tick."""

from __future__ import annotations

from datetime import datetime, timedelta

from deskui.data.unit_of_work import UnitOfWork
from deskui.services.actor import Actor

FRESH = timedelta(seconds=20)
"""A desk that has not said where it is for this long has closed the record (or gone)."""


def here(uow: UnitOfWork, actor: Actor, subject: str | None, now: datetime) -> list[str]:
    """Record that the actor shows `subject` (`ticket:12`, `customer:3`; None: no record),
    and return the names of the others on it now."""
    if subject is None:
        uow.presence.clear(actor.id)
        uow.commit()
        return []
    uow.presence.touch(actor.id, subject, now)
    uow.commit()
    return uow.presence.others(subject, actor.id, now - FRESH)
