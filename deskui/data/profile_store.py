"""Customer profiles: filing, editing, assignment and import (seed 000:1). Part of Repository."""

from __future__ import annotations

from sqlalchemy.orm import Session


class ProfileStore:
    """Mixed into `Repository`; uses its session and its `_changed` bookkeeping."""

    session: Session
