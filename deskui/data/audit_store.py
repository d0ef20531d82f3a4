"""The audit: append-only lines of who did what sensitive thing when (issue 16). No method
here updates or deletes a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


@dataclass(frozen=True, slots=True)
class AuditLine:
    id: int
    at: datetime
    agent_name: str
    action: str
    outcome: str
    subject: str
    detail: dict[str, object]


class AuditStore(StoreBase):
    """Write one line; search by person, action and time."""

    def write(
        self,
        at: datetime,
        action: str,
        *,
        agent_id: int | None = None,
        agent_name: str = "",
        outcome: str = "ok",
        subject: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            m.AuditEntry(
                at=at,
                agent_id=agent_id,
                agent_name=_visible_nul(agent_name[:80]),
                action=action,
                outcome=outcome,
                subject=_visible_nul(subject[:120]),
                detail=detail or {},
            )
        )

    def reassigned(
        self,
        at: datetime,
        agent_id: int,
        agent_name: str,
        subject: str,
        before: str,
        after: str,
        reason: str = "",
    ) -> None:
        """One `reassign` line: who gave the record (`ticket 12`, `callback 3`) from whom to
        whom, with the reason given, if any (issue 16)."""
        detail: dict[str, Any] = {"from": before, "to": after}
        if reason:
            detail["reason"] = reason
        self.write(
            at, "reassign", agent_id=agent_id, agent_name=agent_name, subject=subject, detail=detail
        )

    def about_account(self, name: str, limit: int = 500) -> list[AuditLine]:
        """The lines about one account, newest first: what was done to it (its subject) and
        what its holder did to it (a password changed, a lock); not every sign-in."""
        own = ("password_changed", "lock")
        query = (
            select(m.AuditEntry)
            .where(
                or_(
                    and_(m.AuditEntry.subject == name, m.AuditEntry.action.startswith("account_")),
                    and_(
                        m.AuditEntry.subject == name,
                        m.AuditEntry.action.in_(("role_changed", "password_reset")),
                    ),
                    and_(m.AuditEntry.agent_name == name, m.AuditEntry.action.in_(own)),
                )
            )
            .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
            .limit(limit)
        )
        return [
            AuditLine(e.id, e.at, e.agent_name, e.action, e.outcome, e.subject, dict(e.detail))
            for e in self.session.scalars(query)
        ]

    def search(
        self,
        *,
        person: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> list[AuditLine]:
        query = select(m.AuditEntry)
        if person:
            query = query.where(m.AuditEntry.agent_name == person)
        if action:
            query = query.where(m.AuditEntry.action == action)
        if since is not None:
            query = query.where(m.AuditEntry.at >= since)
        if until is not None:
            query = query.where(m.AuditEntry.at < until)
        query = query.order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc()).limit(limit)
        return [
            AuditLine(e.id, e.at, e.agent_name, e.action, e.outcome, e.subject, dict(e.detail))
            for e in self.session.scalars(query)
        ]


def _visible_nul(text: str) -> str:
    """A name or subject as typed at an entry, its NUL bytes as U+FFFD: PostgreSQL's text holds
    no NUL, and the try is audited all the same (issue 23)."""
    return text.replace("\x00", "\ufffd")
