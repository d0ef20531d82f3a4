"""The audit's own use case: a denied action, written in a transaction of its own (the
service that was denied rolled back with everything it did)."""

from __future__ import annotations

from datetime import datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.services.actor import Actor, Denied


def record_denial(uow: UnitOfWork, actor: Actor | None, denied: Denied, now: datetime) -> None:
    """One `denied` line naming who tried which action; nothing to check: anyone's denial
    is written, including one before sign-in."""
    uow.audit.write(
        now,
        "denied",
        agent_id=actor.id if actor else None,
        agent_name=actor.name if actor else "",
        outcome="denied",
        subject=str(getattr(denied, "action", "")),
    )
    uow.commit()
