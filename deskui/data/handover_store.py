"""Unfinished-work handover between shifts and order follow-up (seed 004). Part of Repository."""

from __future__ import annotations

from sqlalchemy.orm import Session


class HandoverStore:
    """Mixed into `Repository`; uses its session, `_changed`, `_event` and `add_deadline`."""

    session: Session
