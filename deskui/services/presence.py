"""Who else has this record open (issue 16): the desk reports what it shows and hears who
else is on it, in one short transaction from the app's tick. A desk with no record open says
so too (subject ''), so the lead's live view knows who is signed in (issue 17)."""

from __future__ import annotations

from datetime import datetime, timedelta

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

FRESH = timedelta(seconds=20)
"""A desk that has not said where it is for this long has closed the record (or gone)."""
NO_RECORD = ""
"""The subject of a signed-in desk with no record open: nobody else is ever 'on' it."""


def here(uow: UnitOfWork, actor: Actor, subject: str | None, now: datetime) -> list[str]:
    """Record that the actor shows `subject` (`ticket:12`, `customer:3`; None: no record, but
    signed in), and return the names of the others on it now."""
    require(actor, Action.WORK_OWN)
    if subject is None:
        uow.presence.touch(actor.id, NO_RECORD, now)
        uow.commit()
        return []
    uow.presence.touch(actor.id, subject, now)
    uow.commit()
    return uow.presence.others(subject, actor.id, now - FRESH)
