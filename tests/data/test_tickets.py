"""open_ticket: owner, first-contact deadline by severity, history, escalation, change feed."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk


def _new(customer_id: int, severity: str) -> NewTicket:
    return NewTicket(
        customer_id=customer_id,
        kind="complaint",
        category="network_line",
        channel="phone",
        severity=severity,
        customer_words="网络从早上开始断断续续，\n广告播不出来",
    )


@pytest.mark.parametrize(
    ("severity", "hours", "escalated_to"),
    [("normal", 24, None), ("urgent", 8, "lead"), ("critical", 4, "manager")],
)
def test_open_ticket_files_owner_deadline_history_escalation_and_change(
    database: Database, desk: Desk, severity: str, hours: int, escalated_to: str | None
) -> None:
    with UnitOfWork(database) as uow:
        since = uow.changes.last_change_id()
        ticket_id = uow.tickets.open_ticket(_new(desk.customer, severity), desk.agent, FIXED_NOW)
        uow.commit()

    with UnitOfWork(database) as uow:
        session = uow.session
        ticket = session.get_one(m.Ticket, ticket_id)
        assert ticket.owner_id == desk.agent  # seed 001:5.5: whoever took the call owns it
        assert ticket.status == "open"
        assert ticket.unit_number == "A-101"  # taken from the customer when intake left it out
        assert ticket.opened_at == FIXED_NOW

        deadlines = list(
            session.scalars(
                select(m.Deadline).where(
                    m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket_id
                )
            )
        )
        assert len(deadlines) == 1
        deadline = deadlines[0]
        assert deadline.kind == "first_contact"
        assert deadline.owner_id == desk.agent
        assert deadline.team == "north"
        assert deadline.customer_id == desk.customer
        assert deadline.severity == severity
        assert deadline.starts_at == FIXED_NOW
        assert deadline.due_at == FIXED_NOW + timedelta(hours=hours)
        assert deadline.due_at.tzinfo is not None
        assert deadline.due_at.utcoffset() == timedelta(0)
        assert deadline.label == "网络从早上开始断断续续， 广告播不出来"  # one line
        assert deadline.met_at is None

        events = list(
            session.scalars(
                select(m.TicketEvent)
                .where(m.TicketEvent.ticket_id == ticket_id)
                .order_by(m.TicketEvent.id)
            )
        )
        assert events[0].action == "opened"
        assert events[0].agent_id == desk.agent
        assert events[0].detail == {"owner": "王芳"}

        notified = {
            n.agent_id: n
            for n in session.scalars(
                select(m.Notification).where(m.Notification.subject_id == ticket_id)
            )
        }
        expected = {None: set(), "lead": {desk.lead}, "manager": {desk.manager}}[escalated_to]
        assert set(notified) == expected
        for notification in notified.values():
            assert notification.kind == f"escalation_{severity}"
            assert notification.subject_type == "ticket"
            assert notification.text == "上海星辰电子有限公司"
            assert notification.read_at is None
        assert [e.action for e in events[1:]] == ([] if escalated_to is None else ["escalated"])

        changes = uow.changes.changes_since(since)
        assert ("ticket", ticket_id) in [(entity, entity_id) for _, entity, entity_id in changes]
        assert ("deadline", deadline.id) in [(e, i) for _, e, i in changes]

        [record] = uow.tickets.tickets()
        assert record.first_contact_due == FIXED_NOW.astimezone(UTC) + timedelta(hours=hours)
        assert record.owner_name == "王芳"


def test_escalation_reaches_the_lead_as_an_unread_notification(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(_new(desk.customer, "urgent"), desk.agent, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        [notice] = uow.notifications.unread_notifications(desk.lead)
        assert (notice.kind, notice.subject_id) == ("escalation_urgent", ticket_id)
        assert uow.notifications.unread_notifications(desk.manager) == []
        assert uow.notifications.unread_notifications(desk.agent) == []
        uow.notifications.mark_read([notice.id], FIXED_NOW + timedelta(minutes=1))
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.notifications.unread_notifications(desk.lead) == []


def test_a_ticket_not_committed_leaves_nothing_behind(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        uow.tickets.open_ticket(_new(desk.customer, "critical"), desk.agent, FIXED_NOW)
        # no commit: the unit of work rolls back
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets() == []
        assert uow.work.work_count() == 0
        assert uow.notifications.unread_notifications(desk.manager) == []


def test_unread_notifications_read_newest_first_whatever_order_they_were_raised(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        for minutes in (0, 90, -30):  # a sweep may raise an older notice after a newer one
            uow.session.add(
                m.Notification(
                    agent_id=desk.lead,
                    kind="escalation_urgent",
                    text=str(minutes),
                    created_at=FIXED_NOW + timedelta(minutes=minutes),
                )
            )
        uow.commit()
    with UnitOfWork(database) as uow:
        texts = [n.text for n in uow.notifications.unread_notifications(desk.lead)]
    assert texts == ["90", "0", "-30"]
