"""The rest of issue 6 driven with keys on the demo desk: the sales head's confirmation before
the script, the desk's notice of due callbacks, the tick moving overdue ones to the shared
queue, survey forms in the team view, promotions, the customer's confirmation flag."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from textual.message import Message
from textual.widgets import Input, OptionList, Select

from deskui.app import CALLBACK_SWEEP_TICKS, DeskApp, make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.desk import DeskScreen
from deskui.screens.promotion import PromotionModal
from deskui.screens.survey_form import SurveyReceivedModal
from deskui.screens.team import TeamScreen
from deskui.widgets.banner import Banner
from deskui.widgets.work_list import WorkList
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle

SH = ZoneInfo("Asia/Shanghai")
FLAGGED = "南京恒通电子有限公司"  # the demo customer whose sales head confirms first


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def _queue(pilot: Any) -> WorkList:
    await at_desk(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CallbacksScreen)
    return pilot.app.screen.query_one("#callbacks-list", WorkList)


async def _open(pilot: Any, work_list: WorkList, customer: str) -> Any:
    for index in range(work_list.count or 0):
        row = work_list.row_at(index)
        if row is not None and row.customer_name == customer:
            await pilot.press(*["down"] * (index - work_list.cursor_index))
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            return row
    raise AssertionError(f"{customer} not in the queue")


# -- the sales head's confirmation -------------------------------------------------------------


async def test_the_script_waits_for_the_sales_head_then_starts(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        assert "⚑待销售确认" in screen_text(app)  # the queue marks it in words
        row = await _open(pilot, work_list, FLAGGED)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen)
        assert screen.confirming
        assert not screen.query_one("#call-script").display
        assert "回访前确认：销售负责人" in screen_text(app)
        assert screen.query_one("#sales_head", Input).has_focus
        await pilot.press("ctrl+n")  # the script's keys do nothing yet
        await pilot.press("ctrl+s")  # nothing filled in
        await settle(pilot)
        assert "必填" in screen_text(app) and "请选择负责人的答复" in screen_text(app)
        assert screen.confirming
        await _type(pilot, "营销中心 赵磊")
        await pilot.press("enter")  # on to the answer
        await settle(pilot)
        assert screen.query_one("#sales_answer", OptionList).has_focus
        await pilot.press("enter")  # 同意回访
        await settle(pilot)
        assert screen.query_one("#sales_note", Input).has_focus
        await _type(pilot, "可以，顺便提年底活动")
        await pilot.press("enter")  # yes: Enter on the note saves
        await settle(pilot)
        assert not screen.confirming
        assert screen.query_one("#call-script").display
        assert "方便吗" in screen_text(app)  # the script's greeting
        assert "✓ 销售负责人已同意回访" in screen_text(app)
    with UnitOfWork(demo_database) as uow:
        callback = uow.session.get_one(m.Callback, row.callback_id)
        assert callback.sales_confirmed is True
        assert callback.sales_head == "营销中心 赵磊"
        assert callback.sales_confirmed_at == FIXED_NOW
        assert callback.sales_confirmed_by_id == 1  # 王芳
        actions = [e[1] for e in uow.callbacks.callback_events(row.callback_id)]
        assert actions.count("opened") == 1 and actions[-1] == "sales_confirmed"


async def test_the_sales_head_says_not_now_and_the_call_is_postponed(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _open(pilot, work_list, FLAGGED)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen)
        await _type(pilot, "赵磊")
        await pilot.press("enter", "down", "enter")  # 暂不回访
        await settle(pilot)
        assert screen.query_one("#box-postpone_to").display
        await pilot.press("ctrl+s")  # the reason and the time are required
        await settle(pilot)
        assert "暂不回访时请写明原因" in screen_text(app)
        await _type(pilot, "客户在谈续约")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#postpone_to", Input).has_focus
        await _type(pilot, "明天 10:00")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        assert "⚑销售暂缓" in screen_text(app)
    tomorrow = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    with UnitOfWork(demo_database) as uow:
        detail = uow.callbacks.callback_detail(row.callback_id)
        assert detail.confirmation == "declined"
        assert (detail.due_at, detail.moved_reason) == (tomorrow, "sales_declined")
        assert detail.sales_note == "客户在谈续约"


# -- the desk says when callbacks fell due ---------------------------------------------------


async def test_the_desk_says_callbacks_fell_due_until_the_queue_is_opened(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        with UnitOfWork(demo_database) as uow:
            due = uow.callbacks.newly_due_count(1, FIXED_NOW)
        assert due >= 1
        notice = app.screen.query_one("#callbacks-notice", Banner)
        assert notice.display
        assert f"回访：{due} 条已到期，尚未查看 — 按 F4 打开回访队列" in screen_text(app)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert not notice.display
        assert "条已到期" not in screen_text(app)
        # a callback falls due later: the notice is back after the next sweep
        clock.advance(timedelta(hours=6, minutes=1))  # 15:01: more have fallen due
        app._ticks = CALLBACK_SWEEP_TICKS - 1
        app._tick()
        await settle(pilot)
        assert notice.display
        assert "条已到期" in screen_text(app)


async def test_the_tick_moves_overdue_personal_callbacks_to_the_shared_queue(
    demo_database: Database, clock: FixedClock
) -> None:
    seen: list[frozenset[str]] = []

    def hook(message: Message) -> None:
        if isinstance(message, DeskApp.ChangesSeen):
            seen.append(message.entities)

    with UnitOfWork(demo_database) as uow:
        overdue = uow.session.scalar(
            select(func.count()).where(
                m.Callback.done_at.is_(None),
                m.Callback.shared.is_(False),
                m.Callback.due_at <= FIXED_NOW - timedelta(minutes=30),
            )
        )
    assert overdue
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await at_desk(pilot)
        # the app's own interval ticks too: stay well away from the next multiple at first
        app._ticks = CALLBACK_SWEEP_TICKS
        app._tick()  # not before the minute is up
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            before = select(func.count()).where(m.CallbackEvent.action == "shared")
            assert uow.session.scalar(before) == 0
        app._ticks = 2 * CALLBACK_SWEEP_TICKS - 1
        app._tick()
        await settle(pilot)
        assert any({"callback", "deadline"} <= entities for entities in seen)
    with UnitOfWork(demo_database) as uow:
        shared = uow.session.scalar(select(func.count()).where(m.CallbackEvent.action == "shared"))
        assert shared == overdue  # each with its history entry
        still_personal = uow.session.scalar(
            select(func.count()).where(
                m.Callback.done_at.is_(None),
                m.Callback.shared.is_(False),
                m.Callback.due_at <= FIXED_NOW - timedelta(minutes=30),
            )
        )
        assert still_personal == 0


# -- survey forms in the team view -------------------------------------------------------------


async def test_a_lead_records_a_missing_survey_form_with_one_key(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        text = screen_text(app)
        assert "满意度调查表 2026 年第 4 季度：缺 3 份，10-10 截止（已逾期 43 天）" in text
        await pilot.press("2")
        await settle(pilot)
        surveys = app.screen.query_one("#team-surveys", WorkList)
        assert surveys.count == 3 and surveys.has_focus
        first = surveys.cursor_row
        assert first.customer_name in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SurveyReceivedModal)
        assert modal.query_one("#survey-received_at", Input).value == "2026-11-23 09:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请填写交表人" in screen_text(app)
        await _type(pilot, "营销中心 赵磊")
        await pilot.press("enter", "enter")  # on to the score
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # open it, 5 非常满意
        await settle(pilot)
        assert modal.query_one("#survey-score", Select).value == "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert surveys.count == 2
        assert "缺 2 份" in screen_text(app)
    with UnitOfWork(demo_database) as uow:
        form = uow.session.scalars(
            select(m.SurveyForm).where(m.SurveyForm.customer_id == first.customer_id)
        ).one()
        assert (form.year, form.quarter, form.score) == (2026, 4, 5)
        assert form.received_from == "营销中心 赵磊"
        assert form.received_by_id == 4  # 张伟


async def test_a_survey_form_without_a_score_saves_with_none(
    demo_database: Database, clock: FixedClock
) -> None:
    """The score is optional (a form handed in unscored): left on its prompt, the save
    records no score. It crashed the desk (the prompt's value read as a number), found by
    the key walk."""
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6", "2")
        await settle(pilot)
        first = app.screen.query_one("#team-surveys", WorkList).cursor_row
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SurveyReceivedModal)
        await _type(pilot, "营销中心 赵磊")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TeamScreen)
    with UnitOfWork(demo_database) as uow:
        form = uow.session.scalars(
            select(m.SurveyForm).where(m.SurveyForm.customer_id == first.customer_id)
        ).one()
        assert (form.score, form.received_from) == (None, "营销中心 赵磊")


async def test_an_agent_sees_missing_forms_but_does_not_record_them(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6", "2")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert "销售部门交来后由组长登记" in screen_text(app)


# -- promotions ------------------------------------------------------------------------------


async def test_a_lead_records_a_promotion_and_generation_calls_ahead_of_it(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert "年终感恩促销" in screen_text(app)  # the demo's promotion
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PromotionModal)
        await _type(pilot, "双十二")
        await pilot.press("enter")
        await _type(pilot, "2026-12-05")
        await pilot.press("enter")
        await _type(pilot, "2026-12-01")
        await pilot.press("enter")
        await settle(pilot)
        assert "结束日期不能早于开始日期" in screen_text(app)
        await pilot.press(*["backspace"] * 2)
        await _type(pilot, "12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        assert "双十二" in screen_text(app)
        await pilot.press("4", "g")
        await settle(pilot)
    with UnitOfWork(demo_database) as uow:
        promotion = uow.session.scalars(
            select(m.Promotion).where(m.Promotion.name == "双十二")
        ).one()
        customers = uow.session.scalar(select(func.count()).select_from(m.Customer))
        planned = uow.session.scalars(
            select(m.Callback).where(m.Callback.occasion == f"promotion:{promotion.id}")
        ).all()
        assert len(planned) == customers  # every customer, ahead of the first day
        # three days before the first day, then into each contact's convenient hours
        assert {c.due_at.astimezone(SH).date() for c in planned} == {date(2026, 12, 2)}


# -- the customer's flag in the profile ------------------------------------------------------


async def test_the_confirmation_flag_is_set_in_the_customer_profile(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("enter")  # the first customer's form
        await settle(pilot)
        form = app.screen
        customer_id = form.detail.id  # type: ignore[attr-defined]
        flag = form.query_one("#f-needs_sales_confirmation", Select)
        assert flag.value == "no"
        flag.focus()
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert flag.value == "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "回访前须与销售负责人确认" in screen_text(app)
    with UnitOfWork(demo_database) as uow:
        assert uow.session.get_one(m.Customer, customer_id).needs_sales_confirmation
