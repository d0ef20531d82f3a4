"""Deadlines as rows of their own: what tools, the demo and tests add or meet directly.

Every aggregate's store adds and meets its own deadlines through `StoreBase`; this store
exposes the same two operations by name (`uow.deadlines`) for callers outside the stores.
"""

from __future__ import annotations

from deskui.data.store_base import StoreBase


class DeadlineStore(StoreBase):
    """`add_deadline` and `meet_deadlines` of `StoreBase`, public."""
