"""Reception records on SQLite and PostgreSQL: visitors, walk-in tickets, passes, messages
with the urgent notification, correspondence, and their export (seed 001:4)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.data.database import Database
from deskui.data.export import build_table
from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from tests.conftest import FIXED_NOW
from tests.data.conftest import record_call

SH = ZoneInfo("Asia/Shanghai")


def _agents(db: Database) -> tuple[int, int]:
    with UnitOfWork(db) as uow:
        desk = uow.agents.add_agent("李娜", Role.AGENT, FIXED_NOW).id
        boss = uow.agents.add_agent("刘洋", Role.MANAGER, FIXED_NOW).id
        uow.commit()
    return desk, boss


def test_todays_visitors_in_time_order_and_walk_in_becomes_a_ticket(database: Database) -> None:
    desk, _ = _agents(database)
    with UnitOfWork(database) as uow:
        for hours, name in ((5, "孙丽"), (1, "周明"), (30, "明天的人")):
            uow.reception.add_visit(
                desk, FIXED_NOW, visitor=name, host="张伟", prepare="会议室",
                expected_at=FIXED_NOW + timedelta(hours=hours),
            )  # fmt: skip
        walk_in = uow.reception.add_visit(
            desk, FIXED_NOW, visitor="郑强", company="宏达商贸", purpose="宽带掉线"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.reception.today_visits_count(FIXED_NOW, SH) == 2
        assert [v.visitor for v in uow.reception.today_visits(FIXED_NOW, SH, 0, 10)] == [
            "周明",
            "孙丽",
        ]
        assert [v.visitor for v in uow.reception.walk_ins(FIXED_NOW, SH, 0, 10)] == ["郑强"]
        visit = uow.reception.visit(walk_in)
        assert (visit.company, visit.purpose, visit.ticket_id) == ("宏达商贸", "宽带掉线", None)
        # the service makes the ticket (services/reception.make_walk_in_ticket); the store
        # ties it to the visit
        intake = CallIntake(
            "question", "usage", "walk_in", "normal", visit.purpose,
            new_customer_name=visit.company, new_contact_name=visit.visitor,
        )  # fmt: skip
        ticket_id = record_call(uow, intake, desk, FIXED_NOW).ticket_id
        uow.reception.tie_ticket(walk_in, ticket_id, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.reception.walk_ins(FIXED_NOW, SH, 0, 10)[0].ticket_id == ticket_id
        assert uow.reception.visit(walk_in).ticket_id == ticket_id


def test_pass_expiring_today_is_listed_until_revoked(database: Database) -> None:
    desk, _ = _agents(database)
    with UnitOfWork(database) as uow:
        today = uow.reception.issue_pass(
            desk, FIXED_NOW, company="金桥装饰", people="马涛、何军", area="3 楼",
            valid_from=FIXED_NOW - timedelta(days=3), valid_to=FIXED_NOW + timedelta(hours=8),
            issued_by="张伟",
        )  # fmt: skip
        uow.reception.issue_pass(
            desk, FIXED_NOW, company="华强电力", people="赵亮", area="配电室",
            valid_from=FIXED_NOW, valid_to=FIXED_NOW + timedelta(days=5), issued_by="张伟",
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [p.id for p in uow.reception.passes(FIXED_NOW, SH, 0, 10, expiring_today=True)] == [
            today
        ]
        assert uow.reception.passes_count(FIXED_NOW, SH) == 2
        uow.reception.revoke_pass(today, desk, FIXED_NOW, "工程提前结束")
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.reception.passes_count(FIXED_NOW, SH, expiring_today=True) == 0
        with pytest.raises(FrontDeskError):
            uow.reception.revoke_pass(today, desk, FIXED_NOW)


def test_an_urgent_message_notifies_its_addressee_at_once(database: Database) -> None:
    desk, boss = _agents(database)
    with UnitOfWork(database) as uow:
        since = uow.changes.last_change_id()
        uow.reception.take_message(
            desk, FIXED_NOW, for_agent_id=boss, from_name="周总", from_number="13800138000",
            message="[red]请回电[/red]", urgent=True,
        )  # fmt: skip
        uow.reception.take_message(
            desk, FIXED_NOW, for_agent_id=boss, from_name="小王", message="不急"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        notices = uow.notifications.unread_notifications(boss)
        assert [(n.kind, n.text) for n in notices] == [
            ("urgent_message", "周总 138 0013 8000: [red]请回电[/red]")  # as the card writes it
        ]
        assert "notification" in {e for _, e, _ in uow.changes.changes_since(since)}
        rows = uow.reception.messages(0, 10)
        assert [(r.from_name, r.urgent, r.for_name) for r in rows] == [
            ("周总", True, "刘洋"),
            ("小王", False, "刘洋"),
        ]
        uow.reception.message_done(rows[0].id, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.reception.messages_count() == 1


def test_correspondence_registered_signed_searched_and_exported(database: Database) -> None:
    desk, _ = _agents(database)
    with UnitOfWork(database) as uow:
        fax = uow.reception.register_mail(
            desk, FIXED_NOW, at=FIXED_NOW - timedelta(hours=5), direction="received",
            kind="fax", category="合同", party="星辰_科技", handed_to="刘洋", archive=True,
        )  # fmt: skip
        uow.reception.register_mail(
            desk, FIXED_NOW, at=FIXED_NOW, direction="sent", kind="letter", party="恒通100%"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.reception.mail_count() == 2
        assert [r.id for r in uow.reception.mail(0, 10, search="星辰_")] == [fax]
        assert uow.reception.mail_count(search="100%") == 1
        assert uow.reception.mail_count(search="_") == 1  # the wildcard is searched literally
        assert [r.id for r in uow.reception.mail(0, 10, archive_only=True)] == [fax]
        uow.reception.sign_mail(fax, "刘洋", FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        row = uow.reception.mail(0, 10, search="刘洋")[0]
        assert row.signed_by == "刘洋" and row.signed_at == FIXED_NOW
        with pytest.raises(FrontDeskError):
            uow.reception.sign_mail(fax, "别人", FIXED_NOW)
        headers, rows = build_table("correspondence", uow, "Asia/Shanghai")
        assert headers[:4] == ["item", "at", "direction", "kind"]
        assert len(rows) == 2 and rows[0][1].endswith("+08:00")


def test_every_reception_export_kind(database: Database) -> None:
    desk, boss = _agents(database)
    with UnitOfWork(database) as uow:
        uow.reception.add_visit(desk, FIXED_NOW, visitor="郑强", purpose="=cmd")
        uow.reception.issue_pass(
            desk, FIXED_NOW, company="金桥", people="马涛", area="3 楼",
            valid_from=FIXED_NOW, valid_to=FIXED_NOW + timedelta(hours=1), issued_by="张伟",
        )  # fmt: skip
        uow.reception.take_message(
            desk, FIXED_NOW, for_agent_id=boss, from_name="周总", message="回电"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        for kind in ("visitors", "passes", "messages", "correspondence"):
            headers, rows = build_table(kind, uow, "Asia/Shanghai")
            assert all(len(row) == len(headers) for row in rows), kind
            assert len(rows) == (0 if kind == "correspondence" else 1), kind


def test_a_fading_fax_is_recorded_as_copied_and_only_a_fax(database: Database) -> None:
    """seed 001:4.6: the copy goes with the original; letters and parcels do not fade."""
    from deskui.data.frontdesk_store import FrontDeskError

    desk, _ = _agents(database)
    with UnitOfWork(database) as uow:
        fax = uow.reception.register_mail(
            desk, FIXED_NOW, at=FIXED_NOW, direction="received", kind="fax", party="鑫源建筑",
            handed_to="刘洋", copy_made=True,
        )  # fmt: skip
        with pytest.raises(FrontDeskError) as refused:
            uow.reception.register_mail(
                desk, FIXED_NOW, at=FIXED_NOW, direction="received", kind="letter",
                party="恒通", copy_made=True,
            )  # fmt: skip
        assert refused.value.key == "correspondence.error.copy_only_fax"
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [r.copy_made for r in uow.reception.mail(0, 10)] == [True]
        assert uow.reception.mail_export_rows()[0][0] == fax
