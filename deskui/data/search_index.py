"""The search index kept in the same unit of work as every write to the texts it serves
(issue 26): a ticket's words and answer (`ticket_gram`), a customer's and its contacts'
names (`search_gram`, the caller lookup's).

One hook on the desk's sessions (`after_flush`, registered by `Database`) reads what the
flush wrote to those columns, whichever store or service wrote it (intake, a complaint's
step, a department's answer, a profile edit, a screen a later issue adds), and rewrites the
pieces of each record touched, in the flush's own transaction: a save that commits has its
index with it, one that rolls back takes its index back with it. A write with plain SQL
(an UPDATE that bypasses the ORM) is not seen: none of the desk's writes to these columns
does that, and `reindex_tickets` / `reindex_customers` are there for one that would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from deskui.data import models as m

TICKET_TEXTS = ("customer_words", "answer")
"""The ticket's columns a search finds it by (the customer's own words, the answer)."""
BATCH = 500
"""Records reindexed per statement (an IN list a server takes whole)."""


def keep_search_index(session: Session, _flush: UOWTransaction) -> None:
    """After each flush: the pieces of every ticket, customer or contact whose searched
    text the flush wrote, rewritten in the same transaction."""
    tickets: set[int] = set()
    customers: set[int] = set()
    for record in session.new:
        if isinstance(record, m.Ticket):
            tickets.add(record.id)
        elif isinstance(record, m.Customer):
            customers.add(record.id)
        elif isinstance(record, m.Contact):
            customers.add(record.customer_id)
    for record in session.dirty:
        if isinstance(record, m.Ticket) and _changed(record, TICKET_TEXTS):
            tickets.add(record.id)
        elif isinstance(record, m.Customer) and _changed(record, ("name",)):
            customers.add(record.id)
        elif isinstance(record, m.Contact) and _changed(record, ("name", "customer_id")):
            customers.update(_old_and_new(record, "customer_id"))
    for record in session.deleted:
        if isinstance(record, m.Contact):
            customers.update(_old_and_new(record, "customer_id"))
    gone = {r.id for r in session.deleted if isinstance(r, m.Customer)}
    customers -= gone
    if not tickets and not customers:
        return
    connection = session.connection()
    if tickets:
        reindex_tickets(connection, tickets)
    if customers:
        reindex_customers(connection, customers)


def _changed(record: Any, attributes: Iterable[str]) -> bool:
    state = inspect(record)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _old_and_new(record: Any, attribute: str) -> set[int]:
    history = inspect(record).attrs[attribute].history
    values = [*history.deleted, *history.unchanged, *history.added]
    return {int(v) for v in values if v is not None}


def reindex_tickets(connection: Connection, ticket_ids: Iterable[int]) -> None:
    """The pieces of these tickets' words and answer, as the tickets hold them now."""
    from deskui.domain.search import text_grams  # with the phone rules: when first needed

    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        connection.execute(delete(m.TicketGram).where(m.TicketGram.ticket_id.in_(chunk)))
        texts = connection.execute(
            select(m.Ticket.id, m.Ticket.customer_words, m.Ticket.answer).where(
                m.Ticket.id.in_(chunk)
            )
        )
        rows = [
            {"gram": gram, "ticket_id": ticket_id}
            for ticket_id, words, answer in texts
            for gram in sorted(text_grams(words or "", answer or ""))
        ]
        if rows:
            connection.execute(insert(m.TicketGram), rows)


def reindex_customers(connection: Connection, customer_ids: Iterable[int]) -> None:
    """The name pieces of these customers and their contacts, as they are named now."""
    from deskui.domain.search import name_grams

    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        connection.execute(delete(m.SearchGram).where(m.SearchGram.customer_id.in_(chunk)))
        grams: dict[int, set[str]] = {}
        names = list(
            connection.execute(
                select(m.Customer.id, m.Customer.name).where(m.Customer.id.in_(chunk))
            )
        )
        names += connection.execute(
            select(m.Contact.customer_id, m.Contact.name).where(m.Contact.customer_id.in_(chunk))
        ).all()
        for customer_id, name in names:
            grams.setdefault(int(customer_id), set()).update(name_grams(name or ""))
        rows = [
            {"gram": gram, "customer_id": customer_id}
            for customer_id, pieces in grams.items()
            for gram in sorted(pieces)
        ]
        if rows:
            connection.execute(insert(m.SearchGram), rows)
