"""Complaint handling: the seven steps, lead takeover, written replies (seed 001:6-7). Part of
Repository.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


class ComplaintStore:
    """Mixed into `Repository`; uses its session, `_changed`, `_event` and `add_deadline`."""

    session: Session
