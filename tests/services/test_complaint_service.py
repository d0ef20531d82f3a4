"""What happens when an agent saves a complaint step, as one service (issue 15): the step
with its version check, the fix recorded, the satisfaction callback, the lead's takeover,
one commit; refused for a role that may not work the desk."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.complaints import (
    ComplaintOf,
    ComplaintPage,
    ComplaintsOf,
    SaveComplaintStep,
    StepRefused,
    complaint_case,
    complaint_count,
    complaint_page,
    save_complaint_step,
)
from deskui.services.errors import Conflict
from deskui.services.standing import MovedAway
from deskui.services.tickets import (
    CustomerTold,
    ReassignTicket,
    reassign_ticket,
    record_customer_told,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

LATER = FIXED_NOW + timedelta(minutes=5)
FULL: dict[str, object] = {
    "customer_words": "设备三天坏两次",
    "promised_at": "16:00",
    "contact_name": "王女士",
    "contact_phone": "13812345678",
    "unit_number": "A-101",
    "complaint": "设备三天坏两次",
    "cause": "电源老化",
}
"""Every answer up to step 6, as the screen collects them."""
TIMES = {
    "commit_mode": "reply",
    "promised_at": FIXED_NOW + timedelta(hours=4),
}


def _walk_to(database: Database, actor: Actor, ticket_id: int, step: str) -> int:
    """Save the steps from the start until `step` is reached; the record's version then."""
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
    leaving, version = case.step or "calm", case.version
    while leaving != step:
        times = TIMES if leaving == "commit" else {}
        with UnitOfWork(database) as uow:
            saved = save_complaint_step(
                uow, actor, _step(ticket_id, version, leaving=leaving, answers=FULL, **times),
                FIXED_NOW,
            )  # fmt: skip
        version, leaving = saved.case.version, saved.case.step
    return version


def _complaint(database: Database, desk: Desk) -> int:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="complaint",
                category="product_complaint",
                channel="phone",
                severity="normal",
                customer_words="设备三天坏两次",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return ticket_id


def _step(ticket_id: int, version: int, **changes: object) -> SaveComplaintStep:
    fields: dict[str, object] = {
        "ticket_id": ticket_id,
        "leaving": "calm",
        "answers": {"customer_words": "设备三天坏两次", "note": "客户很着急"},
        "expected_version": version,
    }
    fields.update(changes)
    return SaveComplaintStep(**fields)  # type: ignore[arg-type]


def test_a_step_saved_then_a_stale_save_is_a_conflict(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        saved = save_complaint_step(uow, me, _step(ticket_id, 0), FIXED_NOW)
    assert saved.case.step == "thank" and saved.case.version == 1 and saved.lead_name == ""
    with UnitOfWork(database) as uow:  # committed by the service, not by the caller
        assert uow.complaints.complaint(ticket_id).answers["note"] == "客户很着急"
    lead = Actor(desk.lead, "张伟", Role.LEAD)  # a lead may work anyone's: the version speaks
    mine = {"customer_words": "设备三天坏两次", "note": "我的"}
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as conflict:
        save_complaint_step(uow, lead, _step(ticket_id, 0, answers=mine), LATER)
    assert conflict.value.version == 1 and not isinstance(conflict.value, MovedAway)
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).answers["note"] == "客户很着急"


def test_escalating_hands_the_complaint_to_the_lead(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    version = _walk_to(database, me, ticket_id, "fix")
    command = _step(ticket_id, version, leaving="fix", answers={**FULL, "fixed_now": "no"})
    with UnitOfWork(database) as uow:
        saved = save_complaint_step(uow, me, command, FIXED_NOW)
    assert saved.lead_name == "张伟" and saved.reached == "escalate"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).owner_id == desk.lead


def test_a_role_outside_the_table_is_denied_and_nothing_is_written(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    stranger = Actor(desk.agent, "王芳", "visitor")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        save_complaint_step(uow, stranger, _step(ticket_id, 0), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).version == 0


def test_services_import_no_textual() -> None:
    """The CLI and the phone-system listener call the services without a UI: importing every
    service module loads no Textual (lint-imports checks the same statically)."""
    code = (
        "import pkgutil, importlib, sys, deskui.services as s\n"
        "for info in pkgutil.iter_modules(s.__path__): importlib.import_module(f's.{info.name}'"
        ".replace('s.', 'deskui.services.', 1))\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_list_is_mine_or_everyones_and_the_case_opens(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        mine = complaint_page(uow, me, ComplaintPage(0, 10, desk.agent), FIXED_NOW)
        theirs = complaint_page(uow, me, ComplaintPage(0, 10, desk.colleague), FIXED_NOW)
        assert [row.ticket_id for row in mine] == [ticket_id] and theirs == []
        assert complaint_count(uow, me, ComplaintsOf(None), FIXED_NOW) == 1
        assert complaint_count(uow, me, ComplaintsOf(desk.colleague), FIXED_NOW) == 0
        case = complaint_case(uow, me, ComplaintOf(ticket_id), FIXED_NOW)
    assert case.customer_words == "设备三天坏两次" and case.version == 0
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        complaint_case(uow, Actor(desk.agent, "王芳", "visitor"), ComplaintOf(ticket_id), FIXED_NOW)


# -- issue 24: the command says what the agent did; the script decides what follows --------


def test_the_probe_cannot_say_where_the_step_leads(database: Database, desk: Desk) -> None:
    """`save_complaint_step(leaving="calm", target="closed", final=True)` closed a complaint at
    step 1 of 7: the command has no target nor final any more, and a step 1 saved with every
    answer (even "satisfied") leads to step 2, never to the close."""
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with pytest.raises(TypeError):
        SaveComplaintStep(  # type: ignore[call-arg]
            ticket_id=ticket_id, leaving="calm", target="closed", final=True,
            answers={"customer_words": "x"}, expected_version=0,
        )  # fmt: skip
    answers = {**FULL, "fixed_now": "yes", "satisfied": "yes", "action_taken": "修好了"}
    with UnitOfWork(database) as uow:
        saved = save_complaint_step(uow, me, _step(ticket_id, 0, answers=answers), FIXED_NOW)
    assert saved.reached == "thank" and saved.case.path == ("calm", "thank")
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert ticket.status != "closed" and ticket.closed_at is None


def test_leaving_a_step_never_reached_is_refused(database: Database, desk: Desk) -> None:
    """At step 1 of 7, leaving step 7 (`confirm`, satisfied) would close the case: refused,
    nothing written."""
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    answers = {**FULL, "satisfied": "yes", "callback_time": "明天"}
    command = _step(ticket_id, 0, leaving="confirm", answers=answers, callback_at=LATER)
    with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
        save_complaint_step(uow, me, command, FIXED_NOW)
    assert refused.value.reason == "not_on_path"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).status == "open"
        assert uow.complaints.complaint(ticket_id).version == 0
        assert not uow.session.scalars(
            select(m.Callback).where(m.Callback.ticket_id == ticket_id)
        ).all()


def test_a_step_left_without_its_required_answers_is_refused(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
        save_complaint_step(
            uow, me, _step(ticket_id, 0, answers={"customer_words": "  "}), FIXED_NOW
        )
    assert refused.value.reason == "missing" and refused.value.fields == ("customer_words",)
    version = _walk_to(database, me, ticket_id, "commit")
    with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:  # no time given
        save_complaint_step(
            uow, me, _step(ticket_id, version, leaving="commit", answers=FULL), FIXED_NOW
        )
    assert refused.value.fields == ("promised_at",)
    past = {"commit_mode": "reply", "promised_at": FIXED_NOW - timedelta(hours=1)}
    with UnitOfWork(database) as uow, pytest.raises(StepRefused):  # a promise in the past
        save_complaint_step(
            uow, me, _step(ticket_id, version, leaving="commit", answers=FULL, **past), FIXED_NOW
        )
    version = _walk_to(database, me, ticket_id, "fix")
    maybe = {**FULL, "fixed_now": "也许"}  # an answer the step does not offer
    with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
        save_complaint_step(
            uow, me, _step(ticket_id, version, leaving="fix", answers=maybe), FIXED_NOW
        )
    assert refused.value.reason == "no_next"
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
        assert case.step == "fix" and case.version == version


def test_a_valid_walk_through_all_seven_steps_closes(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    version = _walk_to(database, me, ticket_id, "fix")
    answers = {**FULL, "fixed_now": "yes", "action_taken": "换了电源"}
    for leaving, extra in (
        ("fix", {}),
        ("resolved", {}),
        ("confirm", {"callback_at": FIXED_NOW + timedelta(days=1)}),
    ):
        if leaving == "confirm":
            answers = {**answers, "satisfied": "yes", "callback_time": "明天 10:00"}
        with UnitOfWork(database) as uow:
            with UnitOfWork(database) as check:
                assert check.session.get_one(m.Ticket, ticket_id).status != "closed"
            saved = save_complaint_step(
                uow, me, _step(ticket_id, version, leaving=leaving, answers=answers, **extra),
                FIXED_NOW,
            )  # fmt: skip
        version = saved.case.version
    assert saved.reached == "closed"
    assert saved.case.path == (
        "calm", "thank", "apology", "commit", "gather", "fix", "resolved", "confirm", "closed"
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.answer == "换了电源"
        callback = uow.session.scalars(
            select(m.Callback).where(m.Callback.ticket_id == ticket_id)
        ).one()
        assert callback.purpose == "after_complaint"
    with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:  # closed: no more steps
        save_complaint_step(
            uow, me, _step(ticket_id, version, leaving="closed", answers=answers), LATER
        )
    assert moved.value.closed


def test_every_locale_walks_the_same_steps() -> None:
    """The service walks the zh-CN files: every locale's script has the same steps, answers
    required and branches (only the words differ)."""
    from deskui.scripts import available_scripts, load_script

    for name in available_scripts("zh-CN"):
        zh, en = load_script(name, "zh-CN"), load_script(name, "en")
        shape = [
            (s.id, s.requires, s.ask, s.options, s.next, s.branches, s.final)
            for s in zh.steps.values()
        ]
        assert shape == [
            (s.id, s.requires, s.ask, s.options, s.next, s.branches, s.final)
            for s in en.steps.values()
        ], name
        assert zh.start == en.start


# -- issue 23: a save onto a ticket no longer the agent's ------------------------------------


def test_a_step_saved_onto_a_ticket_reassigned_away_is_refused_naming_the_new_owner(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:
        version = uow.session.get_one(m.Ticket, ticket_id).version
        reassign_ticket(uow, lead, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
        save_complaint_step(uow, me, _step(ticket_id, 0), LATER)
    assert moved.value.owner == "李娜" and moved.value.by == "张伟" and not moved.value.closed
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).version == 0  # nothing written
    colleague = Actor(desk.colleague, "李娜", Role.AGENT)  # the new owner saves
    with UnitOfWork(database) as uow:
        assert save_complaint_step(uow, colleague, _step(ticket_id, 0), LATER).reached == "thank"


def test_an_agent_cannot_save_onto_another_agents_complaint(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    other = Actor(desk.colleague, "李娜", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
        save_complaint_step(uow, other, _step(ticket_id, 0), FIXED_NOW)
    assert moved.value.owner == "王芳"


def test_the_customer_told_onto_a_ticket_given_away_is_refused(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:
        version = uow.session.get_one(m.Ticket, ticket_id).version
        reassign_ticket(uow, lead, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
        record_customer_told(uow, me, CustomerTold(ticket_id), LATER)
    assert moved.value.owner == "李娜" and moved.value.record == "ticket"


def test_only_a_complaint_walks_the_complaint_script(database: Database, desk: Desk) -> None:
    """A direct call (a script, the phone bridge) naming a question's ticket, or no ticket at
    all, is refused by the service: the script never runs on a ticket that is no complaint
    (it would close or escalate it), and no driver error reaches the caller."""
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        question = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="question",
                category="product_complaint",
                channel="phone",
                severity="normal",
                customer_words="怎么开机",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    for ticket_id in (question, question + 1000):
        with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
            save_complaint_step(uow, me, _step(ticket_id, 0), FIXED_NOW)
        assert refused.value.reason == "not_a_complaint"
    with UnitOfWork(database) as uow:
        assert uow.session.get(m.ComplaintRecord, question) is None
        assert uow.session.get_one(m.Ticket, question).status == "open"


def test_a_reply_promised_two_months_out_is_refused_without_the_screens_calendar(
    database: Database, desk: Desk
) -> None:
    """Step 4's reply is promised within one working day (seed 001:6.4) whoever calls: a
    command without the desk's calendar (a script, the phone bridge) is held to the calendar
    the database keeps, not let through; a resolution time may lie further out."""
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    version = _walk_to(database, me, ticket_id, "commit")
    far = FIXED_NOW + timedelta(days=60)
    for mode in ("reply", ""):
        command = _step(
            ticket_id, version, leaving="commit", answers=FULL, commit_mode=mode, promised_at=far
        )
        with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
            save_complaint_step(uow, me, command, FIXED_NOW)
        assert refused.value.reason == "times" and refused.value.fields == ("promised_at",)
    command = _step(
        ticket_id, version, leaving="commit", answers=FULL, commit_mode="resolution",
        promised_at=far,
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        assert save_complaint_step(uow, me, command, FIXED_NOW).reached == "gather"


def test_answers_past_their_fields_limits_are_refused_by_the_service(
    database: Database, desk: Desk
) -> None:
    """The form refuses a field past its kind's limit before it saves; a direct call is held
    to the same limits by the service (a 2 MB cause, a unit number of 300 characters, an
    answer the form does not have), nothing written."""
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    version = _walk_to(database, me, ticket_id, "gather")
    for extra, field in (
        ({"cause": "因" * 2_000_000}, "cause"),
        ({"unit_number": "A" * 300}, "unit_number"),
        ({"anything": "x" * 5000}, "anything"),
    ):
        command = _step(ticket_id, version, leaving="gather", answers={**FULL, **extra})
        with UnitOfWork(database) as uow, pytest.raises(StepRefused) as refused:
            save_complaint_step(uow, me, command, FIXED_NOW)
        assert refused.value.reason == "too_long" and refused.value.fields == (field,)
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
    assert case.version == version and case.step == "gather"
