"""A department member works their own department's queue and no other (issue 23, 24): the
F7 screen never offers another department to a member, and the service refuses it to every
caller, audited by the runner as any denial; CS keeps recording any department's answer on
its behalf. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role, TicketStatus
from deskui.domain.permissions import Action
from deskui.domain.ticket_life import Transition
from deskui.services.actor import Actor, Denied
from deskui.services.departments import (
    AcceptLeg,
    DepartmentQueuePage,
    PlanLeg,
    accept_leg,
    department_queue_count,
    department_queue_rows,
    plan_leg,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def _leg(database: Database, desk: Desk, department: str) -> int:
    with UnitOfWork(database) as uow:
        ticket = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="question",
                category="install_maintain",
                channel="phone",
                severity="normal",
                customer_words="媒体机升级后黑屏",
            ),
            desk.agent,
            FIXED_NOW,
        )
        handed = Transition(TicketStatus.WITH_DEPARTMENT)  # as the ticket life decides
        leg = uow.frontdesk.hand_to_department(ticket, department, desk.agent, FIXED_NOW, handed)
        uow.commit()
    return leg


def test_a_member_works_only_their_own_departments_legs(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    theirs = _leg(database, desk, "platform")
    ours = _leg(database, desk, "technical")
    page = DepartmentQueuePage("platform")
    for service, command in (
        (accept_leg, AcceptLeg(theirs)),
        (accept_leg, AcceptLeg(theirs, by_name="孙平")),  # not as someone else either
        (department_queue_count, page),
        (department_queue_rows, page),
    ):
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            service(uow, member, command, FIXED_NOW)  # type: ignore[operator]
        assert denied.value.action == Action.WORK_DEPARTMENT
    with UnitOfWork(database) as uow:
        assert uow.frontdesk.department_queue_rows("platform", 0, 10)[0].leg.accepted_at is None
        accept_leg(uow, member, AcceptLeg(ours), FIXED_NOW)
    with UnitOfWork(database) as uow:
        own = DepartmentQueuePage("technical")
        assert department_queue_count(uow, member, own, FIXED_NOW) == 1
        plan = PlanLeg(ours, FIXED_NOW + timedelta(days=1), "换主板")
        plan_leg(uow, member, plan, FIXED_NOW)
    agent = Actor(desk.agent, "王芳", Role.AGENT)  # CS records for any department, by name
    with UnitOfWork(database) as uow:
        accept_leg(uow, agent, AcceptLeg(theirs, by_name="孙平"), FIXED_NOW)
        assert department_queue_count(uow, agent, page, FIXED_NOW) == 1


def test_the_customer_told_by_the_departments_service_onto_a_ticket_given_away_is_refused(
    database: Database, desk: Desk
) -> None:
    """departments.tell_customer completes the leg as the ticket view's k does (tickets.
    record_customer_told, which refuses a ticket no longer the agent's, issue 23): a direct
    call through it onto a ticket a lead gave to a colleague is refused the same way, naming
    the new owner, and the leg stays waiting for the new owner."""
    from deskui.data import models as m
    from deskui.services.departments import ReturnLeg, TellCustomer, return_leg, tell_customer
    from deskui.services.standing import MovedAway
    from deskui.services.tickets import ReassignTicket, reassign_ticket

    leg = _leg(database, desk, "platform")
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:
        for step, command in (
            (accept_leg, AcceptLeg(leg)),
            (plan_leg, PlanLeg(leg, FIXED_NOW + timedelta(days=1), "换主板")),
        ):
            step(uow, lead, command, FIXED_NOW)  # type: ignore[operator]
        from deskui.services.departments import RecordLegResult, record_leg_result

        record_leg_result(uow, lead, RecordLegResult(leg, "已换"), FIXED_NOW)
        return_leg(uow, lead, ReturnLeg(leg), FIXED_NOW)
        ticket_id = uow.session.get_one(m.DepartmentLeg, leg).ticket_id
        version = uow.session.get_one(m.Ticket, ticket_id).version
        reassign_ticket(uow, lead, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
        tell_customer(uow, me, TellCustomer(ticket_id), FIXED_NOW)
    assert moved.value.owner == "李娜"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.DepartmentLeg, leg).informed_at is None
        tell_customer(
            uow, Actor(desk.colleague, "李娜", Role.AGENT), TellCustomer(ticket_id), FIXED_NOW
        )


def test_only_the_tickets_owner_or_a_lead_hands_it_to_a_department(
    database: Database, desk: Desk
) -> None:
    """hand_to_department ("the ticket's owner hands it") took any ticket from any desk role,
    a department member's too: a colleague's or a member's hand-off of 王芳's ticket is
    refused naming the owner, nothing written; hers and a lead's go."""
    from deskui.data import models as m
    from deskui.services.departments import HandToDepartment, hand_to_department
    from deskui.services.standing import MovedAway

    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        tickets = [
            uow.tickets.open_ticket(
                NewTicket(
                    customer_id=desk.customer,
                    kind="question",
                    category="install_maintain",
                    channel="phone",
                    severity="normal",
                    customer_words="媒体机升级后黑屏",
                ),
                desk.agent,
                FIXED_NOW,
            )
            for _ in range(2)
        ]
        uow.commit()
    colleague = Actor(desk.colleague, "李娜", Role.AGENT)
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    for stranger in (colleague, member):
        with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
            hand_to_department(uow, stranger, HandToDepartment(tickets[0], "technical"), FIXED_NOW)
        assert moved.value.owner == "王芳"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, tickets[0]).status == "open"
        hand_to_department(
            uow, Actor(desk.agent, "王芳", Role.AGENT), HandToDepartment(tickets[0], "technical"),
            FIXED_NOW,
        )  # fmt: skip
        lead = Actor(desk.lead, "张伟", Role.LEAD)
        hand_to_department(uow, lead, HandToDepartment(tickets[1], "platform"), FIXED_NOW)


def test_a_member_reads_no_other_departments_record_nor_its_files(
    database: Database, desk: Desk
) -> None:
    """A department member found another department's record refused by the search, yet
    opened its detail (the customer's words, the notes, the results, the caller's e-mail),
    listed its files and fetched them by number: each is now refused, as the search refuses
    it; their own department's record and its file still open."""
    from pathlib import Path

    from deskui.data import models as m
    from deskui.data.frontdesk_store import AttachmentRules
    from deskui.services.attachments import (
        AddAttachment,
        AttachmentsOf,
        FetchAttachment,
        SaveAttachmentOut,
        add_attachment,
        attachment_content,
        save_attachment_out,
        ticket_attachments,
    )
    from deskui.services.tickets import ticket_detail

    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    rules = AttachmentRules(limit_bytes=1_000_000)
    files: dict[str, tuple[int, int]] = {}
    for department in ("platform", "technical"):
        leg = _leg(database, desk, department)
        with UnitOfWork(database) as uow:
            ticket_id = uow.session.get_one(m.DepartmentLeg, leg).ticket_id
            added = uow.frontdesk.add_attachment_content(
                ticket_id, "合同.pdf", b"%PDF-1.4 secret", desk.agent, FIXED_NOW, rules
            )
            uow.commit()
        files[department] = (ticket_id, added.id)
    theirs, their_file = files["platform"]
    ours, our_file = files["technical"]
    for service, command in (
        (lambda uow, a, c, now: ticket_detail(uow, a, c, now), theirs),
        (ticket_attachments, AttachmentsOf(theirs)),
        (attachment_content, FetchAttachment(their_file, rules)),
        (save_attachment_out, SaveAttachmentOut(their_file, Path("/tmp"), rules)),
        (add_attachment, AddAttachment(theirs, Path("/etc/hostname"), rules)),
    ):
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            service(uow, member, command, FIXED_NOW)  # type: ignore[operator]
        assert denied.value.action == Action.WORK_DEPARTMENT
    with UnitOfWork(database) as uow:
        assert len(uow.frontdesk.attachments(theirs)) == 1
        detail = ticket_detail(uow, member, ours, FIXED_NOW)
        assert detail.ticket is not None and detail.ticket.id == ours
        assert [a.id for a in ticket_attachments(uow, member, AttachmentsOf(ours), FIXED_NOW)] == [
            our_file
        ]
        assert attachment_content(
            uow, member, FetchAttachment(our_file, rules), FIXED_NOW
        ).content == b"%PDF-1.4 secret"
        agent = Actor(desk.colleague, "李娜", Role.AGENT)  # the desk reads every record
        assert ticket_detail(uow, agent, theirs, FIXED_NOW).ticket is not None
