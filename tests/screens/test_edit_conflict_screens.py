"""Many agents, one database (issue 16), pressed like an agent: another desk saves the callback
or the handover item behind the open form; this agent's save shows the conflict view with
both versions and who saved, never overwriting silently; Esc goes back to the form with what
was typed, and Ctrl+S in the view saves it knowingly. A take-over that lost the race says so
in one line and takes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from textual.widgets import Input

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.conflict import ConflictModal
from deskui.screens.handover import HandoverScreen
from deskui.screens.orders import FormModal
from deskui.widgets.guarded_text import GuardedArea, GuardedText
from deskui.widgets.work_list import WorkList
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_callback_screens import _go_to, _queue, _type

SH = ZoneInfo("Asia/Shanghai")
THEIRS = "李娜已约客户明天下午"
MINE = "王芳记下客户要先看报价"
SAVED_AT = FIXED_NOW + timedelta(minutes=2)


def _agent_id(db: Database, name: str) -> int:
    with UnitOfWork(db) as uow:
        return next(a.id for a in uow.agents.agents() if a.name == name)


async def test_a_callback_booked_by_another_desk_shows_both_and_keeps_the_typing(
    demo_database: Database, clock: FixedClock
) -> None:
    lina = _agent_id(demo_database, "李娜")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        work_list = await _queue(pilot)
        row = await _go_to(pilot, work_list, "广州星辰科技有限公司")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbackCallScreen) and screen.detail is not None
        with UnitOfWork(demo_database) as uow:  # 李娜's desk books it first
            booked = datetime(2026, 11, 24, 15, 0, tzinfo=SH)
            uow.callbacks.book_callback(
                row.callback_id, lina, booked, SAVED_AT, {}, THEIRS,
                expected_version=screen.detail.version,
            )  # fmt: skip
            uow.commit()
        await pilot.press("down", "enter")  # 不方便: the customer gives a time
        await settle(pilot)
        await _type(pilot, "15:00")
        screen.query_one("#notes GuardedArea", GuardedArea).focus()
        await pilot.press(*MINE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "李娜 于 2026-11-23 09:02 保存了这条记录" in text
        assert THEIRS in text and MINE in text
        assert "数据库" not in text  # a conflict is not a database fault
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen  # back at the call, everything typed still there
        assert screen.query_one("#notes", GuardedText).text == MINE
        assert screen.query_one("#booked_at", Input).value == "15:00"
        assert "另一位同事已先保存了这条回访" in screen_text(app)
        with UnitOfWork(demo_database) as uow:
            assert uow.session.get_one(m.Callback, row.callback_id).notes == THEIRS
            assert uow.drafts.load_draft(app.agent.id, "callback_call", str(row.callback_id))
        await pilot.press("ctrl+s")  # again: the conflict view again, Ctrl+S there saves mine
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        callback = uow.session.get_one(m.Callback, row.callback_id)
        assert (callback.notes, callback.updated_by_id) == (MINE, row.agent_id)


async def _outgoing(pilot: Any) -> tuple[HandoverScreen, Any]:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HandoverScreen)
    row = screen.query_one("#handover-list", WorkList).cursor_row
    assert row is not None
    return screen, row


async def test_a_handover_item_edited_by_another_desk_shows_both_and_keeps_the_typing(
    demo_database: Database, clock: FixedClock
) -> None:
    lina = _agent_id(demo_database, "李娜")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen, row = await _outgoing(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        with UnitOfWork(demo_database) as uow:  # 李娜 adds the next step first
            uow.handover.update_handover_item(
                row.item_id, "已电话联系", THEIRS, "", SAVED_AT, lina, row.version
            )
            uow.commit()
        next_step = form.query_one("#f-next_step", Input)
        next_step.focus()  # the step saved before stays on focus (issue 26): cleared first
        await pilot.press("ctrl+u", *MINE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "李娜 于 2026-11-23 09:02 保存了这条记录" in text
        assert THEIRS in text and MINE in text and "已电话联系" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form  # the dialog, as typed, with a line saying why
        assert next_step.value == MINE
        assert "另一位同事已先保存了这条记录" in screen_text(app)
        with UnitOfWork(demo_database) as uow:
            assert uow.session.get_one(m.HandoverItem, row.item_id).next_step == THEIRS
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("ctrl+s")  # mine over theirs, knowingly
        await settle(pilot)
        assert app.screen is screen
    with UnitOfWork(demo_database) as uow:
        item = uow.session.get_one(m.HandoverItem, row.item_id)
        assert (item.next_step, item.done_so_far) == (MINE, row.done_so_far)


async def test_a_take_over_of_an_item_changed_meanwhile_says_so_and_takes_nothing(
    demo_database: Database, clock: FixedClock
) -> None:
    lina, wang = _agent_id(demo_database, "李娜"), _agent_id(demo_database, "王芳")
    with UnitOfWork(demo_database) as uow:  # 李娜 handed her shift to 王芳
        uow.handover.gather_handover(lina, FIXED_NOW, False, SH)
        uow.handover.hand_over(lina, wang, FIXED_NOW)
        uow.commit()
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen) and screen.view == "incoming"
        listed = screen.query_one("#handover-list", WorkList)
        before, row = listed.count, listed.cursor_row
        assert before and row is not None
        with UnitOfWork(demo_database) as uow:  # 李娜 still adds a word to it
            uow.handover.update_handover_item(
                row.item_id, row.done_so_far, THEIRS, row.note, SAVED_AT, lina, row.version
            )
            uow.commit()
        await pilot.press("space")
        await settle(pilot)
        assert app.screen is screen and listed.count == before  # nothing taken
        assert any("李娜 于 2026-11-23 09:02 改动了这一项" in n.message for n in app._notifications)
        await pilot.press("space")  # the list reloaded: now as it is, and taken
        await settle(pilot)
        assert listed.count == before - 1
    with UnitOfWork(demo_database) as uow:
        item = uow.session.get_one(m.HandoverItem, row.item_id)
        assert (item.status, item.next_step) == ("acknowledged", THEIRS)


async def test_a_return_step_another_desk_recorded_first_is_shown_in_words(
    demo_database: Database, clock: FixedClock
) -> None:
    """The order dialogs share the handover's: a choice another desk made reads as its label
    (换货), never as its code, beside what this agent typed."""
    from deskui.screens.orders import OrdersScreen

    lina = _agent_id(demo_database, "李娜")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        orders = app.screen
        assert isinstance(orders, OrdersScreen)
        row = orders.query_one("#order-list", WorkList).cursor_row
        assert row is not None and row.return_steps == ()
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        with UnitOfWork(demo_database) as uow:  # 李娜 negotiated, then agreed an exchange
            uow.handover.record_return_step(
                row.order_id, "negotiate", "客户同意", lina, SAVED_AT, row.version
            )
            version = uow.session.get_one(m.Order, row.order_id).version
            uow.handover.record_return_step(
                row.order_id, "exchange", THEIRS, lina, SAVED_AT, version
            )
            uow.commit()
        agreed = form.query_one("#f-agreed", Input)
        agreed.focus()
        await pilot.press(*MINE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "李娜 于 2026-11-23 09:02 保存了这条记录" in text
        assert THEIRS in text and MINE in text
        assert "换货" in text and "协商" in text and "exchange" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and agreed.value == MINE
    with UnitOfWork(demo_database) as uow:
        steps = [e for e in uow.handover.order_history(row.order_id) if e[2] == "return_step"]
    assert [e[3]["step"] for e in steps] == ["negotiate", "exchange"]  # mine not written
