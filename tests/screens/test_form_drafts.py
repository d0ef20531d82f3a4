"""Drafts make typing crash-proof (DESIGN.md 5), pressed like an agent on the demo desk: what
is typed into a form comes back, with a notice, in a new app on the same database after the
first one went away unsaved; a successful save leaves no draft row; cancel drops it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from deskui.app import DeskApp, make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.draft_store import DraftStore
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.complaint import ComplaintListScreen, ComplaintScreen
from deskui.screens.correspondence import CorrespondenceScreen
from deskui.screens.department import DepartmentScreen, LegFormModal
from deskui.screens.desk import DeskScreen
from deskui.screens.drafts import DRAFT_DELAY
from deskui.screens.handover import HandoverItemModal, HandoverScreen
from deskui.screens.reception import ReceptionScreen
from deskui.screens.reply_composer import ReplyComposerScreen
from deskui.screens.visit_request import VisitRequestModal
from deskui.widgets.banner import Banner
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle

RESTORED = "已恢复上次未保存的内容"
ANGRY = "你们的网络从早上断到现在"
LETTER = "来信：业务员答应的广告位"


def _ticket(db: Database, words: str) -> int:
    with UnitOfWork(db) as uow:
        return uow.session.scalars(
            select(m.Ticket.id).where(m.Ticket.customer_words.startswith(words))
        ).one()


def _agent_id(db: Database, name: str) -> int:
    with UnitOfWork(db) as uow:
        return next(a.id for a in uow.agents.agents() if a.name == name)


def _draft(db: Database, agent: str, form: str, key: object = "") -> dict[str, object] | None:
    with UnitOfWork(db) as uow:
        return uow.drafts.load_draft(_agent_id(db, agent), form, str(key))


def _draft_rows(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return len(uow.session.scalars(select(m.Draft)).all())


def _notices(app: DeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _desk(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for _ in range(3):  # the incoming handover may be offered first
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, DeskScreen), pilot.app.screen_stack


async def _pause_past_debounce(pilot: Pilot[Any]) -> None:
    await pilot.pause(DRAFT_DELAY + 0.2)
    await settle(pilot)


# -- reception: the forms in a dialog ---------------------------------------------------------


async def _phone_message_form(pilot: Pilot[Any]) -> LegFormModal:
    await _desk(pilot)
    await pilot.press("f8", "5")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, LegFormModal)
    return form


async def test_a_phone_message_typed_comes_back_after_the_app_went_away(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database, agent="李娜")
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        form = await _phone_message_form(pilot)
        await pilot.press("tab", *"周总", "tab", *"13800138000", "tab", *"请回电")
        await _pause_past_debounce(pilot)
        assert form.values()["message"] == "请回电"
        assert RESTORED not in _notices(app)  # nothing was restored in this one
    # the app is gone without saving, as if the machine died; a new one starts
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        form = await _phone_message_form(pilot)
        assert form.values()["from_name"] == "周总"
        assert form.values()["from_number"] == "13800138000"
        assert form.values()["message"] == "请回电"
        assert RESTORED in _notices(again)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, ReceptionScreen)
        assert "请回电" in screen_text(again)
    assert _draft(demo_database, "李娜", "reception_message") is None


async def test_opening_a_form_leaves_no_draft_and_esc_keeps_what_was_typed(
    demo_database: Database, clock: FixedClock
) -> None:
    """The dialog's hint promises "Esc 取消（已填写的内容不会丢失）": Esc closes it, the typing
    comes back when the same form opens again."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _desk(pilot)
        await pilot.press("f8", "4", "a")  # a contractor pass: "issued by" is filled in
        await _pause_past_debounce(pilot)
        assert isinstance(app.screen, LegFormModal)
        assert _draft_rows(demo_database) == 0
        await pilot.press("escape")  # opened and closed: nothing to keep
        await settle(pilot)
        assert _draft_rows(demo_database) == 0
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"中建三局", "escape")  # Esc within the half second
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        saved = _draft(demo_database, "李娜", "reception_pass")
        assert saved is not None and saved["f-company"] == "中建三局"
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal) and form.values()["company"] == "中建三局"
        assert RESTORED in _notices(app)


async def test_a_register_entry_saved_leaves_no_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _desk(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondenceScreen)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", *"合同", "tab", *"鑫源建筑")
        await _pause_past_debounce(pilot)
        saved = _draft(demo_database, "李娜", "correspondence")
        assert saved is not None and saved["f-party"] == "鑫源建筑"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondenceScreen)
    assert _draft_rows(demo_database) == 0


# -- complaints: the seven steps and the written reply ------------------------------------------


async def _complaint(pilot: Pilot[Any], db: Database, ticket_id: int) -> ComplaintScreen:
    await _desk(pilot)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComplaintListScreen)
    with UnitOfWork(db) as uow:
        rows = uow.complaints.complaint_rows(0, 500, owner_id=_agent_id(db, "王芳"))
    await pilot.press(*["down"] * [r.ticket_id for r in rows].index(ticket_id), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComplaintScreen) and screen.ticket_id == ticket_id
    return screen


async def test_a_complaint_step_typed_comes_back_over_the_case_and_goes_with_the_step(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    settings = make_settings(demo_database)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _complaint(pilot, demo_database, ticket_id)
        assert "▶ 1 平息情绪" in screen_text(app)
        assert _draft_rows(demo_database) == 0  # the case's own values are no draft
        screen.query_one("#note", GuardedText).focus()
        await pilot.press(*"客户很着急")
        await _pause_past_debounce(pilot)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        screen = await _complaint(pilot, demo_database, ticket_id)
        assert screen.query_one("#note", GuardedText).text == "客户很着急"
        assert screen.query_one("#customer_words", TextArea).text.startswith(ANGRY)  # the case
        assert screen.answers["note"] == "客户很着急"
        assert RESTORED in _notices(again)
        await pilot.press("ctrl+s")  # step 1 done: the draft goes with it
        await settle(pilot)
        assert "▶ 2 感谢" in screen_text(again)
        assert _draft(demo_database, "王芳", "complaint", ticket_id) is None
        # typed and left at once (Esc inside the half second): the last keys are kept
        screen.query_one("#note", GuardedText).focus()
        await pilot.press(*"谢谢", "escape")
        await settle(pilot)
        assert isinstance(again.screen, ComplaintListScreen)
        await again.workers.wait_for_complete()  # the app's worker writing the last keys
    kept = _draft(demo_database, "王芳", "complaint", ticket_id)
    assert kept is not None and kept["note"] == "客户很着急谢谢"  # typed after the note it showed


async def test_a_written_reply_typed_comes_back_and_saving_it_drops_the_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, LETTER)
    settings = make_settings(demo_database)

    async def composer(pilot: Pilot[Any]) -> ReplyComposerScreen:
        await _desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            rows = uow.complaints.complaint_rows(0, 500, owner_id=_agent_id(demo_database, "王芳"))
        await pilot.press(*["down"] * [r.ticket_id for r in rows].index(ticket_id), "w")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReplyComposerScreen)
        return screen

    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await composer(pilot)
        await pilot.press(*"业务员未及时提交优惠审批")  # the cause field has the focus
        await _pause_past_debounce(pilot)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        screen = await composer(pilot)
        assert screen.query_one("#cause", Input).value == "业务员未及时提交优惠审批"
        assert RESTORED in _notices(again)
        await pilot.press("ctrl+g", "ctrl+s")
        await settle(pilot)
        assert "已保存" in screen_text(again)
    assert _draft(demo_database, "王芳", "reply", ticket_id) is None
    with UnitOfWork(demo_database) as uow:
        assert uow.complaints.complaint(ticket_id).cause == "业务员未及时提交优惠审批"


async def test_trouble_writing_a_draft_keeps_the_typing_and_says_so(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    real = DraftStore.save_draft

    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("UPDATE draft", {}, Exception("database is locked"))

    monkeypatch.setattr(DraftStore, "save_draft", locked)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _complaint(pilot, demo_database, ticket_id)
        screen.query_one("#note", GuardedText).focus()
        await pilot.press(*"客户很着急")
        await _pause_past_debounce(pilot)
        banner = screen.query_one("#complaint-trouble", Banner)
        assert "草稿暂时没能保存" in banner.message and "数据库正被另一个程序占用" in banner.message
        assert "database is locked" not in banner.message  # the driver's words: in the log
        assert screen.query_one("#note", GuardedText).text == "客户很着急"
        assert app.is_running and _draft_rows(demo_database) == 0
        monkeypatch.setattr(DraftStore, "save_draft", real)  # the lock is gone
        await pilot.press("!")
        await _pause_past_debounce(pilot)
        assert banner.message == ""
        kept = _draft(demo_database, "王芳", "complaint", ticket_id)
        assert kept is not None and kept["note"] == "客户很着急!"


# -- the department desk: a leg's plan ---------------------------------------------------------


async def _plan_form(pilot: Pilot[Any]) -> LegFormModal:
    """F7, the first leg waiting for its plan, P."""
    await _desk(pilot)
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DepartmentScreen)
    queue = pilot.app.screen.query_one("#department-queue", WorkList)
    for _ in range(queue.count or 0):
        if queue.cursor_row is not None and queue.cursor_row.leg.stage == "plan":
            break
        await pilot.press("down")
        await settle(pilot)
    leg = queue.cursor_row.leg
    assert leg.stage == "plan"
    await pilot.press("p")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, LegFormModal)
    assert form.draft.key == str(leg.id)
    return form


async def test_a_legs_plan_typed_comes_back_and_recording_it_drops_the_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database, agent="陈静")  # CS records for the department
    plan_form = _plan_form

    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await plan_form(pilot)
        await pilot.press(*"2026-11-24 18:00", "tab", *"更换光纤接头", "tab", *"孙平")
        await _pause_past_debounce(pilot)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        form = await plan_form(pilot)
        assert form.values() == {
            "expected": "2026-11-24 18:00",
            "measures": "更换光纤接头",
            "by_name": "孙平",
        }
        assert RESTORED in _notices(again)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, DepartmentScreen)
    assert _draft_rows(demo_database) == 0


# -- callbacks: the visit request ----------------------------------------------------------------


async def test_a_visit_request_typed_comes_back_and_sending_it_drops_the_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database)

    async def request_form(pilot: Pilot[Any]) -> VisitRequestModal:
        await _desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CallbacksScreen)
        await pilot.press("v")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, VisitRequestModal)
        return form

    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await request_form(pilot)
        await pilot.press(*"客户要求", "tab", *"每季度一次", "tab", *"2026-12-01")
        await _pause_past_debounce(pilot)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        form = await request_form(pilot)
        assert form.query_one("#visit-reason", Input).value == "客户要求"
        assert form.query_one("#visit-frequency", Input).value == "每季度一次"
        assert form.query_one("#visit-first_date", Input).value == "2026-12-01"
        assert RESTORED in _notices(again)
        form.query_one("#visit-end_date", Input).focus()
        await pilot.press(*"2027-06-30", "enter", *"媒体机运行正常", "enter", *"每次回访后")
        await pilot.press("enter", *"回访当天下班前", "ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, CallbacksScreen)
    assert _draft_rows(demo_database) == 0


# -- the handover: a hand-entered item -----------------------------------------------------------


async def test_a_handover_item_typed_comes_back_and_adding_it_drops_the_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database, agent="李娜")

    async def item_form(pilot: Pilot[Any]) -> HandoverItemModal:
        await _desk(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HandoverScreen)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, HandoverItemModal)
        return form

    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        form = await item_form(pilot)
        form.query_one("#f-sheet", Select).value = "return"
        form.query_one("#f-customer", Input).focus()
        await pilot.press(*"买家小周", "tab", *"退货待协商")
        await _pause_past_debounce(pilot)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        form = await item_form(pilot)
        assert form.values()["sheet"] == "return"
        assert form.values()["customer"] == "买家小周"
        assert form.values()["title"] == "退货待协商"
        assert RESTORED in _notices(again)
        form.query_one("#f-next_step", Input).focus()
        await pilot.press(*"明早协商退换", "ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, HandoverScreen)
        assert "退货待协商" in screen_text(again)
    assert _draft_rows(demo_database) == 0


def test_the_draft_notice_is_in_both_catalogs() -> None:
    from deskui.i18n import catalog

    for key in ("drafts.restored", "drafts.trouble"):
        assert key in catalog("zh-CN") and key in catalog("en")
    assert t("drafts.restored") == RESTORED


# -- callbacks: the call through its script ------------------------------------------------------


async def test_a_callback_call_half_done_comes_back_at_its_step_and_saving_drops_the_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database)

    async def call(pilot: Pilot[Any]) -> CallbackCallScreen:
        await _desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        queue = pilot.app.screen.query_one("#callbacks-list", WorkList)
        names = [queue.row_at(i).customer_name for i in range(queue.count or 0)]
        await pilot.press(*["down"] * names.index("广州星辰科技有限公司"), "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CallbackCallScreen)
        return screen

    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call(pilot)
        await pilot.press("enter", "down", "down", "enter")  # convenient; unsatisfied
        await settle(pilot)
        await pilot.press(*"服务太慢")  # the feedback the unsatisfied answer asks for
        screen.query_one("#notes", GuardedText).focus()
        await pilot.press(*"客户下午开会")
        await _pause_past_debounce(pilot)
        assert screen.flow is not None and screen.flow.current_id != screen.flow.script.start
        step = screen.flow.current_id
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        screen = await call(pilot)
        assert RESTORED in _notices(again)
        assert screen.flow is not None and screen.flow.current_id == step
        assert screen.answers["satisfaction"] == "unsatisfied"
        assert screen.query_one("#feedback", Input).value == "服务太慢"
        assert screen.query_one("#notes", GuardedText).text == "客户下午开会"
        await pilot.press("enter")  # on to the follow-up ticket's words
        await settle(pilot)
        assert screen.flow.current_id == "follow_up"
        await pilot.press(*"屏幕闪烁", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, CallbacksScreen)
    assert _draft_rows(demo_database) == 0


async def test_typing_before_the_draft_comes_back_is_kept_with_that_draft(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy host: the agent types into the form the moment it opens and leaves with Esc
    before the stored draft has come back. Both are kept: the field they typed in, and
    the stored draft's other fields."""
    import threading

    from deskui.screens import drafts

    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _plan_form(pilot)
        await pilot.press("tab", *"更换光纤接头", "escape")  # the stored draft: the measures
        await settle(pilot)
        gate = threading.Event()
        load = drafts.load_draft

        def slow_load(*args: Any) -> Any:
            gate.wait(10)
            return load(*args)

        monkeypatch.setattr(drafts, "load_draft", slow_load)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, LegFormModal)
        await pilot.press(*"3天", "escape")  # the expected time, typed before the draft is back
        await pilot.pause()
        assert isinstance(app.screen, DepartmentScreen)
        gate.set()
        await settle(pilot)
        monkeypatch.setattr(drafts, "load_draft", load)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.values()["expected"] == "3天"
        assert form.values()["measures"] == "更换光纤接头"


async def test_esc_on_a_legs_plan_keeps_the_measures_as_its_hint_promises(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        form = await _plan_form(pilot)
        assert "已填写的内容不会丢失" in screen_text(app)
        await pilot.press("tab", *"更换光纤接头", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DepartmentScreen)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.values()["measures"] == "更换光纤接头"
