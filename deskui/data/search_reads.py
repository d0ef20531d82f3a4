"""Finding a record from any screen (issue 26): the read model behind services/search.py.

Each way a search is read has its own indexed path: a ticket by its number (the key), by a
number (the customer's and contacts' phones, as the caller lookup finds them, and the
caller's number on the ticket), by a name (the caller lookup's name pieces), by words (the
two-character pieces of tickets' texts in `ticket_gram`, deskui/data/search_index.py).

Words are found newest first: the rarest of the query's pieces (counted up to COUNT_CAP, all
in one statement) is walked down its postings a batch at a time (`ORDER BY ticket_id DESC`
on the table's key), each batch's tickets checked for the other pieces one key probe each,
and read and checked whole (`holds_words`), since a ticket holding every piece need not hold
the word. The walk is the code's, not the planner's: PostgreSQL, left a join of the pieces,
hashed whole posting lists (1.4 s, and 15 s for EXISTS, at a million tickets). A department
member's search only keeps tickets of their department (ticket routed there, or a leg handed there).
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

COUNT_CAP = 5_000
"""Postings counted per piece at most: enough to tell the rarest one to walk."""
FIRST_BATCH = 200
LATER_BATCH = 4_000
MAX_EXAMINED = 10_000
"""Candidates checked whole at most per search: a query whose pieces are common and whose
words are rare says there may be more (type more words) rather than walk on."""
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

COUNT = text("SELECT count(*) FROM (SELECT 1 FROM ticket_gram WHERE gram = :gram LIMIT :n) AS g")
TEXTS = text("SELECT id, customer_words, answer FROM ticket WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)

DRIVER = text(
    "SELECT ticket_id FROM ticket_gram WHERE gram = :driver AND ticket_id < :before"
    " ORDER BY ticket_id DESC LIMIT :n"
)
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
        whether more may be there than were checked (MAX_EXAMINED)."""
        if not grams or scope.nothing:
            return [], False
        connection = self.session.connection()
        counted = connection.execute(
            _counts(len(grams)), {"n": COUNT_CAP, **{f"g{i}": g for i, g in enumerate(grams)}}
        ).one()
        counts = dict(zip(grams, (int(c) for c in counted), strict=True))
        if min(counts.values()) == 0:
            return [], False
        driver = min(grams, key=lambda gram: (counts[gram], gram))
        others = [gram for gram in grams if gram != driver]
        params: dict[str, object] = {f"p{i}": gram for i, gram in enumerate(others)}
        if scope.department_id is not None:
            params["dept"] = scope.department_id
        on_server = connection.dialect.name == "postgresql"
        check = _checked(len(others), scope.department_id is not None, on_server)
        wanted = tuple(words)
        found: list[int] = []
        before = 2**31
        examined = 0
        batch = FIRST_BATCH
        while len(found) <= limit:
            if examined >= MAX_EXAMINED:
                return found[:limit], True
            # the driver's postings first, newest first, a batch at a time: the planner is
            # never left to join whole posting lists (PostgreSQL did, at 1.4 s a search,
            # for the pieces of a phrase it took to be independent)
            walked = [
                int(i)
                for i in connection.execute(
                    DRIVER, {"driver": driver, "before": before, "n": batch}
                ).scalars()
            ]
            if not walked:
                break
            examined += len(walked)
            before = walked[-1]
            rows = {
                int(ticket_id): (said or "", answer or "")
                for ticket_id, said, answer in connection.execute(check, {**params, "ids": walked})
            }
            found += [i for i in walked if i in rows and holds_words(wanted, *rows[i])]
            if len(walked) < batch:
                break
            batch = _next_batch(examined, len(found), limit)
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


@cache
def _counts(grams: int) -> TextClause:
    """How many tickets hold each piece (up to :n), in one statement."""
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM ticket_gram WHERE gram = :g{i} LIMIT :n) AS c{i})"
        for i in range(grams)
    )
    return text(f"SELECT {counts}")


def _next_batch(examined: int, found: int, limit: int) -> int:
    """Postings to walk next: as many as the share found so far says are needed for the rest
    (a fifth more), between FIRST_BATCH and LATER_BATCH."""
    share = max(found, 1) / examined
    wanted = math.ceil((limit + 1 - found) / share * 1.2)
    return max(FIRST_BATCH, min(LATER_BATCH, wanted))


@cache
def _checked(others: int, scoped: bool, on_server: bool) -> TextClause:
    """Of the tickets `:ids`, those holding every other piece, with their texts; `scoped`:
    only those routed or handed to the department `:dept`. `on_server`: PostgreSQL takes
    the ids as one array, so the statement is the same for any number of them (prepared
    once, not planned again per batch size)."""
    # a scalar subquery per piece, never EXISTS: PostgreSQL turns an EXISTS into a join and
    # hashed a whole posting list for it (15 s at a million tickets); a scalar subquery is
    # one probe of the key per ticket on either backend
    checks = "".join(
        f" AND (SELECT 1 FROM ticket_gram o{i}"
        f" WHERE o{i}.gram = :p{i} AND o{i}.ticket_id = t.id) IS NOT NULL"
        for i in range(others)
    )
    if scoped:
        checks += (
            " AND (t.department_id = :dept OR (SELECT 1 FROM department_leg l"
            " WHERE l.ticket_id = t.id AND l.department_id = :dept LIMIT 1) IS NOT NULL)"
        )
    if on_server:
        return text(
            f"SELECT t.id, t.customer_words, t.answer FROM ticket t WHERE t.id = ANY(:ids){checks}"
        )
    return text(
        f"SELECT t.id, t.customer_words, t.answer FROM ticket t WHERE t.id IN :ids{checks}"
    ).bindparams(bindparam("ids", expanding=True))
