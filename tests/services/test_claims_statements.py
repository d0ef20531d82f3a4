"""What a claim of the shared queue and the call's save cost the database (issue 27: fifty
agents flat out on one PostgreSQL queue behind each other's statements), on SQLite and
PostgreSQL, with everything each still writes: the version check, the deadline, the history
and the change feed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role, SubjectType
from deskui.services.actor import Actor
from deskui.services.claims import claim_next_callback
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

SATISFIED = {"satisfaction": "satisfied"}


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    """The statements sent to the server meanwhile (BEGIN and COMMIT are no statements)."""
    sent: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)


def _shared_callback(database: Database, desk: Desk) -> int:
    with UnitOfWork(database) as uow:
        callback_id = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(), shared=True
        )
        uow.commit()
    return callback_id


def test_a_claim_and_its_save_write_everything_in_two_statements_each(
    database: Database, desk: Desk
) -> None:
    """PostgreSQL: the claim is one UPDATE taking the first free row (SKIP LOCKED) and the
    commit's one statement (its deadline moved to the agent's desk and team, the history
    event, the change feed rows, the NOTIFY); the save is the UPDATE carrying the version
    check and the commit's statement (the deadline met, the event, the feed). They were 6
    and 6 (a read, two flushes of the callback, the deadline's read and write, the event's
    INSERT). SQLite writes each of them as a statement of its own: 4 each."""
    callback_id = _shared_callback(database, desk)
    expected = 2 if database.engine.dialect.name == "postgresql" else 4
    with _statements(database) as claim, UnitOfWork(database) as uow:
        claimed = claim_next_callback(uow, Actor(desk.agent, "", Role.AGENT), None, FIXED_NOW)
    assert claimed == callback_id
    assert len(claim) == expected, claim
    with UnitOfWork(database) as uow:
        version = uow.callbacks.callback_detail(callback_id).version
        deadline = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == SubjectType.CALLBACK,
                m.Deadline.subject_id == callback_id,
            )
        ).one()
        assert (deadline.owner_id, deadline.team, deadline.met_at) == (desk.agent, "north", None)
        deadline_id = deadline.id
    with _statements(database) as save, UnitOfWork(database) as uow:
        uow.callbacks.record_callback(
            callback_id, desk.agent, FIXED_NOW, SATISFIED, "已回访", expected_version=version
        )
        uow.commit()
    assert len(save) == expected, save
    with UnitOfWork(database) as uow:
        callback = uow.session.get_one(m.Callback, callback_id)
        assert (callback.status, callback.done_by_id, callback.done_at) == (
            "done",
            desk.agent,
            FIXED_NOW,
        )
        assert (callback.outcome, callback.notes, callback.version) == (
            "satisfied",
            "已回访",
            version + 1,
        )
        assert (callback.updated_by_id, callback.updated_at) == (desk.agent, FIXED_NOW)
        assert uow.session.get_one(m.Deadline, deadline_id).met_at == FIXED_NOW
        actions = [action for _, action, _, _ in uow.callbacks.callback_events(callback_id)]
        assert actions[-2:] == ["claimed", "done"] and actions.count("done") == 1
        fed = set(uow.session.execute(select(m.Change.entity, m.Change.entity_id)).all())
        assert {("callback", callback_id), ("deadline", deadline_id)} <= fed


def test_a_save_at_a_version_another_desk_moved_on_writes_nothing(
    database: Database, desk: Desk
) -> None:
    callback_id = _shared_callback(database, desk)
    with UnitOfWork(database) as uow:
        claim_next_callback(uow, Actor(desk.agent, "", Role.AGENT), None, FIXED_NOW)
    with UnitOfWork(database) as uow:
        version = uow.callbacks.callback_detail(callback_id).version
    with UnitOfWork(database) as uow:
        uow.callbacks.record_callback(
            callback_id, desk.colleague, FIXED_NOW, SATISFIED, "李娜的", expected_version=version
        )
        uow.commit()
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as raised:
        uow.callbacks.record_callback(
            callback_id, desk.agent, FIXED_NOW, SATISFIED, "王芳的", expected_version=version
        )
    with UnitOfWork(database) as uow:
        stored = uow.session.get_one(m.Callback, callback_id)
        assert stored.notes == "李娜的" and stored.version > version
        assert (raised.value.saved_by, raised.value.version) == ("李娜", stored.version)
        done = [a for _, a, _, _ in uow.callbacks.callback_events(callback_id) if a == "done"]
        assert done == ["done"]


def test_a_callback_the_session_holds_and_its_history_show_the_save_before_the_commit(
    database: Database, desk: Desk
) -> None:
    """The save writes past the ORM: what the transaction holds of the callback is written
    first (at the version the form loaded) and read again after, and its history read in
    the same transaction has the event held for the commit."""
    callback_id = _shared_callback(database, desk)
    with UnitOfWork(database) as uow:
        held = uow.session.get_one(m.Callback, callback_id)
        assert held.done_at is None
        held.sales_note = "先问过销售"  # changed in this transaction, not yet written
        uow.callbacks.record_callback(
            callback_id, desk.agent, FIXED_NOW, SATISFIED, "记下", expected_version=held.version
        )
        assert (held.done_at, held.notes, held.status) == (FIXED_NOW, "记下", "done")
        assert held.sales_note == "先问过销售"
        assert uow.callbacks.callback_history(callback_id)[0].action == "callback_done"
        uow.commit()
    with UnitOfWork(database) as uow:
        actions = [action for _, action, _, _ in uow.callbacks.callback_events(callback_id)]
    assert actions[-1] == "done" and actions.count("done") == 1  # not again at the commit


def test_the_desks_save_asks_three_small_reads_before_it_writes(
    database: Database, desk: Desk
) -> None:
    """The service's save (the call screen's): the callback's state, whose it is, and its
    life at the form's version, each three columns; then the save's two statements
    (PostgreSQL; SQLite four). It read the whole standing first (every history line with
    names, the saver's and owner's rows, the newest event) and the callback twice as
    objects: 14 statements on PostgreSQL. A callback moved away is still refused
    (tests/screens/test_work_moved_away.py, tests/services/test_callback_service.py)."""
    from deskui.services.callbacks import RecordCallback, record_callback

    callback_id = _shared_callback(database, desk)
    agent = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        claim_next_callback(uow, agent, None, FIXED_NOW)
    with UnitOfWork(database) as uow:
        version = uow.callbacks.callback_detail(callback_id).version
    answers = {"convenient": "yes", "feedback": "很好", "satisfaction": "satisfied"}
    with _statements(database) as save, UnitOfWork(database) as uow:
        record_callback(uow, agent, RecordCallback(callback_id, answers, version), FIXED_NOW)
    assert len(save) == (5 if database.engine.dialect.name == "postgresql" else 7), save
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).status == "done"
