"""The version check of a save a form stands behind (DESIGN.md 7, issue 16), for the records
whose row says who saved it last and when (`updated_at`, `updated_by_id`): callbacks,
handover items and orders. Raises the one `Conflict` the screens' conflict view shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from deskui.data import models as m
from deskui.data.conflict import Conflict


class Saved(Protocol):
    """A versioned row that names its last saver."""

    id: Any
    version: Any
    updated_at: Any
    updated_by_id: Any


R = TypeVar("R", bound=Saved)

Theirs = Callable[[Any], dict[str, str]]
"""What the row holds now, field by field as text, under the form's field names."""


def conflict_of(session: Session, row: Saved, record: str, theirs: Theirs) -> Conflict:
    """Who saved `row` last, when, and what it holds now."""
    saver = session.get(m.Agent, row.updated_by_id) if row.updated_by_id else None
    return Conflict(
        record,
        row.id,
        saver.name if saver else "",
        row.updated_at,
        row.version,
        theirs(row),
        saved_by_id=saver.id if saver else None,
    )


def claim_version(
    session: Session,
    row: R,
    expected: int | None,
    record: str,
    theirs: Theirs,
    agent_id: int | None,
    now: datetime,
) -> R:
    """Check the version the form loaded (`expected`; None for a write no form stands
    behind), then mark the row saved by `agent_id` now and write that at once: the UPDATE
    ... WHERE version = ... holds the row for the rest of this transaction, so another desk
    that read the same version meanwhile gets a Conflict too, not a driver error, and no
    later query of this save can flush it unchecked. Nothing is written on a Conflict."""
    if expected is not None and row.version != expected:
        raise conflict_of(session, row, record, theirs)
    row.updated_at = now
    row.updated_by_id = agent_id
    flag_modified(row, "updated_at")  # written (and versioned) even at the same instant
    model, row_id = type(row), row.id
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        fresh = session.get(model, row_id)
        if fresh is None:
            raise
        raise conflict_of(session, fresh, record, theirs) from error
    return row
