"""Departments' round trip and attachments in the repository, on SQLite and PostgreSQL
(seed 002:2.2.2, 2.3.2, 2.4.2, 2.5)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.export import build_table
from deskui.data.frontdesk_store import AttachmentRules, FrontDeskError
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.department_legs import LegStage
from deskui.domain.model import DeadlineKind, SubjectType, TicketStatus
from deskui.domain.ticket_life import TicketMove, TicketRefusal, Transition, next_state
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

TO_DEPARTMENT = Transition(TicketStatus.WITH_DEPARTMENT)
"""The status the ticket's life decides for a hand-off (the service asks it; the store saves)."""
BACK = Transition(TicketStatus.IN_PROGRESS)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def ticket(database: Database, desk: Desk) -> int:
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
        uow.commit()
    return ticket_id


def _open_leg_deadlines(database: Database, ticket_id: int) -> list[m.Deadline]:
    with UnitOfWork(database) as uow:
        query = select(m.Deadline).where(
            m.Deadline.subject_type == SubjectType.TICKET,
            m.Deadline.subject_id == ticket_id,
            m.Deadline.kind == DeadlineKind.DEPARTMENT_LEG,
            m.Deadline.met_at.is_(None),
        )
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def test_the_record_goes_round_the_department_and_back_to_its_owner(
    database: Database, desk: Desk, ticket: int
) -> None:
    with UnitOfWork(database) as uow:
        member = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        leg_id = uow.frontdesk.hand_to_department(
            ticket, "technical", desk.agent, FIXED_NOW, TO_DEPARTMENT, "请尽快"
        )
        uow.commit()
    accept = _open_leg_deadlines(database, ticket)
    assert [(d.owner_id, d.due_at) for d in accept] == [
        (desk.agent, FIXED_NOW + timedelta(hours=2))
    ]
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.agent_department(member) == "technical"
        assert uow.frontdesk.department_queue_count("technical") == 1
        assert uow.frontdesk.department_queue_count("platform") == 0
        [row] = uow.frontdesk.department_queue_rows("technical", 0, 10)
        assert row.leg.stage is LegStage.ACCEPT and row.due_at == FIXED_NOW + timedelta(hours=2)
        assert uow.session.get_one(m.Ticket, ticket).status == "with_department"

    expected = FIXED_NOW + timedelta(days=1)
    steps = [
        lambda r: r.accept_leg(leg_id, member, FIXED_NOW + timedelta(minutes=30)),
        lambda r: r.plan_leg(leg_id, member, FIXED_NOW + timedelta(hours=1), expected, "换主板"),
        lambda r: r.record_leg_result(leg_id, member, FIXED_NOW + timedelta(hours=20), "已换好"),
        lambda r: r.return_leg(leg_id, member, FIXED_NOW + timedelta(hours=21), BACK),
    ]
    for step in steps:
        with UnitOfWork(database) as uow:
            step(uow.frontdesk)
            uow.commit()
        assert len(_open_leg_deadlines(database, ticket)) == 1  # one countdown at a time

    with UnitOfWork(database) as uow:
        [leg] = uow.frontdesk.legs(ticket)
        assert (leg.accepted_by, leg.planned_by, leg.result_by, leg.returned_by) == ("赵磊",) * 4
        assert leg.returned_to == "王芳" and leg.stage is LegStage.INFORM
        assert leg.expected_at == expected and leg.measures == "换主板"
        assert uow.frontdesk.department_queue_count("technical") == 0
        t = uow.session.get_one(m.Ticket, ticket)
        assert t.status == "in_progress" and t.promised_at == expected
        actions = [e[4] for e in uow.tickets.history(ticket)]
    assert actions[-5:] == [
        "department_handed",
        "department_accepted",
        "department_planned",
        "department_result",
        "department_returned",
    ]
    [inform] = _open_leg_deadlines(database, ticket)
    assert inform.owner_id == desk.agent
    assert inform.due_at == FIXED_NOW + timedelta(hours=25)
    with UnitOfWork(database) as uow:  # the owner hears of the return at their desk
        [notice] = uow.notifications.unread_notifications(desk.agent)
    assert notice.kind == "leg_returned" and "已换好" in notice.text

    with UnitOfWork(database) as uow:
        uow.frontdesk.customer_told(ticket, desk.agent, FIXED_NOW + timedelta(hours=22))
        uow.commit()
    assert _open_leg_deadlines(database, ticket) == []
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.legs(ticket)[0].stage is LegStage.DONE


def test_cs_records_the_department_answers_under_the_department_persons_name(
    database: Database, desk: Desk, ticket: int
) -> None:
    with UnitOfWork(database) as uow:
        leg_id = uow.frontdesk.hand_to_department(
            ticket, "platform", desk.agent, FIXED_NOW, TO_DEPARTMENT
        )
        uow.frontdesk.accept_leg(leg_id, desk.agent, FIXED_NOW, by_name="孙平")
        uow.commit()
    with UnitOfWork(database) as uow:
        [leg] = uow.frontdesk.legs(ticket)
        events = list(uow.tickets.history(ticket))
    assert leg.accepted_by == "孙平"
    assert events[-1][2] == "王芳" and events[-1][5] == {"by": "孙平"}


def test_an_unknown_department_is_refused(database: Database, desk: Desk, ticket: int) -> None:
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as unknown:
        uow.frontdesk.hand_to_department(ticket, "nowhere", desk.agent, FIXED_NOW, TO_DEPARTMENT)
    assert (unknown.value.key, unknown.value.field) == (
        "department.legs.error.unknown_department",
        "department",
    )


def test_steps_out_of_order_and_a_second_hand_off_are_refused(
    database: Database, desk: Desk, ticket: int
) -> None:
    with UnitOfWork(database) as uow:
        leg_id = uow.frontdesk.hand_to_department(
            ticket, "technical", desk.agent, FIXED_NOW, TO_DEPARTMENT
        )
        uow.commit()
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        uow.frontdesk.record_leg_result(leg_id, desk.agent, FIXED_NOW, "x")
    assert refused.value.key == "department.legs.error.stage_accept"
    with UnitOfWork(database) as uow:  # the second hand-off is the ticket's life's to refuse
        state = uow.tickets.ticket_state(ticket)
    assert state.open_leg and state.status == TicketStatus.WITH_DEPARTMENT
    twice = next_state(state, TicketMove.HANDED_TO_DEPARTMENT)
    assert twice == TicketRefusal("department.legs.error.already_with", "department")
    with UnitOfWork(database) as uow:
        uow.frontdesk.accept_leg(leg_id, desk.agent, FIXED_NOW, by_name="孙平")
        with pytest.raises(FrontDeskError) as past:
            uow.frontdesk.plan_leg(leg_id, desk.agent, FIXED_NOW, FIXED_NOW, "x", by_name="孙平")
    assert past.value.field == "expected"


@pytest.mark.parametrize("storage", ["database", "folder"])
def test_a_pdf_is_attached_listed_and_saved_back_out(
    database: Database, desk: Desk, ticket: int, tmp_path: Path, storage: str
) -> None:
    source = tmp_path / "传真扫描.pdf"
    source.write_bytes(PDF)
    rules = AttachmentRules(storage=storage, folder=tmp_path / "attachments")
    with UnitOfWork(database) as uow:
        added = uow.frontdesk.add_attachment(ticket, source, desk.agent, FIXED_NOW, rules)
        uow.commit()
    assert (added.filename, added.media_type, added.size) == (
        "传真扫描.pdf",
        "application/pdf",
        len(PDF),
    )
    stored = list((tmp_path / "attachments").glob("*")) if storage == "folder" else []
    assert len(stored) == (1 if storage == "folder" else 0)
    out = tmp_path / "out"
    out.mkdir()
    with UnitOfWork(database) as uow:
        [listed] = uow.frontdesk.attachments(ticket)
        assert listed.added_by == "王芳" and listed.storage == storage
        written = uow.frontdesk.save_attachment_out(listed.id, out, rules)
        assert written == out / "传真扫描.pdf" and written.read_bytes() == PDF
        with pytest.raises(FrontDeskError) as exists:
            uow.frontdesk.save_attachment_out(listed.id, out, rules)
        assert exists.value.key == "attachments.error.target_exists"
        assert [e[4] for e in uow.tickets.history(ticket)][-1] == "attachment_added"


def test_a_file_over_the_limit_missing_or_a_folder_is_refused_with_its_reason(
    database: Database, desk: Desk, ticket: int, tmp_path: Path
) -> None:
    big = tmp_path / "big.tif"
    big.write_bytes(b"II*\x00" + b"0" * 2048)
    rules = AttachmentRules(limit_bytes=1024)
    cases = [
        (big, "attachments.error.too_big"),
        (tmp_path / "nothing.pdf", "attachments.error.missing"),
        (tmp_path, "attachments.error.is_folder"),
    ]
    for path, key in cases:
        with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
            uow.frontdesk.add_attachment(ticket, path, desk.agent, FIXED_NOW, rules)
        assert refused.value.key == key and refused.value.field == "path"
    assert refused.value.key == "attachments.error.is_folder"
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as too_big:
        uow.frontdesk.add_attachment(ticket, big, desk.agent, FIXED_NOW, rules)
    assert too_big.value.values == {"size": "2.0 KB", "limit": "1.0 KB"}
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.attachments(ticket) == []


def test_export_covers_legs_and_attachment_metadata(
    database: Database, desk: Desk, ticket: int, tmp_path: Path
) -> None:
    source = tmp_path / "mail.eml"
    source.write_text("Subject: 黑屏\n\n附图", "utf-8")
    with UnitOfWork(database) as uow:
        uow.frontdesk.hand_to_department(
            ticket, "technical", desk.agent, FIXED_NOW, TO_DEPARTMENT, "=cmd"
        )
        uow.frontdesk.add_attachment(ticket, source, desk.agent, FIXED_NOW, AttachmentRules())
        uow.commit()
    with UnitOfWork(database) as uow:
        headers, rows = build_table("department_legs", uow, "Asia/Shanghai")
        assert headers[:4] == ["leg", "ticket", "customer", "department"]
        assert rows[0][2:7] == [
            "上海星辰电子有限公司",
            "technical",
            "王芳",
            "2026-11-23T09:00+08:00",
            "=cmd",
        ]
        headers, rows = build_table("attachments", uow, "Asia/Shanghai")
        assert "content" not in headers
        assert rows[0][3:6] == ["mail.eml", "message/rfc822", len(source.read_bytes())]
