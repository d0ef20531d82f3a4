"""F5 handover, pressed like an agent: gather, add a return item, hand over; the incoming
agent sees it first and acknowledges; a late acknowledgement is flagged; print and orders."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from textual.widgets import Input, Select, Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.handover import HandoverScreen
from deskui.screens.orders import FormModal, OrdersScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle


def _agent_id(db: Database, name: str) -> int:
    with UnitOfWork(db) as uow:
        return next(a.id for a in uow.agents.agents() if a.name == name)


async def _type(pilot: Any, field: str, text: str) -> None:
    pilot.app.screen.query_one(f"#f-{field}", Input).focus()
    await pilot.press(*list(text))


async def _hand_over_as_li_na(pilot: Any) -> None:
    app = pilot.app
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(app.screen, HandoverScreen)
    # the form: bad input is named next to its field and nothing typed is lost
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(app.screen, FormModal)
    app.screen.query_one("#f-sheet", Select).value = "return"
    await _type(pilot, "customer", "买家小周")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, FormModal)
    assert "请填写事项" in str(app.screen.query_one("#err-title", Static).content)
    assert app.screen.query_one("#f-customer", Input).value == "买家小周"
    await _type(pilot, "title", "退货待协商")
    await _type(pilot, "next_step", "明早协商退换")
    await _type(pilot, "note", "[red]别用标记[/red]")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, HandoverScreen)
    text = screen_text(app)
    assert "退货待协商" in text and "退换货" in text
    # one action hands the shift over (to the first colleague: 王芳)
    await pilot.press("h")
    await settle(pilot)
    assert isinstance(app.screen, FormModal)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, HandoverScreen)
    assert app.screen.query_one("#handover-list", WorkList).count == 0


async def test_outgoing_gathers_adds_a_return_item_and_hands_over(
    demo_database: Database, clock: FixedClock
) -> None:
    li_na = _agent_id(demo_database, "李娜")
    with UnitOfWork(demo_database) as uow:
        open_work = uow.work.work_count(owner_id=li_na)
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
    wang = _agent_id(demo_database, "王芳")
    with UnitOfWork(demo_database) as uow:
        items = uow.session.scalars(
            select(m.HandoverItem).where(m.HandoverItem.from_agent_id == li_na)
        ).all()
        handed = [i for i in items if i.status == "handed_over" and i.to_agent_id == wang]
        assert len(handed) >= open_work // 2  # every open subject, once each
        assert any(i.sheet == "return" and i.customer_name == "买家小周" for i in handed)
        report = uow.handover.latest_handover_report(li_na)
    assert report is not None and report.to_name == "王芳"
    assert any(r.note == "[red]别用标记[/red]" for r in report.rows)


async def test_incoming_sees_the_handover_first_and_acknowledges_item_by_item(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
    wang = _agent_id(demo_database, "王芳")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.screen.view == "incoming"
        listed = app.screen.query_one("#handover-list", WorkList)
        before = listed.count
        assert before and before > 2
        await pilot.press("space")  # the first item
        await settle(pilot)
        assert listed.count == before - 1
        await pilot.press("A")  # and the rest at once
        await settle(pilot)
        assert listed.count == 0
    with UnitOfWork(demo_database) as uow:
        moved = [t for t in uow.tickets.tickets() if t.owner_name == "王芳"]
        events = [e for e in uow.tickets.history() if e[4] == "handed_over"]
        assert events and all(e[2] == "王芳" and e[5]["from"] == "李娜" for e in events)
        assert {e[0] for e in events} <= {t.id for t in moved}
        open_ack = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.kind == "handover_ack", m.Deadline.met_at.is_(None),
                m.Deadline.owner_id == wang,
                m.Deadline.starts_at > clock.now() - timedelta(minutes=1),
            )
        ).all()  # fmt: skip
        assert open_ack == []


async def test_unacknowledged_item_is_flagged_to_the_lead_after_the_set_time(
    demo_database: Database, clock: FixedClock
) -> None:
    # the demo's last shift handed two items to 王芳 twenty minutes ago; the site allows 30
    lead = _agent_id(demo_database, "张伟")
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "⚑超时" not in screen_text(app)
        app.check_handovers()
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            kinds = [n.kind for n in uow.notifications.unread_notifications(lead)]
        assert "handover_unacknowledged" not in kinds

        clock.advance(timedelta(minutes=11))
        app.check_handovers()
        await settle(pilot)
        app.screen.query_one("#handover-list", WorkList).reload()
        await settle(pilot)
        assert screen_text(app).count("⚑超时") == 2
    with UnitOfWork(demo_database) as uow:
        kinds = [n.kind for n in uow.notifications.unread_notifications(lead)]
    assert kinds.count("handover_unacknowledged") == 2


async def test_print_writes_pdf_and_xlsx_with_one_sheet_per_kind(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
        await pilot.press("p")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    folder = tmp_path / "data" / "reports"
    pdfs, books = sorted(folder.glob("*.pdf")), sorted(folder.glob("*.xlsx"))
    assert len(pdfs) == 1 and len(books) == 1
    assert any(str(folder) in message for message in messages)
    assert pdfs[0].read_bytes()[:5] == b"%PDF-"
    book = load_workbook(books[0])
    assert book.sheetnames == ["未完结", "打款", "责任承担", "快递责任", "维修", "退换货"]
    returns = book["退换货"]
    assert [c.value for c in returns[2]] == ["客户", "事项", "状态", "期限", "负责人", "备注"]
    assert returns[3][0].value == "买家小周" and returns[3][1].value == "退货待协商"


async def test_orders_return_flow_offers_only_negotiation_first(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        text = screen_text(app)
        assert "T20261101" in text and "T20261103" not in text  # the morning list
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        step = app.screen.query_one("#f-step", Select)
        assert [value for _, value in step._options] == ["negotiate"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请写明协商结果" in str(app.screen.query_one("#err-agreed", Static).content)
        await _type(pilot, "agreed", "同意换货")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        await pilot.press("tab")  # the chase list: China Post is not on it
        await settle(pilot)
        text = screen_text(app)
        assert "ZT7781234501" in text and "9890012345678" not in text


async def test_the_answer_a_parcel_customer_gets_is_held_to_the_rules_of_conduct(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 000:3.2.1.2: what the customer is told is checked, here the final answer on a
    chased parcel (seed 004 in-sales 4)."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("tab", "x")  # the chase list, its first parcel
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await _type(pilot, "answer", "不可能丢件")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        error = str(app.screen.query_one("#err-answer", Static).content)
        assert "给顾客的话里有不当措辞：不可能" in error
        app.screen.query_one("#f-answer", Input).value = "已为您联系快递加急派送"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)


async def test_an_items_history_says_who_handed_it_over_to_whom(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 16: `l` on an incoming item lists its changes, newest first: handed over by 李娜,
    接班人 — → 王芳, after it was gathered."""
    from deskui.screens.history import HistoryModal

    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen) and app.screen.view == "incoming"
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, HistoryModal)
        lines = screen_text(app).splitlines()
        handed = next(n for n, line in enumerate(lines) if "李娜  交班" in line)
        assert any("接班人: — → 王芳" in line for line in lines[handed : handed + 4])
        assert any("状态: 未交 → 待确认" in line for line in lines[handed : handed + 4])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)


async def test_the_hand_over_dialog_says_what_enter_does_on_its_pick_list(
    demo_database: Database, clock: FixedClock
) -> None:
    """交班给 has one pick list: its hint said "Enter 或 Ctrl+S 保存", and Enter opened the
    list of agents. The hint says so now; a typed form keeps its own."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        text = screen_text(app)
        assert "Enter 打开选项，Ctrl+S 保存，Esc 取消" in text and "Enter 或" not in text
        offered = " ".join(str(o[0]) for o in app.screen.query_one(Select)._options)
        assert "张伟" in offered and "赵磊" not in offered  # 技术部's 赵磊 keeps no desk
        await pilot.press("escape", "a")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        hint = app.screen.query_one(".hint", Static)  # below the fold at 80x24
        assert str(hint.content) == "Enter 或 Ctrl+S 保存，Esc 取消"
