"""Callbacks (回访): the queue, scripts' outcomes, visit requests (seed 000:2).

Part of Repository.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


class CallbackStore:
    """Mixed into `Repository`; uses its session, `_changed`, `_event` and `add_deadline`."""

    session: Session
