"""Caller lookup on the hot path: plain SQL built once, run on the session's connection.

Measured at 1,000,000 customers (benchmarks/lookup.py): building an ORM union per keystroke
cost milliseconds of Python around 0.03 ms of SQL; these statements skip that. The SQL is
portable (SQLite and PostgreSQL) and every predicate is served by an index.

The statements a keystroke runs (a number, its last digits, the card) go one step further:
they run on the driver's cursor of the session's own connection (same transaction), because
SQLAlchemy's execution pipeline cost 0.25 ms around a 0.03 ms indexed read. The name lookup,
a few milliseconds of SQL, keeps SQLAlchemy's expanding IN parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.engine import Connection

from deskui.data.records import CallerMatch, ContactRecord, CustomerCard, CustomerRecord

CANDIDATES = 150
"""Customers fetched per name piece; a fragment common to more is ranked on these (the
list shows 20)."""
RARE_COUNT_CAP = 20_000
"""Counting a name piece's customers stops here: enough to pick the rarest piece."""

BY_NUMBER = (
    "SELECT c.id, c.name, c.phone_e164, c.unit_number, '' FROM customer c"
    " WHERE c.phone_e164 = :value"
    " UNION ALL"
    " SELECT c.id, c.name, c.phone_e164, c.unit_number, k.name FROM contact k"
    " JOIN customer c ON c.id = k.customer_id WHERE k.phone_e164 = :value"
)
BY_LAST_DIGITS = (
    "SELECT * FROM (SELECT c.id, c.name, c.phone_e164, c.unit_number, '' AS contact"
    " FROM customer c WHERE c.phone_reversed >= :low AND c.phone_reversed < :high"
    " LIMIT :n) AS by_customer"
    " UNION ALL"
    " SELECT * FROM (SELECT c.id, c.name, c.phone_e164, c.unit_number, k.name AS contact"
    " FROM contact k JOIN customer c ON c.id = k.customer_id"
    " WHERE k.phone_reversed >= :low AND k.phone_reversed < :high LIMIT :n) AS by_contact"
)
PIECE_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM search_gram WHERE gram = :gram LIMIT :n) AS g"
)
CARD = (
    "SELECT c.id, c.name, c.address, c.phone_e164, c.unit_number, a.name, c.phone_extension,"
    " (SELECT count(*) FROM ticket t WHERE t.customer_id = c.id AND t.closed_at IS NULL),"
    " (SELECT count(*) FROM callback b WHERE b.customer_id = c.id AND b.done_at IS NULL)"
    " FROM customer c LEFT JOIN agent a ON a.id = c.assigned_agent_id WHERE c.id = :id"
)
CARD_CONTACTS = (
    "SELECT id, name, role, position, gender, phone_e164, phone_extension, email, birthday,"
    " convenient_time FROM contact WHERE customer_id = :id ORDER BY id"
)
CUSTOMERS = text(
    "SELECT id, name, phone_e164, unit_number FROM customer WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
CONTACT_NAMES = text("SELECT customer_id, name FROM contact WHERE customer_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


_PARAMETER = re.compile(r":(\w+)")


@cache
def _in_driver_style(sql: str, dialect: str) -> str:
    """`:name` parameters as the driver takes them: sqlite3 reads them as they are,
    psycopg wants `%(name)s`."""
    if dialect == "sqlite":
        return sql
    return _PARAMETER.sub(r"%(\1)s", sql)


def _driver_rows(
    connection: Connection, sql: str, params: Mapping[str, object]
) -> list[Sequence[Any]]:
    """Rows of one statement from the driver's cursor, inside the session's transaction."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_in_driver_style(sql, connection.dialect.name), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def by_number(connection: Connection, e164: str, limit: int) -> list[CallerMatch]:
    rows = _driver_rows(connection, BY_NUMBER, {"value": e164})
    return _merge(rows, "phone", limit)


def by_last_digits(connection: Connection, digits: str, limit: int) -> list[CallerMatch]:
    low = digits[::-1]
    high = low + ":"  # ':' sorts right after '9': a prefix range the index serves
    params = {"low": low, "high": high, "n": limit}
    rows = _driver_rows(connection, BY_LAST_DIGITS, params)
    return _merge(rows, "digits", limit)


def by_short_number(connection: Connection, digits: str, limit: int) -> list[CallerMatch]:
    """A short service number (95588) exactly, then numbers ending in its digits: five digits
    typed may as well be the end of a customer's number, as they were before short numbers
    were accepted."""
    exact = by_number(connection, digits, limit)
    seen = {match.customer_id for match in exact}
    ending = [m for m in by_last_digits(connection, digits, limit) if m.customer_id not in seen]
    return (exact + ending)[:limit]


def card(connection: Connection, customer_id: int) -> CustomerCard | None:
    """The customer card in two indexed statements: the card is painted as the agent types
    the last digit, so it skips the ORM's identity map and relationship loading."""
    found = _driver_rows(connection, CARD, {"id": customer_id})
    if not found:
        return None
    row = found[0]
    cid, name, address, phone, unit, agent, extension, tickets, callbacks = row
    contacts = tuple(
        ContactRecord(
            int(k[0]),
            str(k[1]),
            str(k[2]),
            str(k[3]),
            str(k[4]),
            k[5],
            k[6],
            str(k[7]),
            _day(k[8]),
            str(k[9]),
        )
        for k in _driver_rows(connection, CARD_CONTACTS, {"id": customer_id})
    )
    customer = CustomerRecord(
        int(cid),
        str(name),
        str(address),
        phone,
        str(unit),
        agent and str(agent),
        contacts,
        extension or None,
    )
    return CustomerCard(customer, int(tickets or 0), int(callbacks or 0))


def _merge(rows: Sequence[Sequence[Any]], how: str, limit: int) -> list[CallerMatch]:
    """One match per customer, lowest ids first, the contact's name kept when a contact's
    number matched; only the `limit` kept become records (this runs per keystroke)."""
    best: dict[int, Sequence[Any]] = {}
    for row in rows:
        kept = best.get(row[0])
        if kept is None or (row[4] and not kept[4]):
            best[row[0]] = row
    return [
        CallerMatch(cid, name, phone, unit, how, contact or "")
        for cid, name, phone, unit, contact in (best[key] for key in sorted(best)[:limit])
    ]


def by_name(
    connection: Connection, pieces: list[str], needle: str, limit: int
) -> list[CallerMatch]:
    """Customers whose name or a contact's name holds `needle`, ranked: name prefix, name
    contains, contact's name contains. `pieces` are the needle's two-character pieces."""
    pool = _name_pool(connection, pieces)
    if not pool:
        return []
    ids = sorted(pool)
    customers = connection.execute(CUSTOMERS, {"ids": ids}).all()
    contacts: dict[int, list[str]] = {}
    for cid, contact in connection.execute(CONTACT_NAMES, {"ids": ids}):
        contacts.setdefault(int(cid), []).append(str(contact))
    ranked: list[tuple[int, str, CallerMatch]] = []
    for cid, name, phone, unit in customers:
        folded = "".join(str(name).casefold().split())
        hit = next(
            (c for c in contacts.get(int(cid), []) if needle in "".join(c.casefold().split())),
            "",
        )
        if folded.startswith(needle):
            rank = 0
        elif needle in folded:
            rank = 1
        elif hit:
            rank = 2
        else:
            continue
        match = CallerMatch(int(cid), str(name), phone, str(unit), "name", hit)
        ranked.append((rank, str(name), match))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [match for _, _, match in ranked[:limit]]


def _name_pool(connection: Connection, pieces: list[str]) -> set[int]:
    """Candidate customers holding every piece.

    A piece with fewer than CANDIDATES customers gives its whole list, and the intersection of
    such lists is exact. When every piece is common, the rarest drives a query that checks the
    others through the (gram, customer_id) key, so a rare combination of common pieces is
    still found (intersecting capped lists would miss it).
    """
    lists: dict[str, list[int]] = {p: [] for p in pieces}
    params: dict[str, object] = {"n": CANDIDATES, **{f"g{i}": p for i, p in enumerate(pieces)}}
    for place, customer_id in connection.execute(_pieces(len(pieces)), params):
        lists[pieces[int(place)]].append(int(customer_id))
    whole = [set(ids) for ids in lists.values() if len(ids) < CANDIDATES]
    if whole:
        return set.intersection(*whole)
    counts = {
        p: int(connection.execute(PIECE_COUNT, {"gram": p, "n": RARE_COUNT_CAP}).scalar_one())
        for p in pieces
    }
    driver = min(pieces, key=lambda p: (counts[p], p))
    others = [p for p in pieces if p != driver]
    params = {"driver": driver, "n": CANDIDATES, **{f"p{i}": p for i, p in enumerate(others)}}
    return set(connection.execute(_all_pieces(len(others)), params).scalars())


@cache
def _pieces(count: int) -> TextClause:
    """Each piece's first CANDIDATES customers, in one statement (a round trip per piece
    cost more than the reads on a busy server)."""
    return text(
        " UNION ALL ".join(
            f"SELECT {i}, customer_id FROM (SELECT customer_id FROM search_gram"
            f" WHERE gram = :g{i} ORDER BY customer_id LIMIT :n) AS p{i}"
            for i in range(count)
        )
    )


@cache
def _all_pieces(others: int) -> TextClause:
    checks = "".join(
        f" AND EXISTS (SELECT 1 FROM search_gram o{i}"
        f" WHERE o{i}.gram = :p{i} AND o{i}.customer_id = g.customer_id)"
        for i in range(others)
    )
    return text(
        f"SELECT g.customer_id FROM search_gram g WHERE g.gram = :driver{checks}"
        " ORDER BY g.customer_id LIMIT :n"
    )


def _day(value: object) -> date | None:
    """A date column as the driver gives it: sqlite3 returns the ISO text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
