"""The handover and order store on SQLite and PostgreSQL (seed 004)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.handover_store import HandoverError, NewHandoverItem
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import DeadlineKind, HandoverSheet
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
END = FIXED_NOW.replace(hour=17, minute=50)


def _ticket(db: Database, desk: Desk, owner: int) -> int:
    with UnitOfWork(db) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer, contact_id=None, kind="question",
                category="usage", channel="phone", severity="normal",
                customer_words="打印机无法连接", expectation="", unit_number="",
                caller_phone="",
            ),
            owner,
            FIXED_NOW,
        )  # fmt: skip
        uow.commit()
    return ticket_id


def _handed_over(db: Database, desk: Desk) -> tuple[int, int]:
    ticket_id = _ticket(db, desk, desk.agent)
    with UnitOfWork(db) as uow:
        assert uow.handover.gather_handover(desk.agent, END) == 1
        assert uow.handover.gather_handover(desk.agent, END) == 0  # once per subject
        item_id = uow.handover.add_handover_item(
            NewHandoverItem(
                sheet=HandoverSheet.RETURN, title="退货待协商", customer_name="买家小周",
                done_so_far="已联系", next_step="明早协商", note="客户着急",
                due_at=END + timedelta(hours=16),
            ),
            desk.agent,
            END,
        )  # fmt: skip
        handed = uow.handover.hand_over(desk.agent, desk.lead, END)
        uow.commit()
    assert handed.items == 2
    return ticket_id, item_id


def test_hand_over_and_acknowledge_moves_ownership_with_history(
    database: Database, desk: Desk
) -> None:
    ticket_id, item_id = _handed_over(database, desk)
    with UnitOfWork(database) as uow:
        due_before = uow.session.scalars(
            select(m.Deadline.due_at).where(
                m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket_id
            )
        ).one()
        incoming = uow.handover.handover_rows("incoming", desk.lead, 0, 10)
        assert {r.title for r in incoming} == {"打印机无法连接", "退货待协商"}
        assert uow.handover.handover_count("outgoing", desk.agent) == 0
        taken = uow.handover.acknowledge([r.item_id for r in incoming], desk.lead, END)
        uow.commit()
    assert taken == 2
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert ticket.owner_id == desk.lead
        events = [(e[4], e[5]) for e in uow.tickets.history() if e[0] == ticket_id]
        assert (
            "handed_over",
            {
                "from": "王芳",
                "to": "张伟",
                "handover_item": events and events[-1][1]["handover_item"],
            },
        ) in events
        deadline = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket_id
            )
        ).one()
        assert deadline.owner_id == desk.lead and deadline.due_at == due_before
        follow = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == "handover_item",
                m.Deadline.subject_id == item_id,
                m.Deadline.kind == DeadlineKind.HANDOVER_FOLLOW_UP,
            )
        ).one()
        assert follow.owner_id == desk.lead and follow.met_at is None
        assert uow.handover.handover_count("incoming", desk.lead) == 0


def test_report_is_frozen_at_hand_over(database: Database, desk: Desk) -> None:
    _, item_id = _handed_over(database, desk)
    with UnitOfWork(database) as uow:
        uow.handover.update_handover_item(item_id, "改过", "改过", "改过", END)
        uow.commit()
    with UnitOfWork(database) as uow:
        report = uow.handover.latest_handover_report(desk.lead)
    assert report is not None and report.from_name == "王芳" and report.to_name == "张伟"
    row = next(r for r in report.rows if r.sheet == "return")
    assert (row.customer, row.item, row.note, row.owner) == (
        "买家小周",
        "退货待协商",
        "客户着急",
        "张伟",
    )


def test_unacknowledged_item_is_flagged_to_the_lead_once(database: Database, desk: Desk) -> None:
    _ticket(database, desk, desk.agent)
    with UnitOfWork(database) as uow:
        uow.handover.gather_handover(desk.agent, END)
        uow.handover.hand_over(desk.agent, desk.colleague, END)
        assert uow.handover.flag_unacknowledged(END + timedelta(minutes=29)) == 0
        assert uow.handover.flag_unacknowledged(END + timedelta(minutes=30)) == 1
        assert uow.handover.flag_unacknowledged(END + timedelta(minutes=31)) == 0
        uow.commit()
        notices = uow.notifications.unread_notifications(desk.lead)
    assert [n.kind for n in notices] == ["handover_unacknowledged"]


def test_items_leave_only_done_reassigned_with_note_or_acknowledged(
    database: Database, desk: Desk
) -> None:
    _, item_id = _handed_over(database, desk)
    with UnitOfWork(database) as uow:
        # a reassignment without a note is the service's rule to refuse (domain/handover)
        uow.handover.reassign_handover_item(
            item_id, desk.colleague, desk.lead, END, "李娜熟悉此客户"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        assert {
            r.item_id for r in uow.handover.handover_rows("incoming", desk.colleague, 0, 9)
        } == {item_id}
        uow.handover.finish_handover_item(item_id, desk.colleague, END, "已退款")
        uow.commit()
        assert uow.handover.handover_count("incoming", desk.colleague) == 0
        assert uow.handover.item_status(item_id) == "done"


def test_hand_entered_item_problems_are_named_by_field(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow, pytest.raises(HandoverError) as refused:
        uow.handover.add_handover_item(NewHandoverItem(sheet="return", title=""), desk.agent, END)
    assert [p.field for p in refused.value.problems] == ["title", "next_step"]


def _order(uow: UnitOfWork, desk: Desk, **fields: str) -> int:
    base = {"number": fields.pop("number", "1001"), "shop": "旗舰店", "customer": "小周"}
    return uow.handover.add_order(base | fields, desk.agent, FIXED_NOW, SH)


def test_order_lists_morning_chase_unpaid(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        late = _order(uow, desk, number="A", paid_at="2026-11-21 18:00")
        _order(uow, desk, number="B", paid_at="2026-11-22 16:30")  # tomorrow's list
        chase = _order(
            uow, desk, number="C", paid_at="2026-11-18 10:00", shipped_at="2026-11-19 10:00",
            courier="中通", tracking_number="ZT1", last_tracking_at="2026-11-20 09:00",
        )  # fmt: skip
        _order(
            uow, desk, number="D", paid_at="2026-11-18 10:00", shipped_at="2026-11-19 10:00",
            courier="中国邮政", last_tracking_at="2026-11-19 10:00",
        )  # fmt: skip
        unpaid = _order(uow, desk, number="E")
        uow.commit()
        assert [r.order_id for r in uow.handover.order_rows_for("morning", FIXED_NOW, SH)] == [late]
        assert [r.order_id for r in uow.handover.order_rows_for("chase", FIXED_NOW, SH)] == [chase]
        assert [r.order_id for r in uow.handover.order_rows_for("unpaid", FIXED_NOW, SH)] == [
            unpaid
        ]
        uow.handover.follow_up_unpaid(unpaid, "客户说明天付", desk.agent, FIXED_NOW)
        assert uow.handover.order_rows_for("unpaid", FIXED_NOW, SH) == []
        tomorrow = FIXED_NOW + timedelta(days=1)
        assert [r.order_id for r in uow.handover.order_rows_for("unpaid", tomorrow, SH)] == [unpaid]


def test_chase_without_result_goes_on_the_unfinished_sheet(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        order = _order(
            uow, desk, number="C", paid_at="2026-11-18 10:00", shipped_at="2026-11-19 10:00",
            courier="中通", tracking_number="ZT1",
        )  # fmt: skip
        item = uow.handover.chase_parcel(order, "", desk.agent, FIXED_NOW)
        uow.commit()
        assert item is not None
        row = uow.handover.order_rows_for("chase", FIXED_NOW, SH)[0]
        assert row.due_at == FIXED_NOW + timedelta(hours=24)
        listed = uow.handover.handover_rows("outgoing", desk.agent, 0, 10)
        assert [(r.sheet, r.subject_type) for r in listed] == [("unfinished", "order")]
        uow.handover.answer_parcel(order, "快递已找到，明天送达", desk.agent, FIXED_NOW)
        uow.commit()
        assert uow.handover.order_rows_for("chase", FIXED_NOW, SH)[0].due_at is None


def test_void_and_returns_flow(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        order = _order(uow, desk, paid_at="2026-11-22 10:00")
        with pytest.raises(HandoverError) as refused:
            uow.handover.void_order(order, False, "", desk.agent, FIXED_NOW)
        assert refused.value.key == "orders.error.not_confirmed"
        assert uow.handover.void_order(order, True, "已退 99 元", desk.agent, FIXED_NOW) == (
            "1001",
            "旗舰店",
        )
        other = _order(
            uow, desk, number="R", paid_at="2026-11-10 10:00", shipped_at="2026-11-11 10:00"
        )
        with pytest.raises(HandoverError) as skipped:
            uow.handover.record_return_step(
                other, "refund_difference", "退 20 元", desk.agent, FIXED_NOW
            )
        assert skipped.value.problems[0].key == "orders.error.negotiate_first"
        uow.handover.record_return_step(other, "negotiate", "同意换货", desk.agent, FIXED_NOW)
        uow.handover.record_return_step(other, "exchange", "换蓝色", desk.agent, FIXED_NOW)
        uow.handover.record_return_step(
            other, "refund_difference", "退 20 元", desk.agent, FIXED_NOW
        )
        uow.commit()
        history = uow.handover.order_history(other)
    assert [(h[1], h[3].get("step")) for h in history if h[2] == "return_step"] == [
        ("王芳", "negotiate"), ("王芳", "exchange"), ("王芳", "refund_difference"),
    ]  # fmt: skip


def test_import_keeps_good_rows_and_names_bad_ones(database: Database, desk: Desk) -> None:
    rows = [
        {"number": "X1", "shop": "旗舰店", "paid_at": "2026-11-22 10:00"},
        {"number": "", "shop": "旗舰店"},
        {"number": "X3", "shop": "旗舰店", "paid_at": "not a time"},
    ]
    with UnitOfWork(database) as uow:
        result = uow.handover.import_orders(rows, desk.agent, FIXED_NOW, SH)
        uow.commit()
        assert result.added == 1
        assert [(line, p.field) for line, p in result.problems] == [(3, "number"), (4, "paid_at")]
        assert len(uow.handover.orders_export()) == 1


def test_a_gathered_callback_says_its_purpose_in_words(database: Database, desk: Desk) -> None:
    from deskui.domain.calendar import BusinessCalendar

    with UnitOfWork(database) as uow:
        callback = uow.callbacks.add_callback(
            desk.customer, "gift_arrival", FIXED_NOW, FIXED_NOW, BusinessCalendar(),
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(hours=2),  # today's work
        )  # fmt: skip
        uow.handover.gather_handover(desk.agent, END)
        titles = [
            row.title
            for row in uow.session.scalars(select(m.HandoverItem).order_by(m.HandoverItem.id))
        ]
    assert titles == [f"礼品确认 #{callback}"]


def test_gathering_takes_the_days_unfinished_work_not_next_weeks_callbacks(
    database: Database, desk: Desk
) -> None:
    """seed 004 after-sales 8: the sheet is the day's unfinished work; the agent adds more."""
    from deskui.domain.calendar import BusinessCalendar

    ticket_id = _ticket(database, desk, desk.agent)
    with UnitOfWork(database) as uow:
        today = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(),
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(hours=5),
        )  # fmt: skip
        uow.callbacks.add_callback(
            desk.other_customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(),
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(days=4),
        )  # fmt: skip
        assert uow.handover.gather_handover(desk.agent, END) == 2
        listed = {
            (item.subject_type, item.subject_id)
            for item in uow.session.scalars(select(m.HandoverItem))
        }
    assert listed == {("ticket", ticket_id), ("callback", today)}
