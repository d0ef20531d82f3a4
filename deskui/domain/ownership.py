"""Whose a record is to save onto (issue 23): a form saves onto a ticket or a callback only
while it is still open and still its agent's (or in the shared queue, anyone's). A lead or
manager, who may give work to others (`Action.REASSIGN`), may also save onto anyone's;
nobody saves onto a closed ticket or a callback already done."""

from __future__ import annotations

from enum import StrEnum

from deskui.domain.permissions import Action, may


class NotYours(StrEnum):
    """Why a save onto the record is refused."""

    CLOSED = "closed"
    OWNED_BY_OTHER = "owned_by_other"


def may_save_onto(
    owner_id: int | None, closed: bool, actor_id: int, role: str, *, open_to_all: bool = False
) -> NotYours | None:
    """None when the actor may save onto the record, else why not."""
    if closed:
        return NotYours.CLOSED
    if open_to_all or owner_id is None:
        return None
    if owner_id != actor_id and not may(role, Action.REASSIGN):
        return NotYours.OWNED_BY_OTHER
    return None
