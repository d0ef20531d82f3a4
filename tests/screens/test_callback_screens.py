"""Callbacks as an agent and a lead use them on the demo desk: F4, Enter, the script's keys."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, OptionList, Static

from deskui.app import make_app
from deskui.cli import main
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.callbacks import CallbacksScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle

SH = ZoneInfo("Asia/Shanghai")


async def _queue(pilot: Any) -> WorkList:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CallbacksScreen)
    return pilot.app.screen.query_one("#callbacks-list", WorkList)


async def _go_to(pilot: Any, work_list: WorkList, customer: str) -> Any:
    for index in range(work_list.count or 0):
        row = work_list.row_at(index)
        if row is not None and row.customer_name == customer:
            await pilot.press(*["down"] * (index - work_list.cursor_index))
            await settle(pilot)
            return row
    raise AssertionError(f"{customer} not in the queue")


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_due_callback_called_through_its_script_unsatisfied_opens_follow_up(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen)
        assert "方便吗" in screen_text(app)  # the greeting asks if now is convenient
        await pilot.press("enter")  # 是 / 方便 (first answer)
        await settle(pilot)
        answer = screen.query_one("#answer", OptionList)
        assert answer.has_focus and answer.option_count == 3
        await pilot.press("down", "down", "enter")  # 不满意, feedback still empty
        await settle(pilot)
        assert str(screen.query_one("#err-feedback", Static).render()) == "必填"
        assert screen.answers["satisfaction"] == "unsatisfied"  # the pick is kept
        await _type(pilot, "服务太慢")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.flow is not None and screen.flow.current_id == "follow_up"
        screen.query_one("#issue", Input).value = "<b>[red]屏幕闪烁\x1b[31m"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.flow.current_id == "thanks"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        callback = uow.session.get_one(m.Callback, row.callback_id)
        assert (callback.status, callback.outcome, callback.done_by_id) == (
            "done",
            "unsatisfied",
            row.agent_id,
        )
        assert callback.answers["feedback"] == "服务太慢"
        ticket = uow.session.get_one(m.Ticket, callback.follow_up_ticket_id)
        assert ticket.owner_id == row.agent_id
        assert ticket.customer_words == "<b>[red]屏幕闪烁\x1b[31m"  # kept literally
        deadline = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket.id
            )
        ).one()
        assert deadline.owner_id == row.agent_id and deadline.met_at is None


async def test_the_required_mark_goes_once_the_field_is_typed(
    demo_database: Database, clock: FixedClock
) -> None:
    """Enter on 满意 with the feedback empty says 必填 and goes to the field; typing there
    takes the mark away (it stayed until the step was left)."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=(80, 24)) as pilot:
        work_list = await _queue(pilot)
        await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen)
        await pilot.press("enter", "enter")  # 是 / 方便, then 满意 with no feedback
        await settle(pilot)
        error = screen.query_one("#err-feedback", Static)
        assert str(error.render()) == "必填" and screen.query_one("#feedback").has_focus
        await _type(pilot, "很好")
        await pilot.pause()
        assert str(error.render()) == ""
        assert "必填" not in screen_text(app)


async def test_busy_customer_callback_moves_to_the_booked_time(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "enter")  # from 是 to 否 / 不方便
        await settle(pilot)
        assert screen.flow is not None and screen.flow.current_id == "book"
        assert screen.query_one("#booked_at", Input).has_focus
        await _type(pilot, "明天 25:00")
        await pilot.press("enter")
        await settle(pilot)
        assert "看不懂这个时间" in str(screen.query_one("#err-booked_at", Static).render())
        assert screen.query_one("#booked_at", Input).value == "明天 25:00"  # nothing lost
        await pilot.press(*["backspace"] * 5)
        await _type(pilot, "15:00")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    booked = datetime(2026, 11, 24, 15, 0, tzinfo=SH)
    with UnitOfWork(demo_database) as uow:
        detail = uow.callbacks.callback_detail(row.callback_id)
        assert (detail.status, detail.booked_at, detail.due_at) == ("booked", booked, booked)
        deadline = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == "callback",
                m.Deadline.subject_id == row.callback_id,
            )
        ).one()
        assert deadline.due_at == booked  # the countdown follows


async def test_callback_in_rest_time_is_moved_and_says_why(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "北京新元餐饮店")
        assert row.moved_reason == "contact_hours"
        text = screen_text(app)
        assert "已顺延：不在联系人方便的时间内" in text
        assert "15:00" in text


async def test_due_callbacks_make_the_header_stand_out_until_opened(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        due = app.screen.query_one("#callbacks-due", Static)
        assert due.has_class("-attention")
        assert "个今天到期的回访未查看" in str(due.render())
        await pilot.press("2")  # the shared queue
        await settle(pilot)
        assert "设备确认" in screen_text(app)


async def test_lead_sees_everyones_and_reassigns(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        await pilot.press("3")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            open_count = uow.session.scalar(
                select(func.count()).where(m.Callback.done_at.is_(None))
            )
        assert work_list.count == open_count
        row = work_list.cursor_row
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("down", "enter")  # the second agent: 李娜
        await settle(pilot)
        # l: the callback's history says the reassignment, old -> new by name (issue 16)
        index = next(
            i for i in range(work_list.count or 0)
            if (r := work_list.row_at(i)) is not None and r.callback_id == row.callback_id
        )  # fmt: skip
        work_list.move_cursor(index)
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        from deskui.screens.history import HistoryModal

        assert isinstance(app.screen, HistoryModal)
        text = screen_text(app)
        assert "回访变更记录" in text and "改派" in text
        assert f"负责专员: {row.agent_name} → 李娜" in text, text
    with UnitOfWork(demo_database) as uow:
        assert uow.session.get_one(m.Callback, row.callback_id).agent_id == 2


async def test_visit_request_then_approved_by_a_lead(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("v")
        await settle(pilot)
        await _type(pilot, "客户要求")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert str(modal.query_one("#err-visit-frequency", Static).render()) == "必填"
        assert str(modal.query_one("#err-visit-first_date", Static).render()) != ""
        assert modal.query_one("#visit-reason", Input).value == "客户要求"
        modal.query_one("#visit-frequency", Input).value = "每季度一次"
        modal.query_one("#visit-first_date", Input).value = "2026-12-01"
        modal.query_one("#visit-end_date", Input).value = "2026-11-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "完成时间不能早于" in str(modal.query_one("#err-visit-end_date", Static).render())
        modal.query_one("#visit-end_date", Input).value = "2027-06-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, type(modal))  # the letter's other statements: required
        assert str(modal.query_one("#err-visit-confirmation_form", Static).render()) == "必填"
        modal.query_one("#visit-confirmation_form", Input).value = "媒体机运行正常"
        modal.query_one("#visit-feedback_frequency", Input).value = "每次回访后"
        modal.query_one("#visit-feedback_times", Input).value = "回访当天下班前"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        assert uow.callbacks.visit_count() == 2

    lead = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with lead.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert work_list.count == 2
        pending = work_list.cursor_row
        assert pending.status == "pending"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+r")  # rejecting needs a note
        await settle(pilot)
        assert "驳回时请写明原因" in str(lead.screen.query_one("#err-visit-note", Static).render())
        await _type(pilot, "同意")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(lead.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        request = uow.session.get_one(m.VisitRequest, pending.id)
        assert (request.status, request.decision_note, request.decided_by_id) == (
            "approved",
            "同意",
            4,
        )


async def test_agent_cannot_approve_a_visit(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "只有主管或经理" in str(app.screen.query_one("#err-visit-note", Static).render())


async def test_coverage_shows_customers_without_a_callback_and_generates_them(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        await pilot.press("4")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            covered = set(uow.session.scalars(select(m.Callback.customer_id)))
            first = uow.session.scalars(
                select(m.Customer).where(m.Customer.id.not_in(covered)).order_by(m.Customer.id)
            ).first()
            name = first.name if first else ""
        assert work_list.count == 80 - len(covered)
        assert name and name in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        await settle(pilot)
        assert work_list.count == 0
        assert "本期所有客户都已安排回访" in screen_text(app)


def test_export_callbacks_has_every_recorded_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--now", "2026-11-23T09:00+08:00", "export", "callbacks"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    headers = rows[0]
    for name in (
        "agent", "created_at", "due_at", "booked_at", "moved_from", "moved_reason", "way",
        "done_at", "done_by", "answers", "outcome", "notes", "follow_up_ticket", "shared",
    ):  # fmt: skip
        assert name in headers, name
    moved = [
        dict(zip(headers, r, strict=True)) for r in rows[1:] if r[headers.index("moved_reason")]
    ]
    assert any(r["moved_reason"] == "contact_hours" for r in moved)


async def test_coverage_says_the_share_called_back_this_week_and_this_quarter(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 000:2.5.2.1: the figure beside the list of who is still to be called back."""
    from deskui.data.callback_store import coverage_spans
    from deskui.domain.calendar import BusinessCalendar

    spans = coverage_spans(clock.now(), BusinessCalendar())
    with UnitOfWork(demo_database) as uow:
        week = uow.callbacks.coverage_share(*spans["week"])
        quarter = uow.callbacks.coverage_share(*spans["quarter"])
    assert quarter.covered > 0  # the demo has calls made this quarter
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        assert "本周已回访" not in screen_text(app)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert f"本周已回访 {week.covered}/80 位客户（{week.percent}%）" in text
        assert f"本季度已回访 {quarter.covered}/80 位客户（{quarter.percent}%）" in text


async def test_special_occasions_are_named_in_the_queue_and_in_the_greeting(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 000:2.5.1.2: one customer's holiday and promotion callbacks can be told apart,
    and the script names the occasion instead of 值此佳节（纪念日）之际."""
    from datetime import date, timedelta

    from deskui.domain.calendar import BusinessCalendar

    with UnitOfWork(demo_database) as uow:
        agent = next(a.id for a in uow.agents.agents() if a.name == "王芳")
        lead = next(a.id for a in uow.agents.agents() if a.name == "张伟")
        customer = uow.session.scalars(select(m.Customer).order_by(m.Customer.id)).first()
        assert customer is not None
        name = customer.name
        promotion = uow.callbacks.add_promotion(
            "双十二广告位八折", date(2026, 12, 1), date(2026, 12, 12), lead, clock.now()
        )
        for occasion in ("holiday:2027-01-01:New Year's Day", f"promotion:{promotion}"):
            uow.callbacks.add_callback(
                customer.id,
                "special_occasion",
                clock.now(),
                clock.now(),
                BusinessCalendar(),
                agent_id=agent,
                due_at=clock.now() + timedelta(hours=1),
                occasion=occasion,
            )
        uow.commit()
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        rows = [work_list.row_at(i) for i in range(work_list.count or 0)]
        mine = [r for r in rows if r is not None and r.customer_name == name]
        assert {r.occasion.split(":")[0] for r in mine if r.occasion} == {"holiday", "promotion"}
        text = screen_text(app)
        assert "元旦 01-01" in text and "促销：双十二广告位八折" in text
        row = await _go_to(pilot, work_list, name)
        while row.occasion.split(":")[0] != "holiday":
            await pilot.press("down")
            await settle(pilot)
            row = work_list.row_at(work_list.cursor_index)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackCallScreen)
        text = screen_text(app)
        assert "值此元旦之际向您致以问候" in text and "佳节（纪念日）" not in text


async def test_a_visits_approval_note_and_feedback_can_be_seen_again(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 000:2.5.4: the request letter's approval and feedback are kept and shown: in the
    detail under the list, and in the dialog, which reopens with what was saved."""
    lead = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with lead.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert work_list.cursor_row.status == "pending"
        await pilot.press("enter")
        await settle(pilot)
        await _type(pilot, "同意注意避开午休")
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("enter")  # reopened: approved, its note in sight, feedback next
        await settle(pilot)
        text = screen_text(lead)
        assert "审批意见: 同意注意避开午休  (张伟 审批)" in text
        await _type(pilot, "设备运行正常客户满意")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(lead.screen, CallbacksScreen)
        detail = str(lead.screen.query_one("#callbacks-detail", Static).render())
        assert "审批意见: 同意注意避开午休" in detail
        assert "回访反馈: 设备运行正常客户满意" in detail
        assert "回访反馈: 设备运行正常客户满意" in screen_text(lead)  # not cut off
        await pilot.press("enter")
        await settle(pilot)
        assert lead.screen.query_one("#visit-note", Input).value == "设备运行正常客户满意"


async def test_a_booking_in_january_2027_is_said_doubtful_then_kept_on_enter_again(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 26: 2027-01-04 (42 days out, a year the calendar has no schedule for) was booked
    without a word; the form says why first, keeps the text, and books on Enter again."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "enter")  # 否 / 不方便: the customer gives a time
        await settle(pilot)
        await _type(pilot, "2027-01-04 10:00")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        said = str(screen.query_one("#err-booked_at", Static).render())
        assert "42 天之后" in said
        assert "2027 年的节假日安排" in said and "再按 Enter" in said
        assert screen.query_one("#booked_at", Input).value == "2027-01-04 10:00"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        detail = uow.callbacks.callback_detail(row.callback_id)
        assert detail.booked_at == datetime(2027, 1, 4, 10, 0, tzinfo=SH)


async def test_a_visit_requests_example_dates_are_the_desks_own_day(
    demo_database: Database,
) -> None:
    """Issue 26: the request's dates said 2026-12-01 whatever the desk's date (--now)."""
    from deskui.domain.clock import FixedClock as Clock

    clock = Clock(datetime(2027, 3, 10, 9, 0, tzinfo=SH))
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("2")  # by then the demo's callbacks are overdue: in the shared queue
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        modal = app.screen
        assert modal.query_one("#visit-first_date", Input).placeholder == "2027-03-11"
        assert modal.query_one("#visit-end_date", Input).placeholder == "2027-04-10"
        assert "2026-12-01" not in screen_text(app)


async def test_the_call_screen_shows_the_number_to_dial(
    demo_database: Database, clock: FixedClock
) -> None:
    """F4, Enter: the agent is about to make the call, and the screen says what to dial
    (the contact's number as the card writes numbers), found walking the desk: it named the
    contact and the convenient hours, but no number."""
    from deskui.domain.phone import display_number

    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackCallScreen)
        with UnitOfWork(demo_database) as uow:
            phone = uow.callbacks.callback_detail(row.callback_id).phone
        assert phone
        facts = str(app.screen.query_one("#call-customer", Static).render())
        assert f"拨打: {display_number(phone)}" in facts
        assert "+86" not in facts
