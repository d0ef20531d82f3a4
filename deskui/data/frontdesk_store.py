"""The front desk beyond calls: departments' round trip, visitors, passes, messages,
correspondence, attachments (seed 001:4, 002:2.3-2.5). Part of Repository.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


class FrontDeskStore:
    """Mixed into `Repository`; uses its session, `_changed`, `_event` and `add_deadline`."""

    session: Session
