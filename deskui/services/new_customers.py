"""A customer filed where it first turned up (a call's intake, a walk-in at reception) is
shared out as every customer is: to the agent the balance of count and skill names (seed
000:1.3), not kept by whoever happened to take the call. Part of the use case that filed
it, in its unit of work; not a use case of its own (`now` by keyword: not one's shape)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.domain.assignment import CustomerNeed, assign_customers

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork


def share_new_customer(uow: UnitOfWork, customer_id: int, taker_id: int, *, now: datetime) -> int:
    """Give the customer just filed (held by the taker `taker_id` as it was saved) to the
    agent the domain's assignment chooses; its open filings go with it. Returns that agent
    (the taker when no agent takes customers, or the balance names the taker)."""
    loads = uow.profiles.agent_loads()
    # the customer is counted with the taker already: decide as if nobody held it yet
    loads = [replace(a, load=a.load - 1) if a.id == taker_id else a for a in loads]
    chosen = assign_customers(loads, [CustomerNeed(customer_id)]).get(customer_id, taker_id)
    if chosen != taker_id:
        uow.profiles.assign(customer_id, chosen, now, by_agent_id=taker_id)
    return chosen
