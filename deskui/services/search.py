"""Finding a record from any screen (issue 26): Ctrl+F, or the palette's 查找.

One search reads what was typed every way it can be read (domain/search.record_query): a
ticket number (`#54`, or `54`), a phone in any format, a customer's or contact's name, the
words of the problem or the answer (by two-character pieces, so two Chinese characters are
a search). The tickets found come back newest first within each way, numbers before names
before words, each saying why it was found; as the role may see them: a department member
finds only their department's tickets, and a role that does not see numbers neither sees
them here nor finds a customer by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.search_reads import EVERYTHING, FoundTicket, SearchReads
from deskui.domain.accounts import sees_personal
from deskui.domain.masking import masked_record
from deskui.domain.permissions import Action
from deskui.domain.search import RecordMatch, record_query
from deskui.domain.work_permissions import WorkChoice, may_choose
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = ["RESULTS", "FindRecords", "FoundRecords", "FoundTicket", "find_records"]

RESULTS = 100
"""Tickets a search shows at most; past it the agent is asked for more words."""


@dataclass(frozen=True, slots=True)
class FindRecords:
    """What the agent typed into the search."""

    text: str


@dataclass(frozen=True, slots=True)
class FoundRecords:
    rows: tuple[FoundTicket, ...]
    more: bool = False
    """More tickets may answer than are shown: a narrower search finds them."""
    too_short: bool = False
    """Nothing to look for yet: one character, or no letter or digit at all."""
    numbers_hidden: bool = False
    """A number was typed, and the actor's role does not see numbers: not searched by it."""


def find_records(
    uow: UnitOfWork, actor: Actor, command: FindRecords, now: datetime
) -> FoundRecords:
    """The tickets answering to `command.text`, as the actor may see them (no commit)."""
    require(actor, Action.WORK_OWN)
    query = record_query(command.text if isinstance(command.text, str) else "")
    if query.empty:
        return FoundRecords((), too_short=True)
    reads = SearchReads(uow)
    scope = (
        EVERYTHING
        if may_choose(actor.role, WorkChoice.ANY_DEPARTMENT)
        else reads.department_scope(actor.id)
    )
    sees = sees_personal(actor.role, uow.rules.masked_roles)
    found: dict[int, str] = {}

    def take(ids: list[int], why: RecordMatch) -> None:
        for ticket_id in ids:
            if len(found) < RESULTS:
                found.setdefault(ticket_id, why.value)

    if query.ticket_id is not None:
        take(reads.by_ticket_number(query.ticket_id, scope), RecordMatch.NUMBER)
    numbers_hidden = False
    if query.phone or query.digits:
        if not sees:
            numbers_hidden = True
        elif query.phone:
            short = not query.phone.startswith("+")
            customers = reads.customers_by_phone(query.phone, short=short)
            take(reads.tickets_by_caller_phone(query.phone, scope, RESULTS), RecordMatch.PHONE)
            take(reads.tickets_of_customers(customers, scope, RESULTS), RecordMatch.PHONE)
        elif query.digits:
            customers = reads.customers_by_last_digits(query.digits)
            take(reads.tickets_of_customers(customers, scope, RESULTS), RecordMatch.PHONE)
    if query.name:
        customers = reads.customers_by_name(query.name)
        take(reads.tickets_of_customers(customers, scope, RESULTS), RecordMatch.NAME)
    more = False
    if query.grams and len(found) < RESULTS:
        worded, more = reads.tickets_by_words(query.grams, query.words, scope, RESULTS)
        take(worded, RecordMatch.WORDS)
    rows = [masked_record(row, sees=sees) for row in reads.found(list(found.items()))]
    ways = {why: place for place, why in enumerate(dict.fromkeys(found.values()))}
    # within each way, the newest call first (a ticket's number is not its time)
    rows.sort(key=lambda r: (ways[r.matched], -r.opened_at.timestamp(), -r.ticket_id))
    return FoundRecords(tuple(rows), more or len(found) >= RESULTS, numbers_hidden=numbers_hidden)
