"""The audit's own use cases: a denied action, written in a transaction of its own (the
service that was denied rolled back with everything it did), and a manager's search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.audit_store import AuditLine
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, Denied, require


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


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """`deskui audit`'s search: one person's lines, one action's, from and to local days (the
    days' UTC instants: `since` included, `until` the end of the last day, excluded)."""

    person: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100_000


def search_audit(
    uow: UnitOfWork, actor: Actor, query: AuditQuery, now: datetime
) -> list[AuditLine]:
    """The audit's lines the query finds, newest first; a manager's (Action.SEE_AUDIT), and
    reading the audit is itself audited (`audit_read`)."""
    require(actor, Action.SEE_AUDIT)
    if query.since is not None and query.until is not None and query.until <= query.since:
        refuse_problems([FieldProblem("to", "measures.range.error.ends_before_start")])
    lines = uow.audit.search(
        person=query.person,
        action=query.action,
        since=query.since,
        until=query.until,
        limit=query.limit,
    )
    uow.audit.write(now, "audit_read", agent_id=actor.id, agent_name=actor.name)
    uow.commit()
    return lines
