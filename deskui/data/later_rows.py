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


@dataclass(frozen=True, slots=True)
class LaterDeadlines:
    """A subject's open deadlines written at the commit (`UnitOfWork.add_later_write`), each
    one changed with its change feed row, in the commit's one statement: met at `at`, or
    moved to `owner_id`'s desk and team (the team as the agent's row says). For a save's
    last write, which nothing in its transaction reads back (`DeadlineStore.meet_later`)."""

    subject_type: str
    subject_id: int
    at: datetime
    owner_id: int | None = None
    """None: the deadlines are met; else they move to this agent."""


def _deadlines_part(n: int, write: LaterDeadlines) -> tuple[str, dict[str, object]]:
    """`write`'s WITH parts: the UPDATE ... RETURNING of the subject's open deadlines and the
    change feed rows of those it changed."""
    if write.owner_id is None:
        sets = f"met_at = CAST(:d{n}_at AS timestamptz)"
    else:
        owner = f"CAST(:d{n}_owner AS integer)"
        sets = f'owner_id = {owner}, team = (SELECT "team" FROM "agent" WHERE "id" = {owner})'
    sql = (
        f'd{n} AS (UPDATE "deadline" SET {sets} WHERE "subject_type" = :d{n}_type '
        f'AND "subject_id" = CAST(:d{n}_id AS integer) AND "met_at" IS NULL RETURNING "id"), '
        f'f{n} AS (INSERT INTO "change" ("entity", "entity_id", "at") '
        f"SELECT 'deadline', \"id\", CAST(:d{n}_at AS timestamptz) FROM d{n})"
    )
    params: dict[str, object] = {
        f"d{n}_at": _value(write.at),
        f"d{n}_type": write.subject_type,
        f"d{n}_id": write.subject_id,
    }
    if write.owner_id is not None:
        params[f"d{n}_owner"] = write.owner_id
    return sql, params


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
    writes: Sequence[LaterWrite | LaterDeadlines] = (),
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
        if isinstance(write, LaterDeadlines):
            part, given = _deadlines_part(n, write)
            parts.append(part)
            params.update(given)
            continue
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
