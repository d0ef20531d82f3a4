"""A small desk for repository tests: agents in two teams, a lead, a manager, two customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake, SavedCall
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.intake import call_plan
from tests.conftest import FIXED_NOW


@dataclass(frozen=True)
class Desk:
    agent: int  # 王芳, team "north"
    colleague: int  # 李娜, team "south"
    lead: int  # 张伟
    manager: int  # 刘洋
    customer: int
    other_customer: int


@pytest.fixture
def desk(database: Database) -> Desk:
    with UnitOfWork(database) as uow:
        agent = uow.agents.add_agent("王芳", Role.AGENT, FIXED_NOW, team="north")
        colleague = uow.agents.add_agent("李娜", Role.AGENT, FIXED_NOW, team="south")
        lead = uow.agents.add_agent("张伟", Role.LEAD, FIXED_NOW, team="north")
        manager = uow.agents.add_agent("刘洋", Role.MANAGER, FIXED_NOW, team="north")
        customers = [
            m.Customer(
                name=name,
                unit_number=unit,
                phone_e164=phone,
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            )
            for name, unit, phone in (
                ("上海星辰电子有限公司", "A-101", "+862155550101"),
                ("北京华强传媒有限公司", "B-202", "+861088886666"),
            )
        ]
        uow.session.add_all(customers)
        uow.session.flush()
        result = Desk(agent.id, colleague.id, lead.id, manager.id, customers[0].id, customers[1].id)
        uow.commit()
    return result


def record_call(uow: UnitOfWork, intake: CallIntake, agent_id: int, now: datetime) -> SavedCall:
    """A call saved below the service, planned as the intake service plans it (its
    call_plan, over domain/intake.plan_call): the store saves the plan."""
    plan = call_plan(uow, intake, now)
    return uow.tickets.record_call(intake, agent_id, now, plan)
