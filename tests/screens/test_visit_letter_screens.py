"""Issue 26, driven by keys: a visit request states the whole letter (seed 000:2.5.4) with
Enter moving field to field; the example dates of the visit and promotion forms are the
desk's own; a customer's founding date (seed 000:2.5.1.2) is typed on its profile form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.profiles import CustomerFormModal, ProfilesScreen
from deskui.screens.promotion import PromotionModal
from deskui.screens.visit_request import VisitDecisionModal, VisitRequestModal
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


async def _type(pilot: Any, text: str) -> None:
    await pilot.press(*(ch if ch != " " else "space" for ch in text))


def _error(app: Any, name: str) -> str:
    return str(app.screen.query_one(f"#err-visit-{name}", Static).render())


async def test_a_visit_request_typed_with_enter_states_the_whole_letter(
    demo_database: Database, clock: FixedClock
) -> None:
    """Enter goes reason -> frequency -> first -> end -> confirmation form -> feedback
    frequency -> feedback times, and on the last submits; a date it cannot read is said with
    the desk's tomorrow as the example; the lead then reads every statement, markup as text."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = work_list.cursor_row
        assert row is not None
        customer = row.customer_name
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitRequestModal)
        for text in ("客户要求上门", "每月一次", "下周一", "2027-02-24", "[b]媒体机运行正常[/b]"):
            await _type(pilot, text)
            await pilot.press("enter")
        assert form.focused is form.query_one("#visit-feedback_frequency", Input)
        await _type(pilot, "每次回访后")
        await pilot.press("enter")
        await _type(pilot, "回访当天下班前")
        await pilot.press("enter")  # the last field's Enter submits: the date is refused
        await settle(pilot)
        assert app.screen is form
        assert _error(app, "first_date") == "请写成 2026-11-24 这样的日期"  # the desk's tomorrow
        assert form.focused is form.query_one("#visit-first_date", Input)
        assert "2026-12-01" not in screen_text(app)
        await pilot.press(*["backspace"] * 3)
        await _type(pilot, "2026-11-24")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        request = uow.session.scalars(
            select(m.VisitRequest).order_by(m.VisitRequest.id.desc())
        ).first()
        assert request is not None
        assert (request.reason, request.frequency) == ("客户要求上门", "每月一次")
        assert (request.first_date, request.end_date) == (date(2026, 11, 24), date(2027, 2, 24))
        assert request.confirmation_form == "[b]媒体机运行正常[/b]"
        assert (request.feedback_frequency, request.feedback_times) == (
            "每次回访后",
            "回访当天下班前",
        )

    lead = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with lead.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        await pilot.press("5")
        await settle(pilot)
        row = work_list.cursor_row
        assert row is not None and row.customer_name == customer  # the first visit soonest
        detail = str(lead.screen.query_one("#callbacks-detail", Static).render())
        assert "回访确认表内容: [b]媒体机运行正常[/b]" in detail
        assert "信息反馈频率: 每次回访后  信息反馈时间: 回访当天下班前" in detail
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(lead.screen, VisitDecisionModal)
        summary = str(lead.screen.query_one("#visit-summary", Static).render())
        for line in (
            "回访确认表内容: [b]媒体机运行正常[/b]",
            "信息反馈频率: 每次回访后",
            "信息反馈时间: 回访当天下班前",
            "第一次回访: 2026-11-24",
        ):
            assert line in summary


async def test_a_visit_requests_statements_left_blank_are_each_said_beside_their_field(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitRequestModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        for name in ("reason", "frequency", "confirmation_form", "feedback_times"):
            assert _error(app, name) == "Required", name
        assert _error(app, "end_date") == "Write a date like 2026-11-24"
        assert form.focused is form.query_one("#visit-reason", Input)
        placeholders = [
            form.query_one(f"#visit-{name}", Input).placeholder
            for name in ("confirmation_form", "feedback_frequency", "feedback_times")
        ]
        assert all(placeholders) and not any("{" in p for p in placeholders)


async def test_the_promotion_forms_example_dates_are_the_desks_own_day(
    demo_database: Database,
) -> None:
    """Issue 26: the promotion form showed 2026-12-01 whatever the desk's date (--now)."""
    clock = FixedClock(datetime(2027, 3, 10, 9, 0, tzinfo=SH))
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _queue(pilot)
        await pilot.press("6", "p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PromotionModal)
        assert form.query_one("#promotion-starts_on", Input).placeholder == "2027-03-11"
        assert form.query_one("#promotion-ends_on", Input).placeholder == "2027-03-18"
        await _type(pilot, "春季促销")
        await pilot.press("enter")
        await _type(pilot, "3月15日")
        await pilot.press("enter")
        await _type(pilot, "2027-03-31")
        await pilot.press("enter")  # the last field's Enter saves: the first day is refused
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#err-promotion-starts_on", Static).render())
        assert error == "请写成 2027-03-11 这样的日期"
        assert "2026-12-01" not in screen_text(app)


async def test_a_customers_founding_date_is_typed_on_its_profile_form(
    demo_database: Database, clock: FixedClock
) -> None:
    """Seed 000:2.5.1.2: the founding date is edited where the profile is; one after the
    desk's today is refused beside the field with what was typed kept."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ProfilesScreen())
        await settle(pilot)
        customer = app.screen.query_one("#customers", WorkList).cursor_row
        assert customer is not None
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomerFormModal)
        assert "公司成立日期（年-月-日）" in screen_text(app)
        form.query_one("#f-founded_on", Input).focus()
        await _type(pilot, "2026-11-24")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        said = str(form.query_one("#err-founded_on", Static).render())
        assert said == "成立日期不能晚于今天（2026-11-23）"
        assert form.query_one("#f-founded_on", Input).value == "2026-11-24"
        await pilot.press(*["backspace"] * 10)
        await _type(pilot, "2010-12-03")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert "公司成立日期：2010-12-03" in screen_text(app)  # the detail pane says it
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#f-founded_on", Input).value == "2010-12-03"
    with UnitOfWork(demo_database) as uow:
        saved = uow.session.get_one(m.Customer, customer.id)
        assert saved.founded_on == date(2010, 12, 3)
