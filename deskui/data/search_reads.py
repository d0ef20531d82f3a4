"""Finding a record from any screen (issue 26): the read model behind services/search.py.

Each way a search is read has its own indexed path: a ticket by its number (the key), by a
number (the customer's and contacts' phones, as the caller lookup finds them, and the
caller's number on the ticket), by a name (the caller lookup's name pieces), by words (the
two-character pieces of tickets' texts in `ticket_gram`, deskui/data/search_index.py).

Words are found newest first, by windows of ticket numbers walked down from the newest: how
dense each of the query's pieces is comes first (its newest postings, up to SAMPLE, all in
one statement); then each window's tickets holding every piece are one index-only range scan
of the pieces' postings in the window (`(gram, ticket_id)` is the table's key), grouped by
ticket, and only those are read whole (`holds_words`), since a ticket holding every piece need
not hold the word. A piece much denser than the rarest is checked by one key probe per ticket
left instead (reading its postings would cost more). The walk is the code's, not the
planner's: PostgreSQL, left a join of the pieces, hashed whole posting lists (1.4 s, and 15 s
for EXISTS, at a million tickets); probing every piece per candidate cost 57 ms for two common
words where the range scans cost under 1. A department member's search only keeps tickets of
their department (ticket routed there, or a leg handed there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    TextClause,
    bindparam,
    exists,
    false,
    or_,
    select,
    text,
)

from deskui.data import caller_lookup
from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.domain.search import holds_words, name_grams

SAMPLE = 2_000
"""Newest postings read per piece to tell how dense it is (a rarer piece has all of them)."""
FIRST_WINDOW = 400
LATER_WINDOW = 8_000
"""Postings of the rarest piece a window of ticket numbers holds, at first and at most."""
MAX_READ = 60_000
"""Postings the windows read at most per search: a query whose pieces are common and whose
words are rare says there may be more (type more words) rather than walk on."""
MAX_SCANNED = 4
"""Pieces read in the window at most (one of each word, the rarest): the rest are probed per
ticket left, so a long query of common words reads no more than four pieces' postings."""
MIN_CHECKED = 50
"""Tickets read whole at least per statement."""
PROBE_RATIO = 8
"""A piece this many times denser than the rarest is probed per ticket left, not read in
the window: a probe of the key costs about as much as reading and grouping 5 to 10
postings in a row (EXPLAIN ANALYZE at a million tickets, PostgreSQL)."""
CALLERS = 20
"""Customers a number or a name fragment brings at most (as the caller lookup shows)."""


@dataclass(frozen=True, slots=True)
class FoundTicket:
    """One ticket a search found, as the results list shows it."""

    ticket_id: int
    opened_at: datetime
    kind: str
    status: str
    severity: str
    customer_name: str
    contact_name: str
    caller_phone: str
    words: str
    owner_name: str
    matched: str
    """Why it was found (domain/search.RecordMatch)."""

    @property
    def subject_type(self) -> str:
        return "ticket"  # Enter opens it as the desk opens a ticket's row

    @property
    def subject_id(self) -> int:
        return self.ticket_id


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose tickets a search may find: every ticket, or one department's."""

    department_id: int | None = None
    """Set for a department member: only tickets routed or handed to this department."""
    nothing: bool = False
    """A department member who belongs to no department finds nothing."""


EVERYTHING = Scope()

ROWS = (
    text(
        "SELECT t.id, t.opened_at, t.kind, t.status, t.severity, c.name, k.name,"
        " t.caller_phone, t.customer_words, a.name FROM ticket t"
        " JOIN customer c ON c.id = t.customer_id JOIN agent a ON a.id = t.owner_id"
        " LEFT JOIN contact k ON k.id = t.contact_id WHERE t.id IN :ids"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(opened_at=m.UTCDateTime())
)
"""Built once: a search shows up to a hundred rows, and building the ORM's join each time
cost more than reading them."""


class SearchReads(StoreBase):
    """The search's reads; built on a unit of work's session, writes nothing."""

    # -- who may find what ------------------------------------------------------------------

    def department_scope(self, agent_id: int) -> Scope:
        department = self.session.scalar(
            select(m.Agent.department_id).where(m.Agent.id == agent_id)
        )
        return Scope(department) if department is not None else Scope(nothing=True)

    def _visible(self, scope: Scope) -> ColumnElement[bool] | None:
        if scope.nothing:
            return false()
        if scope.department_id is None:
            return None
        leg = exists().where(
            m.DepartmentLeg.ticket_id == m.Ticket.id,
            m.DepartmentLeg.department_id == scope.department_id,
        )
        return or_(m.Ticket.department_id == scope.department_id, leg)

    def _ids(self, query: Any, scope: Scope) -> list[int]:
        visible = self._visible(scope)
        if visible is not None:
            query = query.where(visible)
        return [int(i) for i in self.session.scalars(query)]

    # -- by number, phone, name ---------------------------------------------------------------

    def by_ticket_number(self, ticket_id: int, scope: Scope) -> list[int]:
        return self._ids(select(m.Ticket.id).where(m.Ticket.id == ticket_id), scope)

    def customers_by_phone(self, e164: str, *, short: bool) -> list[int]:
        """Customers whose or whose contact's number it is (a short service number also
        as the end of a number, as the caller lookup reads five digits)."""
        connection = self.session.connection()
        if short:
            matches = caller_lookup.by_short_number(connection, e164, CALLERS)
        else:
            matches = caller_lookup.by_number(connection, e164, CALLERS)
        return [match.customer_id for match in matches]

    def customers_by_last_digits(self, digits: str) -> list[int]:
        matches = caller_lookup.by_last_digits(self.session.connection(), digits, CALLERS)
        return [match.customer_id for match in matches]

    def customers_by_name(self, needle: str) -> list[int]:
        """Customers whose name, or a contact's, holds the fragment (the caller lookup's)."""
        pieces = sorted(name_grams(needle))[:8]
        if not pieces:
            return []
        matches = caller_lookup.by_name(self.session.connection(), pieces, needle, CALLERS)
        return [match.customer_id for match in matches]

    def tickets_of_customers(
        self, customer_ids: Sequence[int], scope: Scope, limit: int
    ) -> list[int]:
        if not customer_ids:
            return []
        query = (
            select(m.Ticket.id)
            .where(m.Ticket.customer_id.in_(list(customer_ids)))
            .order_by(m.Ticket.id.desc())
            .limit(limit)
        )
        return self._ids(query, scope)

    def tickets_by_caller_phone(self, e164: str, scope: Scope, limit: int) -> list[int]:
        query = (
            select(m.Ticket.id)
            .where(m.Ticket.caller_phone == e164)
            .order_by(m.Ticket.id.desc())
            .limit(limit)
        )
        return self._ids(query, scope)

    # -- by words -----------------------------------------------------------------------------

    def tickets_by_words(
        self, grams: Sequence[str], words: Sequence[str], scope: Scope, limit: int
    ) -> tuple[list[int], bool]:
        """Tickets whose words or answer hold every one of `words`, newest first, and
        whether more may be there than were read (MAX_READ)."""
        if not grams or scope.nothing:
            return [], False
        connection = self.session.connection()
        params: dict[str, object] = {"n": SAMPLE, **{f"g{i}": g for i, g in enumerate(grams)}}
        pieces = [Piece(str(g), int(n), low, high) for g, n, low, high in _sampled(
            grams, connection.execute(_sample(len(grams)), params).all()
        )]  # fmt: skip
        if any(piece.postings == 0 for piece in pieces):
            return [], False
        newest = max(piece.high for piece in pieces)
        for piece in pieces:
            piece.density = piece.postings / max(1, newest - piece.span_low + 1)
        leaders, pieces = _by_word(pieces, words)
        rarest = pieces[0].density
        near = [p for p in leaders if p.density <= rarest * PROBE_RATIO][:MAX_SCANNED]
        scanned = [p.gram for p in near]
        probed = [p.gram for p in pieces if p.gram not in scanned]
        per_ticket = sum(p.density for p in near)  # postings a window reads per ticket number
        # no ticket holds every piece above the newest of a piece's postings, nor below the
        # oldest of a piece whose postings were all read
        before = min(piece.high for piece in pieces) + 1
        floor = max((p.low for p in pieces if p.postings < SAMPLE), default=0)
        on_server = connection.dialect.name == "postgresql"
        window = _window(len(scanned))
        check = _checked(len(probed), scope.department_id is not None, on_server)
        checks: dict[str, object] = {f"p{i}": gram for i, gram in enumerate(probed)}
        if scope.department_id is not None:
            checks["dept"] = scope.department_id
        bounds: dict[str, object] = {f"w{i}": gram for i, gram in enumerate(scanned)}
        wanted = tuple(words)
        # words of two characters are pieces: a ticket holding them all needs no reading
        whole = (
            not probed
            and scope.department_id is None
            and all(len(word) == 2 and word in scanned for word in wanted)
        )
        found: list[int] = []
        held: list[int] = []  # tickets of the windows read holding every piece scanned
        span = math.ceil(FIRST_WINDOW / rarest)
        walked = 0  # ticket numbers the windows covered
        checked = 0  # tickets read whole
        while len(found) <= limit and (held or before > floor):
            if not held:
                if per_ticket * walked >= MAX_READ:
                    return found[:limit], True
                if walked:
                    span = _next_span(walked, len(found), limit, rarest)
                low = max(floor, before - span)
                window_ids = connection.execute(window, {**bounds, "low": low, "high": before})
                held = sorted((int(i) for i in window_ids.scalars()), reverse=True)
                walked += before - low
                before = low
                continue
            # read no more of them than the rest needs at the share taken so far (a fifth
            # more), newest first
            share = max(len(found), 1) / checked if checked else 1.0
            needed = max(MIN_CHECKED, math.ceil((limit + 1 - len(found)) / share * 1.2))
            candidates, held = held[:needed], held[needed:]
            checked += len(candidates)
            if whole:
                found += candidates  # each word is a piece, each ticket held them all
                continue
            rows = {
                int(ticket_id): (said or "", answer or "")
                for ticket_id, said, answer in connection.execute(
                    check, {**checks, "ids": candidates}
                )
            }
            found += [i for i in candidates if i in rows and holds_words(wanted, *rows[i])]
        return found[:limit], len(found) > limit

    # -- the rows ------------------------------------------------------------------------------

    def found(self, matched: Sequence[tuple[int, str]]) -> list[FoundTicket]:
        """The rows of the tickets found, in the order given, each with why it was found."""
        if not matched:
            return []
        ids = [ticket_id for ticket_id, _ in matched]
        rows = {int(row[0]): row for row in self.session.execute(ROWS, {"ids": ids})}
        return [
            FoundTicket(
                ticket_id,
                row[1],
                str(row[2]),
                str(row[3]),
                str(row[4]),
                str(row[5]),
                str(row[6] or ""),
                str(row[7] or ""),
                str(row[8] or "")[:200],
                str(row[9]),
                why,
            )
            for ticket_id, why in matched
            if (row := rows.get(ticket_id)) is not None
        ]


@dataclass(slots=True)
class Piece:
    """One piece of a words search, as its newest postings show it."""

    gram: str
    postings: int
    """Postings read (SAMPLE at most: fewer are all it has)."""
    low: int
    """The oldest ticket of those postings."""
    high: int
    """Its newest ticket."""
    density: float = 0.0
    """Postings per ticket number, over the newest ones (what the walk meets first)."""

    @property
    def span_low(self) -> int:
        """Where its density is measured from: its oldest posting read, or the first ticket
        when every posting was read."""
        return self.low if self.postings >= SAMPLE else 1


def _by_word(pieces: list[Piece], words: Sequence[str]) -> tuple[list[Piece], list[Piece]]:
    """Each word's rarest piece, the rarest first, and every piece in the order the walk
    takes them: those, then the rest, the rarest first. A phrase's pieces come in one
    another's company (every ticket with 二楼的屏幕 holds 二楼, 楼的, 的屏 and 屏幕), two
    words' rarely do: a window reads one piece of each word, and probes the rest."""
    by_density = sorted(pieces, key=lambda piece: (piece.density, piece.gram))
    leaders: list[Piece] = []
    for word in words:
        own = next((p for p in by_density if p.gram in word and p not in leaders), None)
        if own is not None:
            leaders.append(own)
    leaders.sort(key=lambda piece: (piece.density, piece.gram))
    return leaders, leaders + [p for p in by_density if p not in leaders]


def _sampled(grams: Sequence[str], rows: Sequence[Any]) -> list[tuple[str, int, int, int]]:
    by_place = {int(row[0]): row for row in rows}
    return [
        (gram, int(by_place[i][1] or 0), int(by_place[i][2] or 0), int(by_place[i][3] or 0))
        for i, gram in enumerate(grams)
    ]


@cache
def _sample(grams: int) -> TextClause:
    """Each piece's newest postings (up to :n): how many, the oldest and newest ticket."""
    return text(
        " UNION ALL ".join(
            f"SELECT {i}, count(*), min(ticket_id), max(ticket_id) FROM (SELECT ticket_id"
            f" FROM ticket_gram WHERE gram = :g{i} ORDER BY ticket_id DESC LIMIT :n) AS s{i}"
            for i in range(grams)
        )
    )


@cache
def _window(grams: int) -> TextClause:
    """The tickets from :low up to (not with) :high holding every one of the pieces
    :w0, :w1 ...: one range scan of the key per piece, grouped by ticket."""
    pieces = ", ".join(f":w{i}" for i in range(grams))
    return text(
        f"SELECT ticket_id FROM ticket_gram WHERE gram IN ({pieces})"
        " AND ticket_id >= :low AND ticket_id < :high"
        f" GROUP BY ticket_id HAVING count(*) = {grams}"
    )


def _next_span(walked: int, found: int, limit: int, rarest: float) -> int:
    """Ticket numbers the next window covers: as many as the share found so far says are
    needed for the rest (a fifth more), holding FIRST_WINDOW to LATER_WINDOW postings of
    the rarest piece."""
    per_ticket = max(found, 1) / walked
    wanted = math.ceil((limit + 1 - found) / per_ticket * 1.2)
    return max(math.ceil(FIRST_WINDOW / rarest), min(math.ceil(LATER_WINDOW / rarest), wanted))


@cache
def _checked(others: int, scoped: bool, on_server: bool) -> TextClause:
    """Of the tickets `:ids`, those holding every other piece, with their texts; `scoped`:
    only those routed or handed to the department `:dept`. `on_server`: PostgreSQL takes
    the ids as one array, so the statement is the same for any number of them (prepared
    once, not planned again per batch size), and probes the pieces before it reads a
    ticket (a ticket's row read from the heap costs more than a probe of the key)."""
    # a scalar subquery per piece, never EXISTS: PostgreSQL turns an EXISTS into a join and
    # hashed a whole posting list for it (15 s at a million tickets); a scalar subquery is
    # one probe of the key per ticket on either backend
    key = "c.id" if on_server else "t.id"
    checks = "".join(
        f" AND (SELECT 1 FROM ticket_gram o{i}"
        f" WHERE o{i}.gram = :p{i} AND o{i}.ticket_id = {key}) IS NOT NULL"
        for i in range(others)
    )
    if scoped:
        checks += (
            " AND (t.department_id = :dept OR (SELECT 1 FROM department_leg l"
            " WHERE l.ticket_id = t.id AND l.department_id = :dept LIMIT 1) IS NOT NULL)"
        )
    if on_server:
        return text(
            "SELECT t.id, t.customer_words, t.answer FROM unnest(CAST(:ids AS integer[]))"
            f" AS c(id) JOIN ticket t ON t.id = c.id WHERE TRUE{checks}"
        )
    return text(
        f"SELECT t.id, t.customer_words, t.answer FROM ticket t WHERE t.id IN :ids{checks}"
    ).bindparams(bindparam("ids", expanding=True))
