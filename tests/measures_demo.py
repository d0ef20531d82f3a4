"""The demo desk with a record behind each of the lead's measures of departments and orders
(issue 17), for the measures screen and report tests: the demo itself plans no leg, returns
no order and attributes no complaint to a department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import TicketStatus
from deskui.domain.ticket_life import Transition
from tests.conftest import FIXED_NOW


@dataclass(frozen=True, slots=True)
class Added:
    leg_ticket: int
    """The technical leg's ticket: planned 90 minutes before FIXED_NOW to finish 30 minutes
    before, its result written 10 minutes before (late)."""
    returned_order: int
    """The demo's negotiated order, now returned."""
    repeat_complaint: int
    """A complaint opened a minute before FIXED_NOW by a customer whose earlier complaint
    went to the platform group five hours before and was never accepted (late hand-on)."""


def add_department_and_order_records(database: Database) -> Added:
    now = FIXED_NOW
    with UnitOfWork(database) as uow:
        s = uow.session
        leg = s.scalars(
            select(m.DepartmentLeg).where(m.DepartmentLeg.accepted_at.is_not(None))
        ).one()
        member = s.scalar(select(m.Agent.id).where(m.Agent.name == "赵磊"))
        agent = s.scalar(select(m.Agent.id).where(m.Agent.name == "王芳"))
        assert member is not None and agent is not None
        leg_id, leg_ticket = leg.id, leg.ticket_id
        uow.frontdesk.plan_leg(
            leg_id, member, now - timedelta(minutes=90), now - timedelta(minutes=30), "更换主板"
        )
        uow.frontdesk.record_leg_result(leg_id, member, now - timedelta(minutes=10), "已更换")
        paid = {"number": "T20261123", "shop": "按摩器旗舰店", "paid_at": "2026-11-23 08:00"}
        uow.handover.add_order(paid, agent, now, ZoneInfo("Asia/Shanghai"))
        returned = s.scalars(select(m.Order.id).where(m.Order.number == "T20261107")).one()
        uow.handover.record_return_step(returned, "return", "退货退款", agent, now)
        earlier = s.scalars(
            select(m.Ticket)
            .where(
                m.Ticket.kind == "complaint",
                m.Ticket.closed_at.is_(None),
                ~select(m.DepartmentLeg.id)
                .where(m.DepartmentLeg.ticket_id == m.Ticket.id)
                .exists(),
                m.Ticket.opened_at < now - timedelta(hours=5),
            )
            .order_by(m.Ticket.opened_at, m.Ticket.id)
            .limit(1)
        ).one()
        uow.frontdesk.hand_to_department(
            earlier.id,
            "platform",
            earlier.owner_id,
            now - timedelta(hours=5),
            Transition(TicketStatus.WITH_DEPARTMENT),
        )
        again = m.Ticket(
            customer_id=earlier.customer_id, kind="complaint", category=earlier.category,
            channel="phone", severity="normal", status="open", owner_id=earlier.owner_id,
            opened_at=now - timedelta(minutes=1), customer_words="又来投诉：一直没人回复",
        )  # fmt: skip
        s.add(again)
        s.flush()
        added = Added(leg_ticket, returned, again.id)
        uow.commit()
    return added
