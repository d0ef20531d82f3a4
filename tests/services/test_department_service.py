"""A department's round trip as services (issue 24), on SQLite and PostgreSQL: each step
refuses what the F7 forms refuse (the same domain checks), a department member reads and
works only their own department's queue, and the desk every department's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.departments import (
    AcceptLeg,
    DepartmentQueuePage,
    FindDepartment,
    HandToDepartment,
    PlanLeg,
    RecordLegResult,
    ReturnLeg,
    accept_leg,
    department_queue_count,
    department_queue_rows,
    find_department,
    hand_to_department,
    plan_leg,
    record_leg_result,
    return_leg,
)
from deskui.services.errors import FrontDeskError
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


class Legs:
    def __init__(self, agent: Actor, member: Actor, stranger: Actor, leg_id: int) -> None:
        self.agent, self.member, self.stranger, self.leg_id = agent, member, stranger, leg_id


@pytest.fixture
def legs(database: Database, desk: Desk) -> Legs:
    """A ticket of 王芳's handed to the technical department; 赵磊 is in it, 钱敏 on the
    platform group."""
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="question",
                category="install_maintain",
                channel="fax",
                severity="normal",
                customer_words="媒体机升级后黑屏",
            ),
            desk.agent,
            FIXED_NOW,
        )
        member = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        stranger = uow.frontdesk.add_department_member("钱敏", "platform", FIXED_NOW)
        uow.commit()
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow:
        leg_id = hand_to_department(
            uow, agent, HandToDepartment(ticket_id, "technical", "请尽快"), FIXED_NOW
        )
    return Legs(
        agent,
        Actor(member, "赵磊", Role.DEPARTMENT, department_code="technical"),
        Actor(stranger, "钱敏", Role.DEPARTMENT, department_code="platform"),
        leg_id,
    )


def _page(code: str) -> DepartmentQueuePage:
    return DepartmentQueuePage(code, 0, 10)


def test_a_member_reads_only_their_own_departments_queue_and_the_desk_reads_any(
    database: Database, legs: Legs
) -> None:
    with UnitOfWork(database) as uow:
        assert find_department(uow, legs.member, FindDepartment(), FIXED_NOW) == "technical"
        assert department_queue_count(uow, legs.member, _page("technical"), FIXED_NOW) == 1
        rows = department_queue_rows(uow, legs.agent, _page("technical"), FIXED_NOW)
        assert [row.leg.id for row in rows] == [legs.leg_id]
        assert department_queue_count(uow, legs.stranger, _page("platform"), FIXED_NOW) == 0
        for read in (department_queue_count, department_queue_rows):
            with pytest.raises(Denied) as denied:
                read(uow, legs.stranger, _page("technical"), FIXED_NOW)  # type: ignore[operator]
            assert denied.value.action is Action.WORK_DEPARTMENT
        visitor = Actor(legs.agent.id, "王芳", "visitor")
        with pytest.raises(Denied):
            department_queue_count(uow, visitor, _page("technical"), FIXED_NOW)
        with pytest.raises(Denied):
            find_department(uow, visitor, FindDepartment(), FIXED_NOW)


def test_a_member_of_another_department_may_not_step_the_leg(
    database: Database, legs: Legs
) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        accept_leg(uow, legs.stranger, AcceptLeg(legs.leg_id), FIXED_NOW)
    with UnitOfWork(database) as uow:  # the member accepts; nothing of the stranger's stayed
        accept_leg(uow, legs.member, AcceptLeg(legs.leg_id), FIXED_NOW)
        assert uow.frontdesk.leg(legs.leg_id).accepted_by == "赵磊"


_TOMORROW = FIXED_NOW + timedelta(days=1)
_LATE = FIXED_NOW + timedelta(days=400)


_E = "department.legs.error."
_PAST = FIXED_NOW - timedelta(hours=1)
_NAIVE = datetime(2026, 11, 24, 9)


@pytest.mark.parametrize(
    ("plan", "field", "key"),
    [
        (PlanLeg(0, _TOMORROW, "  "), "measures", _E + "measures_required"),
        (PlanLeg(0, _PAST, "换主板"), "expected", _E + "expected_past"),
        (PlanLeg(0, _LATE, "换主板"), "expected", _E + "expected_far"),
        (PlanLeg(0, _NAIVE, "换主板"), "expected", _E + "expected_format"),
        (PlanLeg(0, _TOMORROW, "换主板\x1b[2J"), "measures", _E + "control"),
        (PlanLeg(0, _TOMORROW, "换主板", by_name="赵" * 81), "by_name", _E + "too_long"),
    ],
)
def test_an_invalid_plan_is_refused_with_the_forms_reason(
    database: Database, legs: Legs, plan: PlanLeg, field: str, key: str
) -> None:
    actor = legs.agent if plan.by_name else legs.member
    with UnitOfWork(database) as uow:
        accept_leg(uow, legs.member, AcceptLeg(legs.leg_id), FIXED_NOW)
    command = PlanLeg(legs.leg_id, plan.expected_at, plan.measures, plan.by_name)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        plan_leg(uow, actor, command, FIXED_NOW)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.leg(legs.leg_id).planned_at is None


def test_a_blank_result_a_control_name_and_a_missing_leg_are_refused(
    database: Database, legs: Legs
) -> None:
    with UnitOfWork(database) as uow:
        accept_leg(uow, legs.member, AcceptLeg(legs.leg_id), FIXED_NOW)
        plan_leg(uow, legs.member, PlanLeg(legs.leg_id, _TOMORROW, "换主板"), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as blank:
        record_leg_result(uow, legs.member, RecordLegResult(legs.leg_id, " \n "), FIXED_NOW)
    assert blank.value.key == "department.legs.error.result_required"
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as control:
        return_leg(uow, legs.agent, ReturnLeg(legs.leg_id, "赵\x1b]0;x\x07"), FIXED_NOW)
    assert control.value.key == "department.legs.error.control"
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as missing:
        accept_leg(uow, legs.member, AcceptLeg(legs.leg_id + 999), FIXED_NOW)
    assert missing.value.key == "department.legs.error.missing"
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as note:
        hand_to_department(uow, legs.agent, HandToDepartment(1, "technical", "x" * 4001), FIXED_NOW)
    assert note.value.key == "department.legs.error.too_long"
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.leg(legs.leg_id).result_at is None


def test_a_ticket_a_department_holds_or_a_closed_one_is_not_handed_on(
    database: Database, legs: Legs
) -> None:
    """The ticket's life (domain) refuses through the service, with its reason; nothing is
    written (the store no longer decides)."""
    with UnitOfWork(database) as uow:
        ticket_id = uow.frontdesk.leg_ticket(legs.leg_id)
        with pytest.raises(FrontDeskError) as twice:
            hand_to_department(uow, legs.agent, HandToDepartment(ticket_id, "platform"), FIXED_NOW)
        assert (twice.value.key, twice.value.field) == (
            "department.legs.error.already_with",
            "department",
        )
        assert has_key(twice.value.key)
    with UnitOfWork(database) as uow:
        assert [leg.department_code for leg in uow.frontdesk.legs(ticket_id)] == ["technical"]
