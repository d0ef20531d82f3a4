"""Append-only history entries (issue 16): each change to a record as who, when, what, and
each changed field as [old, new]. The stores write them in the same transaction as the
change, so the service's one commit covers both; nothing here updates or deletes an entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from deskui.data import models as m

Value = str | int | bool | None
"""A field's value as an entry keeps it: dates and times as ISO text (times in UTC)."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One entry as a record's history shows it."""

    id: int
    at: datetime
    agent_name: str
    action: str
    changes: tuple[tuple[str, Value, Value], ...]
    """(field, old, new) in the order the fields were written."""
    subject: str = ""
    """What part of the record: a contact's name on a customer's history, else empty."""
    note: str = ""
    """A reason given with the change (a reassign's note)."""


def plain(value: object) -> Value:
    """A value as JSON keeps it."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def field_changes(
    before: Mapping[str, object], after: Mapping[str, object]
) -> dict[str, list[Value]]:
    """{field: [old, new]} for every field whose value differs; `before` empty for a new
    record gives every field of `after` that has a value."""
    changed: dict[str, list[Value]] = {}
    for name, new in after.items():
        old = plain(before.get(name))
        new_value = plain(new)
        unset = old in (None, "") and new_value in (None, "")
        if old is None and new_value is False:
            unset = True  # a new record's "no" is no change
        if old != new_value and not unset:
            changed[name] = [old, new_value]
    return changed


def entry_changes(detail: Mapping[str, object]) -> tuple[tuple[str, Value, Value], ...]:
    """The (field, old, new) triples of an entry's detail; other keys are not changes."""
    triples: list[tuple[str, Value, Value]] = []
    for name, pair in detail.items():
        if isinstance(pair, list) and len(pair) == 2:
            triples.append((name, plain(pair[0]), plain(pair[1])))
    return tuple(triples)


def newest_first(
    session: Session, event: Any, *where: ColumnElement[bool]
) -> list[tuple[Any, str]]:
    """A record's events of the table `event` (customer changes, handover or callback events:
    each with `agent_id`, `at` and `id`) and who made each by name ('' for the desk itself),
    newest first: what each record's history lists."""
    query = (
        select(event, m.Agent.name)
        .outerjoin(m.Agent, m.Agent.id == event.agent_id)
        .where(*where)
        .order_by(event.at.desc(), event.id.desc())
    )
    return [(row, name or "") for row, name in session.execute(query)]
