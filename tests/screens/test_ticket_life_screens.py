"""A record's life on its detail, pressed as a new user would (issue 26, seed 002:2.3-2.5): a
question routed to 技术部 is on the department's desk at once, the agent records a contact
(c), the department does its legs, the agent resolves it (s) with the department's result
offered, the desk stops counting it, x x closes it, o reopens it with a reason, n adds a note
to the timeline; the palette finds 联系 / 解决 / 结案 / 重开."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from rich.console import Console
from sqlalchemy import select
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.screens.department import DepartmentScreen
from deskui.screens.desk import DeskScreen
from deskui.screens.help import HelpScreen
from deskui.screens.leg_form import LegFormModal
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.services.actor import Actor
from deskui.services.departments import (
    AcceptLeg,
    PlanLeg,
    RecordLegResult,
    ReturnLeg,
    accept_leg,
    plan_leg,
    record_leg_result,
    return_leg,
)
from deskui.services.intake import RecordCall, record_call
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.test_live_changes import poll_changes


def _plain(content: object) -> str:
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _actor(db: Database, name: str) -> Actor:
    with UnitOfWork(db) as uow:
        agent = uow.session.scalars(select(m.Agent).where(m.Agent.name == name)).one()
        return Actor(agent.id, agent.name, agent.role, agent.team)


def _save_routed(db: Database, clock: FixedClock, words: str) -> int:
    """王芳 saves a usage question at intake, as the form saves it: routed to 技术部."""
    agent = _actor(db, "王芳")
    with UnitOfWork(db) as uow:
        customer = uow.customers.customers()[0]
    intake = CallIntake("question", "usage", "phone", "normal", words, customer_id=customer.id)
    with UnitOfWork(db) as uow:
        return record_call(uow, agent, RecordCall(intake), clock.now()).ticket_id


def _department_does_its_legs(db: Database, clock: FixedClock, ticket_id: int) -> None:
    member = Actor(_actor(db, "赵磊").id, "赵磊", Role.DEPARTMENT, department_code="technical")
    with UnitOfWork(db) as uow:
        leg_id = uow.frontdesk.legs(ticket_id)[-1].id
    now = clock.now()
    steps: tuple[tuple[Any, Any], ...] = (
        (accept_leg, AcceptLeg(leg_id)),
        (plan_leg, PlanLeg(leg_id, now + timedelta(days=1), "远程重置账号")),
        (record_leg_result, RecordLegResult(leg_id, "账号已重置，客户可以登录")),
        (return_leg, ReturnLeg(leg_id)),
    )
    for service, command in steps:
        with UnitOfWork(db) as uow:
            service(uow, member, command, now)


def _open_deadlines(db: Database, ticket_id: int) -> list[str]:
    with UnitOfWork(db) as uow:
        return sorted(
            uow.session.scalars(
                select(m.Deadline.kind).where(
                    m.Deadline.subject_type == "ticket",
                    m.Deadline.subject_id == ticket_id,
                    m.Deadline.met_at.is_(None),
                )
            )
        )


def _timeline(app: Any) -> str:
    return _plain(app.screen.query_one("#ticket-events", Static).content)


def _fields(app: Any) -> str:
    return _plain(app.screen.query_one("#ticket-fields", Static).content)


def _notices(app: Any) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


async def _save_form(pilot: Pilot[Any], text: str | None = None) -> None:
    """Type into the form's first text field (if given) and save with Ctrl+S."""
    app = pilot.app
    assert isinstance(app.screen, LegFormModal), app.screen
    if text is not None:
        area = app.screen.query(TextArea)
        if area:
            area.first().focus()
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_routed_ticket_is_on_the_departments_desk_without_h(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="赵磊"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DepartmentScreen)  # a member's desk is the queue
        queue = app.screen.query_one("#department-queue", WorkList)
        before = queue.count
        ticket_id = _save_routed(demo_database, clock, "新装的软件登录不了")
        await poll_changes(pilot)
        await settle(pilot)
        assert before is not None and queue.count == before + 1
        for _ in range(queue.count):  # the new record is on the list, handed by 王芳
            row = queue.cursor_row
            if row is not None and row.leg.ticket_id == ticket_id:
                break
            await pilot.press("down")
            await settle(pilot)
        assert queue.cursor_row is not None and queue.cursor_row.leg.ticket_id == ticket_id
        assert queue.cursor_row.leg.handed_by == "王芳"


async def test_what_is_typed_the_moment_c_opens_the_contact_form_is_its_words(
    demo_database: Database, clock: FixedClock
) -> None:
    """c, then typing at once: the keys land in the contact's words (they went to the way's
    pick list, and were lost), and Ctrl+S records a phone contact with them."""
    ticket_id = _save_routed(demo_database, clock, "新装的软件登录不了")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        await pilot.press("c", *"yidianhua")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.query_one("#f-note", TextArea).text == "yidianhua"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert "电话联系客户：yidianhua" in _timeline(app)


async def test_a_question_routed_to_technical_is_resolved_from_its_detail(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _save_routed(demo_database, clock, "新装的软件登录不了")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work = app.screen.query_one("#work", WorkList)
        counted = [work.row_at(i) for i in range(work.count or 0)]
        assert ticket_id in {r.subject_id for r in counted if r}  # counting on the desk
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        assert "交部门处理" in _timeline(app)  # routing landed: the leg is on the timeline

        # c: a phone call to the customer meets the first contact
        await pilot.press("c")
        await settle(pilot)
        await _save_form(pilot, "已告知技术部在处理")
        assert isinstance(app.screen, TicketDetailModal)
        assert f"问题记录 #{ticket_id}：已登记联系客户" in _notices(app)
        assert "电话联系客户：已告知技术部在处理" in _timeline(app)
        assert "first_contact" not in _open_deadlines(demo_database, ticket_id)

        _department_does_its_legs(demo_database, clock, ticket_id)
        await poll_changes(pilot)
        await settle(pilot)
        assert "返回客服" in _timeline(app)

        # s: the department's result is offered; told by SMS
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.query_one("#f-result", TextArea).text == "账号已重置，客户可以登录"
        form.query_one("#f-way").focus()
        await pilot.press("enter", "down", "enter")  # 电话 -> 短信
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert f"问题记录 #{ticket_id} 已解决，停止计时" in _notices(app)
        assert "已解决，短信告知客户：账号已重置，客户可以登录" in _timeline(app)
        assert "已解决" in _fields(app) and "处理结果" in _fields(app)
        assert _open_deadlines(demo_database, ticket_id) == []  # the desk stops counting it
        await poll_changes(pilot)
        desk = app.screen_stack[0]
        assert isinstance(desk, DeskScreen)
        work = desk.query_one("#work", WorkList)
        shown = [work.row_at(i) for i in range(work.count or 0)]
        assert work.count and ticket_id not in {r.subject_id for r in shown if r}

        # x asks, x closes
        await pilot.press("x")
        await settle(pilot)
        assert f"问题记录 #{ticket_id} 结案？再按一次 x 确认" in _notices(app)
        await pilot.press("x")
        await settle(pilot)
        assert "已结案" in _fields(app)

        # o: reopened with a reason, counted again
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LegFormModal)
        await pilot.press(*"客户说又登录不了")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "重开：客户说又登录不了" in _timeline(app)
        assert "处理中" in _fields(app)
        assert _open_deadlines(demo_database, ticket_id) == ["first_contact"]

        # n: a hostile note is shown as text, never run
        await pilot.press("n")
        await settle(pilot)
        await _save_form(pilot, "[bold]客户很急[/bold] 请回电")
        assert "内部备注：[bold]客户很急[/bold] 请回电" in _timeline(app)

    # back at the desk the agent's work list no longer shows the resolved-then-reopened
    # record's met countdowns: only its new first contact
    with UnitOfWork(demo_database) as uow:
        rows = uow.session.scalars(
            select(m.Deadline.kind).where(
                m.Deadline.subject_id == ticket_id,
                m.Deadline.subject_type == "ticket",
                m.Deadline.met_at.is_(None),
            )
        ).all()
    assert rows == ["first_contact"]


async def test_a_note_with_a_control_sequence_and_a_result_the_department_owes_are_refused(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _save_routed(demo_database, clock, "打印机不出纸")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        form.query_one("#f-note", TextArea).insert("看这里\x1b]0;owned\x07")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # the form stays, the reason beside the note
        assert "控制字符" in _plain(form.query_one("#err-note", Static).content)
        await pilot.press("escape")
        await settle(pilot)
        # s while the department holds the record: said plainly, nothing saved
        await pilot.press("s")
        await settle(pilot)
        await _save_form(pilot, "已经好了")
        assert isinstance(app.screen, LegFormModal)
        trouble = app.screen.query_one("#form-trouble", Static)
        assert "部门还没有返回这条记录" in _plain(trouble.content)
    with UnitOfWork(demo_database) as uow:
        assert "noted" not in [e[4] for e in uow.tickets.history(ticket_id)]
        assert uow.tickets.ticket_state(ticket_id).status == "with_department"


async def test_the_palette_and_help_find_the_records_moves_in_chinese(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _save_routed(demo_database, clock, "报表导不出来")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        for word, key in (("联系", "c"), ("解决", "s"), ("结案", "x"), ("重开", "o")):
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*word)
            await settle(pilot)
            options = app.screen.query_one("CommandList", OptionList)
            prompts = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            assert any(f"({key})" in prompt for prompt in prompts), (word, prompts)
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        await pilot.press("f1")  # help lists the detail's keys with what each does
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keymap = _plain(app.screen.query_one("#keymap", Static).content)
        for tip in ("登记一次与客户的联系", "已解决的问题记录结案", "重新处理（须写原因）"):
            assert tip in keymap, tip


async def test_a_department_member_is_offered_the_note_not_the_customers_moves(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _save_routed(demo_database, clock, "接口报错")
    app = make_app(make_settings(demo_database, agent="赵磊"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        detail = app.screen
        offered = {a: detail.check_action(a, ()) for a in ("contact_customer", "resolve", "note")}
        assert offered == {"contact_customer": False, "resolve": False, "note": True}
        await pilot.press("s")  # nothing opens for a key not offered
        await settle(pilot)
        assert app.screen is detail
        await pilot.press("n")
        await settle(pilot)
        await _save_form(pilot, "技术部已复现")
        assert "内部备注：技术部已复现" in _timeline(app)
        assert "交部门处理  技术部" in _timeline(app)  # the department by name, not its code


async def test_an_urgent_routed_record_is_reported_to_the_departments_supervisor(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 002:2.3.2 (上报部门主管): 赵磊 of 技术部 hears of it at his desk, not the CS lead."""
    app = make_app(make_settings(demo_database, agent="赵磊"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DepartmentScreen)
        before = len(app._notifications)
        agent = _actor(demo_database, "王芳")
        with UnitOfWork(demo_database) as uow:
            customer = uow.customers.customers()[0]
        words = "生产系统整体变慢"
        intake = CallIntake("question", "usage", "phone", "urgent", words, customer_id=customer.id)
        with UnitOfWork(demo_database) as uow:
            ticket_id = record_call(uow, agent, RecordCall(intake), clock.now()).ticket_id
        await poll_changes(pilot)
        await settle(pilot)
        arrived = [(n.title, str(n.message)) for n in list(app._notifications)[before:]]
        assert ("紧迫问题上报", customer.name) in arrived, arrived
    with UnitOfWork(demo_database) as uow:
        told = set(
            uow.session.scalars(
                select(m.Agent.name)
                .join(m.Notification, m.Notification.agent_id == m.Agent.id)
                .where(m.Notification.subject_id == ticket_id)
            )
        )
    assert told == {"赵磊"}


async def test_an_agents_s_on_a_complaint_says_at_once_the_lead_tells_its_result(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 002:2.4.1: the form opened, the agent typed the result, and only Ctrl+S said a
    lead must record it; now s says so and opens nothing. The lead still gets the form."""
    with UnitOfWork(demo_database) as uow:
        ticket_id = uow.session.scalars(
            select(m.Ticket.id).where(m.Ticket.kind == "complaint", m.Ticket.status == "open")
        ).first()
    assert ticket_id is not None
    refusal = "投诉的处理结果须由组长亲自告知客户，请交组长登记"
    for name, opens in (("王芳", False), ("张伟", True)):
        app = make_app(make_settings(demo_database, agent=name), clock, demo_database)
        async with app.run_test(size=(80, 24)) as pilot:
            await at_desk(pilot)
            app.push_screen(TicketDetailModal(ticket_id))
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, LegFormModal) is opens, name
            assert (refusal in _notices(app)) is not opens, name
