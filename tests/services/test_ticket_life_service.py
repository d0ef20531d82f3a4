"""A record's life after intake as services (issue 26, seed 002:2.3-2.5), on SQLite and
PostgreSQL: a routed record lands on its department's desk in the save's own commit; a contact
meets the first contact (and an urgent record's progress contact, starting the next); the
result told resolves the record and the desk stops counting it; close, reopen with a reason,
internal notes; what the domain, the table or ownership refuses writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.refusal import Invalid
from deskui.services.actor import Actor, Denied
from deskui.services.departments import (
    AcceptLeg,
    DepartmentQueuePage,
    PlanLeg,
    RecordLegResult,
    ReturnLeg,
    TellCustomer,
    accept_leg,
    department_queue_rows,
    plan_leg,
    record_leg_result,
    return_leg,
    tell_customer,
)
from deskui.services.errors import FrontDeskError, MissingRecord
from deskui.services.intake import RecordCall, record_call
from deskui.services.standing import MovedAway
from deskui.services.ticket_life import (
    AddNote,
    CloseTicket,
    RecordContact,
    ReopenTicket,
    ResolveTicket,
    add_note,
    close_ticket,
    record_contact,
    reopen_ticket,
    resolve_ticket,
)
from deskui.services.tickets import ticket_detail
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

LATER = FIXED_NOW + timedelta(hours=1)


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def _member(database: Database, name: str = "赵磊", code: str = "technical") -> Actor:
    with UnitOfWork(database) as uow:
        member = uow.frontdesk.add_department_member(name, code, FIXED_NOW)
        uow.commit()
    return Actor(member, name, Role.DEPARTMENT, department_code=code)


def _save(
    database: Database,
    desk: Desk,
    *,
    kind: str = "question",
    category: str = "usage",
    severity: str = "normal",
    actor: Actor | None = None,
) -> int:
    """A call saved through the intake service as the form saves it."""
    intake = CallIntake(
        kind, category, "phone", severity, "系统登录不了", customer_id=desk.customer
    )
    with UnitOfWork(database) as uow:
        saved = record_call(uow, actor or _agent(desk), RecordCall(intake), FIXED_NOW)
    return saved.ticket_id


def _open_deadlines(database: Database, ticket_id: int) -> list[tuple[str, object]]:
    with UnitOfWork(database) as uow:
        rows = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == "ticket",
                m.Deadline.subject_id == ticket_id,
                m.Deadline.met_at.is_(None),
            )
        )
        return sorted((d.kind, d.due_at) for d in rows)


def _status(database: Database, ticket_id: int) -> str:
    with UnitOfWork(database) as uow:
        return uow.tickets.ticket_state(ticket_id).status


def _department_round_trip(database: Database, member: Actor, ticket_id: int) -> None:
    with UnitOfWork(database) as uow:
        leg_id = next(leg.id for leg in uow.frontdesk.legs(ticket_id) if leg.returned_at is None)
    steps = [
        (accept_leg, AcceptLeg(leg_id)),
        (plan_leg, PlanLeg(leg_id, FIXED_NOW + timedelta(days=1), "远程重置账号")),
        (record_leg_result, RecordLegResult(leg_id, "账号已重置，客户可以登录")),
        (return_leg, ReturnLeg(leg_id)),
    ]
    for service, command in steps:
        with UnitOfWork(database) as uow:
            service(uow, member, command, FIXED_NOW)  # type: ignore[operator]


def test_a_routed_record_is_on_its_departments_desk_in_the_saves_own_commit(
    database: Database, desk: Desk
) -> None:
    member = _member(database)
    ticket_id = _save(database, desk)  # a usage question: the technical department's
    with UnitOfWork(database) as uow:
        rows = department_queue_rows(
            uow, member, DepartmentQueuePage("technical", 0, 10), FIXED_NOW
        )
        assert [row.leg.ticket_id for row in rows] == [ticket_id]
        assert rows[0].leg.handed_by == "王芳"
        assert uow.tickets.ticket_state(ticket_id).status == "with_department"
        actions = [event[4] for event in uow.tickets.history(ticket_id)]
        assert actions == ["opened", "department_handed"]
    kinds = [kind for kind, _ in _open_deadlines(database, ticket_id)]
    assert kinds == ["department_leg", "first_contact"]


def test_a_record_cs_keeps_or_answered_on_the_call_makes_no_leg(
    database: Database, desk: Desk
) -> None:
    kept = _save(database, desk, category="repair")  # stays with the desk (seed 001:1.0)
    answered = CallIntake(
        "question", "usage", "phone", "normal", "怎么导出报表", customer_id=desk.customer,
        close_now=True, answer="在报表页点导出即可",
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        closed = record_call(uow, _agent(desk), RecordCall(answered), FIXED_NOW).ticket_id
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.legs(kept) == [] and uow.frontdesk.legs(closed) == []
        assert uow.tickets.ticket_state(kept).status == "open"


def test_a_question_routed_to_technical_is_resolved_from_its_detail_after_its_legs(
    database: Database, desk: Desk
) -> None:
    """The issue's 'done when': the department's legs, a recorded contact meeting the first
    contact, the result told, and nothing of the record counting on the desk any more."""
    agent, member = _agent(desk), _member(database)
    ticket_id = _save(database, desk)
    # while the department holds the record, its result is not there to tell
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        resolve_ticket(uow, agent, ResolveTicket(ticket_id, "已解决", "phone"), FIXED_NOW)
    assert refused.value.key == "ticket.error.with_department"

    with UnitOfWork(database) as uow:
        record_contact(uow, agent, RecordContact(ticket_id, "phone", "已告知技术部在处理"), LATER)
    kinds = [kind for kind, _ in _open_deadlines(database, ticket_id)]
    assert "first_contact" not in kinds  # met by the contact
    assert _status(database, ticket_id) == "with_department"  # a contact moves no leg

    _department_round_trip(database, member, ticket_id)
    assert _status(database, ticket_id) == "in_progress"
    with UnitOfWork(database) as uow:  # written back into the record (seed 002:2.4.2)
        assert uow.tickets.tickets(ticket_id)[0].answer == "账号已重置，客户可以登录"
    assert [k for k, _ in _open_deadlines(database, ticket_id)] == ["department_leg"]  # inform

    with UnitOfWork(database) as uow:
        resolve_ticket(
            uow, agent, ResolveTicket(ticket_id, "账号已重置，客户可以登录", "sms"), LATER
        )
    assert _open_deadlines(database, ticket_id) == []  # the desk stops counting it
    with UnitOfWork(database) as uow:
        detail = ticket_detail(uow, agent, ticket_id, LATER)
        assert detail.ticket is not None
        assert (detail.ticket.status, detail.ticket.answer) == (
            "resolved",
            "账号已重置，客户可以登录",
        )
        assert detail.legs[0].informed_at == LATER  # the leg's telling is done by it
        told = [e for e in detail.events if e[4] == "result_told"]
        assert told[0][2] == "王芳" and told[0][5]["way"] == "sms"
        audit = uow.session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "ticket_status")
        ).all()
        assert [(a.subject, a.detail["to"]) for a in audit] == [(f"ticket {ticket_id}", "resolved")]
        work = uow.session.scalars(
            select(m.Deadline).where(m.Deadline.owner_id == desk.agent, m.Deadline.met_at.is_(None))
        ).all()
        assert ticket_id not in {d.subject_id for d in work if d.subject_type == "ticket"}


def test_close_and_reopen_with_a_reason_count_the_first_contact_again(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    ticket_id = _save(database, desk, category="repair", severity="urgent")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        close_ticket(uow, agent, CloseTicket(ticket_id), FIXED_NOW)
    assert refused.value.key == "ticket.error.close_unresolved"
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        reopen_ticket(uow, agent, ReopenTicket(ticket_id, "客户又来电"), FIXED_NOW)
    assert refused.value.key == "ticket.error.not_finished"

    with UnitOfWork(database) as uow:
        resolve_ticket(uow, agent, ResolveTicket(ticket_id, "已派维修工修好", "visit"), LATER)
    with UnitOfWork(database) as uow:
        close_ticket(uow, agent, CloseTicket(ticket_id), LATER)
    with UnitOfWork(database) as uow:
        record = uow.tickets.tickets(ticket_id)[0]
        assert (record.status, record.closed_at) == ("closed", LATER)
    again = LATER + timedelta(days=1)
    with UnitOfWork(database) as uow:
        reopen_ticket(uow, agent, ReopenTicket(ticket_id, "  客户说又坏了  "), again)
    with UnitOfWork(database) as uow:
        record = uow.tickets.tickets(ticket_id)[0]
        assert (record.status, record.closed_at) == ("in_progress", None)
        assert record.first_contact_due == again + timedelta(hours=8)  # urgent: 8 h again
        reopened = [e[5] for e in uow.tickets.history(ticket_id) if e[4] == "reopened"]
        assert reopened == [{"reason": "客户说又坏了"}]
    kinds = sorted(kind for kind, _ in _open_deadlines(database, ticket_id))
    assert kinds == ["first_contact", "repeat_contact"]


def test_an_urgent_records_contact_meets_its_progress_contact_and_starts_the_next(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    ticket_id = _save(database, desk, category="repair", severity="urgent")
    first = dict((k, d) for k, d in _open_deadlines(database, ticket_id))
    assert first["repeat_contact"] == FIXED_NOW + timedelta(hours=12)
    with UnitOfWork(database) as uow:
        record_contact(uow, agent, RecordContact(ticket_id, "phone"), LATER)
    after = _open_deadlines(database, ticket_id)
    assert after == [("repeat_contact", LATER + timedelta(hours=12))]  # seed 002:2.3.2
    assert _status(database, ticket_id) == "in_progress"


@pytest.mark.parametrize(
    ("command", "key"),
    [
        (ResolveTicket(0, "   ", "phone"), "ticket.error.result_required"),
        (ResolveTicket(0, "已解决", "fax"), "ticket.error.way_required"),
        (ResolveTicket(0, "已解决\x1b]0;owned\x07", "phone"), "ticket.error.control"),
        (RecordContact(0, "pigeon"), "ticket.error.way_required"),
        (RecordContact(0, "phone", "\x00"), "ticket.error.control"),
        (AddNote(0, "x" * 2_000_000), "ticket.error.too_long"),
        (AddNote(0, " \n "), "ticket.error.note_required"),
        (ReopenTicket(0, ""), "ticket.error.reason_required"),
        # drawn as nothing: a zero-width space, a byte-order mark and a soft hyphen, a
        # Hangul filler are no reason, no result and no note (found attacking)
        (ReopenTicket(0, "\u200b\u200b"), "ticket.error.reason_required"),
        (ResolveTicket(0, "\ufeff\u00ad ", "phone"), "ticket.error.result_required"),
        (AddNote(0, "\u3164\n\u2060"), "ticket.error.note_required"),
        (RecordContact(0, "phone", "\u202e"), "ticket.error.control"),
    ],
)
def test_an_invalid_command_is_refused_with_its_reason_and_nothing_written(
    database: Database, desk: Desk, command: object, key: str
) -> None:
    agent = _agent(desk)
    ticket_id = _save(database, desk, category="repair")
    command = replace(command, ticket_id=ticket_id)  # type: ignore[type-var]
    services = {
        ResolveTicket: resolve_ticket,
        RecordContact: record_contact,
        AddNote: add_note,
        ReopenTicket: reopen_ticket,
    }
    with UnitOfWork(database) as uow:
        before = len(list(uow.tickets.history(ticket_id)))
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        services[type(command)](uow, agent, command, LATER)  # type: ignore[operator]
    assert refused.value.key == key
    with UnitOfWork(database) as uow:
        assert len(list(uow.tickets.history(ticket_id))) == before
        assert uow.tickets.ticket_state(ticket_id).status == "open"


def test_who_may_not_move_a_record_is_refused(database: Database, desk: Desk) -> None:
    """A role outside the table, a colleague on another's record, an unknown record; a
    complaint's result only the lead records, told personally (seed 002:2.4.1)."""
    ticket_id = _save(database, desk, category="repair")
    visitor = Actor(desk.agent, "王芳", "visitor", "north")
    colleague = Actor(desk.colleague, "李娜", Role.AGENT, "south")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        record_contact(uow, visitor, RecordContact(ticket_id, "phone"), LATER)
    with UnitOfWork(database) as uow, pytest.raises(MovedAway):
        resolve_ticket(uow, colleague, ResolveTicket(ticket_id, "已修好", "phone"), LATER)
    with UnitOfWork(database) as uow, pytest.raises(MissingRecord):
        add_note(uow, _agent(desk), AddNote(ticket_id + 999, "备注"), LATER)
    assert _status(database, ticket_id) == "open"

    complaint = _save(database, desk, kind="complaint", category="service_quality")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        resolve_ticket(uow, _agent(desk), ResolveTicket(complaint, "已道歉并退款", "phone"), LATER)
    assert refused.value.key == "ticket.error.complaint_lead_tells"
    assert _status(database, complaint) == "open"
    with UnitOfWork(database) as uow:  # the lead tells the customer personally
        resolve_ticket(uow, _lead(desk), ResolveTicket(complaint, "已道歉并退款", "phone"), LATER)
    assert _status(database, complaint) == "resolved"


def test_a_complaints_department_result_is_told_by_the_lead_only(
    database: Database, desk: Desk
) -> None:
    member = _member(database, "钱敏", "platform")
    ticket_id = _save(database, desk, kind="complaint", category="network_line")
    _department_round_trip(database, member, ticket_id)
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        tell_customer(uow, _agent(desk), TellCustomer(ticket_id), LATER)
    assert refused.value.key == "ticket.error.complaint_lead_tells"
    with UnitOfWork(database) as uow:
        tell_customer(uow, _lead(desk), TellCustomer(ticket_id), LATER)
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.legs(ticket_id)[0].informed_at == LATER


def test_notes_keep_hostile_text_as_typed_and_a_department_notes_only_what_it_holds(
    database: Database, desk: Desk
) -> None:
    ticket_id = _save(database, desk)  # technical
    stranger = _member(database, "钱敏", "platform")
    member = _member(database)
    markup = "[bold red]客户很急[/] [link=file:///etc/passwd]看这里[/link]"
    with UnitOfWork(database) as uow:
        add_note(uow, _agent(desk), AddNote(ticket_id, markup), LATER)
    with UnitOfWork(database) as uow:
        add_note(uow, member, AddNote(ticket_id, "技术部：已远程查看"), LATER)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        add_note(uow, stranger, AddNote(ticket_id, "不是我们的"), LATER)
    with UnitOfWork(database) as uow:
        notes = [(e[2], e[5]["note"]) for e in uow.tickets.history(ticket_id) if e[4] == "noted"]
    assert notes == [("王芳", markup), ("赵磊", "技术部：已远程查看")]


@pytest.mark.parametrize(
    ("category", "severity", "told"),
    [
        ("usage", "urgent", {"赵磊"}),  # the technical department's supervisor
        ("repair", "urgent", {"张伟"}),  # CS keeps it: the CS team's lead
        ("usage", "critical", {"刘洋", "周总"}),  # the CS manager and the leadership
        ("usage", "normal", set()),
    ],
)
def test_escalation_goes_where_the_seed_names_it(
    database: Database, desk: Desk, category: str, severity: str, told: set[str]
) -> None:
    _member(database)
    with UnitOfWork(database) as uow:  # the site names its leadership (a lead's setting)
        uow.agents.add_agent("周总", Role.AGENT, FIXED_NOW, team="board")
        uow.settings.save_settings({"escalation.leadership": "周总、不在岗的人"}, None, FIXED_NOW)
        uow.commit()
    ticket_id = _save(database, desk, category=category, severity=severity)
    with UnitOfWork(database) as uow:
        names = set(
            uow.session.scalars(
                select(m.Agent.name)
                .join(m.Notification, m.Notification.agent_id == m.Agent.id)
                .where(m.Notification.subject_id == ticket_id)
            )
        )
    assert names == told
