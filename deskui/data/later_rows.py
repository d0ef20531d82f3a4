"""The append-only rows of a transaction written at its commit in one statement on
PostgreSQL (`UnitOfWork.add_later`): each table's rows as one JSON parameter expanded by
`json_to_recordset`, each table an INSERT in a WITH clause, and the NOTIFY of the change
feed (`change_listener.change_note`) the statement's SELECT. The phone bridge stores a
call's events and their change feed rows this way: one round trip instead of three, and
no ORM objects for rows nobody reads back (issue 25)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
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
        kinds = ", ".join(_kind(table, c.name, dialect) for c in columns)
        _COLUMNS[table] = (names, kinds)
    return _COLUMNS[table]


@dataclass(frozen=True, slots=True)
class LaterWrite:
    """Rows of a table written at the commit by key (`UnitOfWork.add_later_write`): an
    UPDATE of rows known to exist, or with `upsert` an INSERT that updates the row its key
    already names."""

    table: Table
    key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    upsert: bool = False


def _kind(table: Table, name: str, dialect: Any) -> str:
    column = table.columns[name]
    return f'"{name}" {"json" if isinstance(column.type, JSON) else column.type.compile(dialect)}'


_PARTS: dict[tuple[object, ...], str] = {}
"""A LaterWrite's WITH part by its shape, made once (its column types compiled: a fifth of
a batch's CPU when made for each)."""


def _write_part(n: int, write: LaterWrite, dialect: Any) -> str:
    shape = (n, write.table, write.key, write.columns, write.upsert, dialect.name)
    if shape not in _PARTS:
        _PARTS[shape] = _make_part(n, write, dialect)
    return _PARTS[shape]


def _make_part(n: int, write: LaterWrite, dialect: Any) -> str:
    every = (*write.key, *write.columns)
    kinds = ", ".join(_kind(write.table, c, dialect) for c in every)
    source = f"json_to_recordset(CAST(:writes{n} AS json)) AS r({kinds})"
    quoted = ", ".join(f'"{c}"' for c in write.columns)
    if write.upsert:
        names = ", ".join(f'"{c}"' for c in every)
        keys = ", ".join(f'"{c}"' for c in write.key)
        fresh = ", ".join(f'EXCLUDED."{c}"' for c in write.columns)
        return (
            f'u{n} AS (INSERT INTO "{write.table.name}" ({names}) SELECT {names} FROM {source} '
            f"ON CONFLICT ({keys}) DO UPDATE SET ({quoted}) = ROW({fresh}))"
        )
    given = ", ".join(f'r."{c}"' for c in write.columns)
    match = " AND ".join(f'"{write.table.name}"."{c}" = r."{c}"' for c in write.key)
    return (
        f'u{n} AS (UPDATE "{write.table.name}" SET ({quoted}) = ROW({given}) FROM {source} '
        f"WHERE {match})"
    )


def _value(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # as the UTC columns refuse one (data/models.UTCDateTime)
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat()
    return value


def write_with_note(
    session: Session,
    later: dict[Table, list[dict[str, Any]]],
    note: str | None,
    writes: Sequence[LaterWrite] = (),
) -> None:
    """Write `writes` (the call store's changed calls and agent states), insert `later`'s
    rows and send `note` on the change channel (None: no NOTIFY), in one statement of the
    session's transaction. Each data-modifying WITH part sees the rows as they were before
    the statement: no part writes a row another part writes."""
    from deskui.data.change_listener import CHANNEL

    dialect = session.get_bind().dialect
    parts: list[str] = []
    params: dict[str, object] = {}
    for n, write in enumerate(writes):
        parts.append(_write_part(n, write, dialect))
        every = (*write.key, *write.columns)
        encoded = [{c: _value(row.get(c)) for c in every} for row in write.rows]
        params[f"writes{n}"] = json.dumps(encoded, ensure_ascii=False)
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
    session.connection().execute(text(head + select), params)  # no autoflush: done
