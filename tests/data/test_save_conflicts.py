"""Two desks saving the same record from the same version: the second gets a Conflict naming
who saved, when and what, on SQLite and PostgreSQL, for every edit path that carries a version
(issue 13). The first complaint step is at version 0, which once meant "no check"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.data.complaint_store import ReplyFactsSave, StepSave
from deskui.data.conflict import Conflict
from deskui.data.database import Database
from deskui.data.profile_records import ContactDraft, CustomerDraft
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

LATER = FIXED_NOW + timedelta(minutes=3)
WRITES = ("UPDATE complaint_record", "INSERT INTO complaint_record")


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


def _step(note: str, version: int) -> StepSave:
    return StepSave(
        "complaint", "thank", ("calm", "thank"), {"note": note}, expected_version=version
    )


@pytest.mark.parametrize("saved_before", [0, 1], ids=["first-step", "later-step"])
def test_two_desks_on_one_complaint_step_the_second_gets_a_conflict(
    database: Database, desk: Desk, saved_before: int
) -> None:
    ticket_id = _complaint(database, desk)
    for _ in range(saved_before):
        with UnitOfWork(database) as uow:
            uow.complaints.save_complaint_step(ticket_id, desk.agent, _step("起头", 0), FIXED_NOW)
            uow.commit()
    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        version = first.complaints.complaint(ticket_id).version
        assert second.complaints.complaint(ticket_id).version == version == saved_before
        first.complaints.save_complaint_step(
            ticket_id, desk.colleague, _step("李娜的记录", version), LATER
        )
        first.commit()
        with pytest.raises(Conflict) as raised:
            second.complaints.save_complaint_step(
                ticket_id, desk.agent, _step("王芳的记录", version), LATER
            )
    conflict = raised.value
    assert conflict.saved_by == "李娜" and conflict.saved_at == LATER
    assert conflict.theirs["note"] == "李娜的记录" and conflict.version > version
    with UnitOfWork(database) as uow:
        assert (
            uow.complaints.complaint(ticket_id).answers["note"] == "李娜的记录"
        )  # not overwritten


def test_two_desks_on_one_written_reply_the_second_gets_a_conflict(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)

    def facts(text: str, version: int) -> ReplyFactsSave:
        return ReplyFactsSave("网线老化", "", None, None, "已更换", text, expected_version=version)

    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        version = first.complaints.complaint(ticket_id).version
        first.complaints.save_reply_facts(
            ticket_id, desk.colleague, facts("尊敬的客户：A", version), LATER
        )
        first.commit()
        with pytest.raises(Conflict) as raised:
            second.complaints.save_reply_facts(
                ticket_id, desk.agent, facts("尊敬的客户：B", version), LATER
            )
    assert raised.value.saved_by == "李娜" and raised.value.record == "reply"
    assert raised.value.theirs["reply_text"] == "尊敬的客户：A"


def test_two_desks_on_one_customer_the_second_gets_a_conflict(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        version = first.profiles.customer_detail(desk.customer).version
        draft = CustomerDraft(name="上海星辰电子", id=desk.customer, version=version)
        assert first.profiles.save_customer(draft, desk.colleague, LATER).ok
        first.commit()
        mine = CustomerDraft(name="星辰电子（王芳）", id=desk.customer, version=version)
        result = second.profiles.save_customer(mine, desk.agent, LATER)
    assert result.conflict and result.theirs is not None
    assert result.theirs.saved_by == "李娜" and result.theirs.theirs["name"] == "上海星辰电子"
    assert result.theirs.saved_at == LATER


def test_two_desks_on_one_contact_and_one_assignment_the_second_gets_a_conflict(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        saved = uow.profiles.save_contact(ContactDraft(desk.customer, "陈静"), FIXED_NOW)
        uow.commit()
    assert saved.id is not None and saved.version is not None
    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        edit = ContactDraft(desk.customer, "陈静静", id=saved.id, version=saved.version)
        assert first.profiles.save_contact(edit, LATER).ok
        first.commit()
        mine = ContactDraft(desk.customer, "陈小静", id=saved.id, version=saved.version)
        assert second.profiles.save_contact(mine, LATER).conflict
        assert second.profiles.remove_contact(saved.id, saved.version, LATER).conflict
    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        version = first.profiles.customer_detail(desk.customer).version
        assert first.profiles.reassign(desk.customer, desk.colleague, version, LATER).ok
        first.commit()
        assert second.profiles.reassign(desk.customer, desk.agent, version, LATER).conflict


@pytest.mark.parametrize("saved_before", [0, 1], ids=["first-step", "later-step"])
def test_two_desks_writing_at_the_same_moment_the_second_gets_a_conflict(
    database: Database, desk: Desk, saved_before: int
) -> None:
    """Both read the same version and both pass the check; the first holds its write
    uncommitted while the second writes: the second's UPDATE ... WHERE version matches no
    row once the first commits (or, on the first step, its INSERT meets the first's key),
    which is a Conflict too, not a driver error."""
    import threading

    from sqlalchemy import event

    ticket_id = _complaint(database, desk)
    for _ in range(saved_before):
        with UnitOfWork(database) as uow:
            uow.complaints.save_complaint_step(ticket_id, desk.agent, _step("起头", 0), FIXED_NOW)
            uow.commit()
    writing = threading.Event()
    outcome: list[BaseException | None] = []

    def second_desk() -> None:
        try:
            with UnitOfWork(database) as uow:
                uow.complaints.save_complaint_step(
                    ticket_id, desk.agent, _step("王芳的记录", saved_before), LATER
                )
                uow.commit()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    second = threading.Thread(target=second_desk)

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.current_thread() is second and statement.startswith(WRITES):
            writing.set()  # the second desk's write is on its way (it waits for the first)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with UnitOfWork(database) as first:
            first.complaints.save_complaint_step(
                ticket_id, desk.colleague, _step("李娜的记录", saved_before), LATER
            )
            second.start()
            assert writing.wait(10)
            first.commit()
        second.join(10)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert outcome[0].saved_by == "李娜" and outcome[0].theirs["note"] == "李娜的记录"
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).answers["note"] == "李娜的记录"
