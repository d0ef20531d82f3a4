"""The append-only rows of a transaction written at its commit in one statement on
PostgreSQL (`UnitOfWork.add_later`): each table's rows as one JSON parameter expanded by
`json_to_recordset`, each table an INSERT in a WITH clause, and the NOTIFY of the change
feed (`change_listener.change_note`) the statement's SELECT. The phone bridge stores a
call's events and their change feed rows this way: one round trip instead of three, and
no ORM objects for rows nobody reads back (issue 25)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, text

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

_COLUMNS: dict[Table, tuple[str, str]] = {}
"""A table's column list and its `json_to_recordset` record type, made once."""


def _shape(table: Table, dialect: Any) -> tuple[str, str]:
    if table not in _COLUMNS:
        columns = [c for c in table.columns if not (c.primary_key and c.autoincrement)]
        names = ", ".join(f'"{c.name}"' for c in columns)
        kinds = ", ".join(
            f'"{c.name}" {"json" if isinstance(c.type, JSON) else c.type.compile(dialect)}'
            for c in columns
        )
        _COLUMNS[table] = (names, kinds)
    return _COLUMNS[table]


def _value(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # as the UTC columns refuse one (data/models.UTCDateTime)
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat()
    return value


def write_with_note(
    session: Session, later: dict[Table, list[dict[str, Any]]], note: str | None
) -> None:
    """Insert `later`'s rows and send `note` on the change channel (None: no NOTIFY), in
    one statement of the session's transaction."""
    from deskui.data.change_listener import CHANNEL

    dialect = session.get_bind().dialect
    parts: list[str] = []
    params: dict[str, object] = {}
    for n, (table, rows) in enumerate(later.items()):
        names, kinds = _shape(table, dialect)
        parts.append(
            f'w{n} AS (INSERT INTO "{table.name}" ({names}) SELECT {names} '
            f"FROM json_to_recordset(CAST(:rows{n} AS json)) AS r({kinds}))"
        )
        columns = names.replace('"', "").split(", ")
        encoded = [{c: _value(row.get(c)) for c in columns} for row in rows]
        params[f"rows{n}"] = json.dumps(encoded, ensure_ascii=False)
    select = "SELECT pg_notify(:c, :n)" if note is not None else "SELECT 1"
    if note is not None:
        params.update(c=CHANNEL, n=note)
    head = f"WITH {', '.join(parts)} " if parts else ""
    session.execute(text(head + select), params)
