"""The incoming call as services (issue 15; seed 002:2.2-2.3), on SQLite and PostgreSQL: the
lookup finds the caller and their card in one hop, recording a call writes the ticket and
drops the intake draft, a queued call saved later keeps a draft of another call, and a role
outside the table may not record one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.domain.search import classify
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.intake import (
    CallIntake,
    HistoryPage,
    RecordCall,
    SaveIntakeDraft,
    callers_and_card,
    customer_card,
    history_count,
    history_page,
    intake_reference,
    record_call,
    record_queued_call,
    save_intake_draft,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def _call(desk: Desk, words: str) -> CallIntake:
    return CallIntake("question", "billing", "phone", "normal", words, customer_id=desk.customer)


def test_a_number_finds_its_caller_and_a_call_drops_the_draft(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow:
        found = callers_and_card(uow, agent, classify("021 5555 0101"), FIXED_NOW)
        assert [m.customer_id for m in found.matches] == [desk.customer]
        assert found.card is not None and found.card.customer.id == desk.customer
        by_name = callers_and_card(uow, agent, classify("星辰"), FIXED_NOW)
        assert by_name.card is None  # a name is no proof: the agent picks
        save_intake_draft(uow, agent, SaveIntakeDraft({"words": "发票"}), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert intake_reference(uow, agent, None, FIXED_NOW).draft == {"words": "发票"}
        saved = record_call(uow, agent, RecordCall(_call(desk, "发票还没收到")), FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed by the service, the draft with it
        assert intake_reference(uow, agent, None, FIXED_NOW).draft is None
        assert history_count(uow, agent, desk.customer, FIXED_NOW) == 1
        rows = history_page(uow, agent, HistoryPage(desk.customer, 0, 5), FIXED_NOW)
        assert [r.summary for r in rows] == ["发票还没收到"]
        assert uow.tickets.tickets(saved.ticket_id)[0].owner_name == "王芳"


def test_a_queued_call_lands_at_its_time_and_keeps_another_calls_draft(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    taken = FIXED_NOW - timedelta(minutes=5)
    with UnitOfWork(database) as uow:
        save_intake_draft(uow, agent, SaveIntakeDraft({"words": "下一位客户"}), FIXED_NOW)
    with UnitOfWork(database) as uow:
        saved = record_queued_call(uow, agent, RecordCall(_call(desk, "发票还没收到")), taken)
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets(saved.ticket_id)[0].opened_at == taken
        assert intake_reference(uow, agent, None, FIXED_NOW).draft == {"words": "下一位客户"}


def test_a_role_outside_the_table_records_no_call(database: Database, desk: Desk) -> None:
    visitor = Actor(desk.agent, "王芳", "visitor", "north")
    with UnitOfWork(database) as uow:
        with pytest.raises(Denied) as denied:
            record_call(uow, visitor, RecordCall(_call(desk, "发票")), FIXED_NOW)
        assert denied.value.action is Action.WORK_OWN
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets() == []


@pytest.mark.parametrize(("role", "masked"), [(Role.AGENT, False), (Role.DEPARTMENT, True)])
def test_a_role_the_site_masks_sees_138_stars_5678(
    database: Database, desk: Desk, role: str, masked: bool
) -> None:
    """Issue 16: phones and e-mail masked for the roles privacy.masked names (default:
    department members); the lookup still finds the caller by the whole number."""
    actor = Actor(desk.agent, "王芳", role, "north")
    with UnitOfWork(database) as uow:
        found = callers_and_card(uow, actor, classify("021 5555 0101"), FIXED_NOW)
        card = customer_card(uow, actor, desk.customer, FIXED_NOW)
    assert [m.customer_id for m in found.matches] == [desk.customer]
    assert found.card is not None
    phones = [found.matches[0].phone_e164, found.card.customer.phone_e164, card.customer.phone_e164]
    if masked:
        assert phones == ["021****0101"] * 3
    else:
        assert phones == ["+862155550101"] * 3


# -- issue 24: the service refuses what the form refuses, whoever calls it ---------------------


def _intake(desk: Desk, **changes: object) -> CallIntake:
    call = CallIntake(
        "question", "product_enquiry", "phone", "normal", "发票还没收到", customer_id=desk.customer
    )
    return replace(call, **changes)  # type: ignore[arg-type]


def test_an_agents_call_with_blank_words_is_refused_and_nothing_is_written(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        record_call(uow, agent, RecordCall(_intake(desk, customer_words="  \n ")), FIXED_NOW)
    assert (refused.value.field, refused.value.key) == ("words", "intake.error.words_required")
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets() == []


def test_only_a_lead_sends_a_call_to_a_department_routing_did_not_propose(
    database: Database, desk: Desk
) -> None:
    """seed 002:2.3.2: a product enquiry goes to the business department; an agent's command
    naming the platform group is refused, a lead's is kept, the proposal is anyone's."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    elsewhere = RecordCall(_intake(desk, department_code="platform"))
    with UnitOfWork(database) as uow:
        with pytest.raises(Invalid) as refused:
            record_call(uow, agent, elsewhere, FIXED_NOW)
        assert refused.value.problems == (
            FieldProblem("department", "intake.error.department_lead_only"),
        )
    with UnitOfWork(database) as uow, pytest.raises(Invalid):  # the queued path: the same gate
        record_queued_call(uow, agent, elsewhere, FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets() == []
        proposed = record_call(
            uow, agent, RecordCall(_intake(desk, department_code="business")), FIXED_NOW
        )
        chosen = record_call(uow, lead, elsewhere, FIXED_NOW)
    assert (proposed.department_code, chosen.department_code) == ("business", "platform")


_CHOICE = "intake.error.choice_required"
_FORWARDED = {"kind": "complaint", "category": "network_line", "channel": "department"}
_TOMORROW = {
    **_FORWARDED,
    "forwarded_by": "business",
    "received_by_department_on": date(2026, 11, 24),
}
INVALID_CALLS = [
    ({"kind": "rumour"}, "kind", _CHOICE),
    ({"severity": "whenever"}, "severity", _CHOICE),
    ({"channel": "pigeon"}, "channel", _CHOICE),
    ({"category": ""}, "category", _CHOICE),
    ({"customer_words": "字" * 4001}, "words", "intake.error.too_long"),
    ({"customer_id": None}, "new_customer", "intake.error.customer_required"),
    ({"customer_id": None, "new_customer_name": "新", "caller_phone": "12"}, "phone", None),
    ({"kind": "complaint", "close_now": True, "answer": "好"}, "answer",
     "intake.error.only_questions_close"),
    ({"close_now": True, "answer": " "}, "answer", "intake.error.answer_required"),
    ({"close_now": True, "answer": "这个我不知道"}, "answer", "intake.error.conduct"),
    (_FORWARDED, "forwarded_by", "intake.error.forwarded_by_required"),
    (_TOMORROW, "forwarded_on", "intake.error.forwarded_on_future"),
    # the caller's e-mail and fax (issue 26): hostile values refused beside their fields
    ({"caller_email": "[b]x[/b]@example.com"}, "email", "intake.error.email_invalid"),
    ({"caller_email": "a@b.cn\x1b]52;c;x\x07"}, "email", "intake.error.email_invalid"),
    ({"caller_email": "a\x00@b.cn"}, "email", "intake.error.email_invalid"),
    ({"caller_email": "a@b.cn" + "x" * 2_000_000}, "email", "intake.error.too_long"),
    ({"caller_fax": "传真号码"}, "fax", None),
    ({"caller_fax": "010 8888\x1b[2J"}, "fax", None),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "key"), INVALID_CALLS)
def test_an_invalid_call_is_refused_with_the_forms_reason(
    database: Database, desk: Desk, changes: dict[str, object], field: str, key: str
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        record_call(uow, agent, RecordCall(_intake(desk, **changes)), FIXED_NOW)
    assert refused.value.field == field
    assert refused.value.key == key or key is None  # a phone's own reason (phone.*)
    assert has_key(refused.value.key)
    with UnitOfWork(database) as uow:
        assert uow.tickets.tickets() == []


def test_the_callers_e_mail_and_fax_are_kept_beside_the_phone(
    database: Database, desk: Desk
) -> None:
    """seed 002:2.2.1: the record holds the caller's phone, fax and e-mail; the detail a
    masked role reads hides them as it hides the phone."""
    from deskui.services.tickets import ticket_detail

    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    call = _intake(
        desk,
        caller_email=" li.lei@example.com ",
        caller_fax="+862188886666",
        department_code="technical",  # a member reads only their department's records
    )
    with UnitOfWork(database) as uow:
        lead = Actor(desk.lead, "张伟", Role.LEAD, "north")  # a lead routes it
        saved = record_call(uow, lead, RecordCall(call), FIXED_NOW)
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        ticket = uow.tickets.tickets(saved.ticket_id)[0]
        assert (ticket.caller_email, ticket.caller_fax) == ("li.lei@example.com", "+862188886666")
        shown = ticket_detail(uow, agent, saved.ticket_id, FIXED_NOW).ticket
        member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
        hidden = ticket_detail(uow, member, saved.ticket_id, FIXED_NOW).ticket
    assert shown is not None and shown.caller_email == "li.lei@example.com"
    assert hidden is not None and "*" in hidden.caller_email and "*" in hidden.caller_fax
def test_a_customer_filed_at_intake_goes_to_the_agent_the_balance_names(
    database: Database, desk: Desk
) -> None:
    """seed 000:1.3, issue 26: a new caller's customer was kept by whoever took the call;
    it is shared out as every customer is (王芳 holds one already, 李娜 none: 李娜), with
    its filings, and a second one then evens the two out to 王芳 again."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow:
        uow.session.get_one(m.Customer, desk.customer).assigned_agent_id = desk.agent
        uow.commit()
    new = CallIntake(
        "question", "product_enquiry", "phone", "normal", "想了解价格",
        caller_phone="+8613755556666", new_customer_name="瑞丰商贸",
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        first = record_call(uow, agent, RecordCall(new), FIXED_NOW)
    with UnitOfWork(database) as uow:
        second = record_call(
            uow, agent, RecordCall(replace(new, caller_phone="", new_customer_name="天合")),
            FIXED_NOW,
        )  # fmt: skip
    with UnitOfWork(database) as uow:
        held = {
            c: uow.session.get_one(m.Customer, c).assigned_agent_id
            for c in (first.customer_id, second.customer_id)
        }
        assert held == {first.customer_id: desk.colleague, second.customer_id: desk.agent}
        filings = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.kind == "profile_filing",
                m.Deadline.subject_id == first.customer_id,
            )
        ).all()
        assert sorted(f.note for f in filings) == ["cs", "personal_notes"]
        assert {f.owner_id for f in filings} == {desk.colleague}  # the filings go with it
