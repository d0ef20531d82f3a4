"""The desk's one query: open deadlines by due time, windowed, per owner or team."""

from __future__ import annotations

from datetime import timedelta

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import DeadlineKind, SubjectType
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

# (label, owner, team, due in hours from FIXED_NOW); inserted out of order on purpose
ROWS = (
    ("c", "agent", "north", 5),
    ("a", "agent", "north", -2),  # already overdue: first
    ("e", "colleague", "south", 30),
    ("b", "colleague", "south", 1),
    ("d", "agent", "north", 7),
    ("f", None, "north", 48),  # nobody's yet: in the team's list, in no agent's
)


def _fill(database: Database, desk: Desk) -> dict[str, int]:
    owners = {"agent": desk.agent, "colleague": desk.colleague, None: None}
    ids: dict[str, int] = {}
    with UnitOfWork(database) as uow:
        for number, (label, owner, team, hours) in enumerate(ROWS, start=1):
            ids[label] = uow.deadlines.add_deadline(
                DeadlineKind.CALLBACK,
                SubjectType.CALLBACK,
                number,
                owners[owner],
                FIXED_NOW - timedelta(days=1),
                FIXED_NOW + timedelta(hours=hours),
                label=label,
                customer_id=desk.customer,
                team=team,
            )
        uow.commit()
    return ids


def test_work_rows_are_ordered_by_due_and_windowed(database: Database, desk: Desk) -> None:
    _fill(database, desk)
    with UnitOfWork(database) as uow:
        everything = uow.work.work_rows(0, 100)
        assert [r.label for r in everything] == ["a", "b", "c", "d", "e", "f"]
        assert [r.due_at for r in everything] == sorted(r.due_at for r in everything)
        assert uow.work.work_count() == 6
        assert [r.label for r in uow.work.work_rows(0, 2)] == ["a", "b"]
        assert [r.label for r in uow.work.work_rows(2, 3)] == ["c", "d", "e"]
        assert [r.label for r in uow.work.work_rows(5, 10)] == ["f"]
        assert uow.work.work_rows(6, 10) == []
        first = everything[0]
        assert first.customer_name == "上海星辰电子有限公司"
        assert first.owner_name == "王芳"
        assert first.kind == "callback"
        assert everything[-1].owner_name == ""


def test_work_rows_filter_by_owner_and_team(database: Database, desk: Desk) -> None:
    _fill(database, desk)
    with UnitOfWork(database) as uow:
        mine = uow.work.work_rows(0, 100, owner_id=desk.agent)
        assert [r.label for r in mine] == ["a", "c", "d"]
        assert {r.owner_name for r in mine} == {"王芳"}
        assert uow.work.work_count(owner_id=desk.agent) == 3
        assert [r.label for r in uow.work.work_rows(1, 1, owner_id=desk.agent)] == ["c"]
        assert [r.label for r in uow.work.work_rows(0, 100, team="south")] == ["b", "e"]
        assert [r.label for r in uow.work.work_rows(0, 100, team="north")] == ["a", "c", "d", "f"]
        assert uow.work.work_count(team="north") == 4
        assert uow.work.work_rows(0, 100, owner_id=desk.agent, team="south") == []
        assert uow.work.work_count(owner_id=desk.lead) == 0


def test_met_deadlines_leave_the_lists(database: Database, desk: Desk) -> None:
    ids = _fill(database, desk)
    met_at = FIXED_NOW + timedelta(minutes=5)
    with UnitOfWork(database) as uow:
        since = uow.changes.last_change_id()
        uow.deadlines.meet_deadlines(SubjectType.CALLBACK, 1, met_at)  # "c"
        uow.deadlines.meet_deadlines(SubjectType.CALLBACK, 2, met_at, kind="first_contact")  # no-op
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [r.label for r in uow.work.work_rows(0, 100)] == ["a", "b", "d", "e", "f"]
        assert uow.work.work_count(owner_id=desk.agent) == 2
        changes = uow.changes.changes_since(since)
        assert [(entity, entity_id) for _, entity, entity_id in changes] == [("deadline", ids["c"])]
        assert changes[0][0] > since


def test_meet_deadlines_only_touches_its_subject_and_kind(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        for kind in (DeadlineKind.FIRST_CONTACT, DeadlineKind.REPEAT_CONTACT):
            for subject in (7, 8):
                uow.deadlines.add_deadline(
                    kind, SubjectType.TICKET, subject, desk.agent, FIXED_NOW,
                    FIXED_NOW + timedelta(hours=4), label=f"{kind}-{subject}",
                )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        uow.deadlines.meet_deadlines(SubjectType.TICKET, 7, FIXED_NOW, kind="first_contact")
        uow.commit()
    with UnitOfWork(database) as uow:
        labels = {r.label for r in uow.work.work_rows(0, 100)}
        assert labels == {"first_contact-8", "repeat_contact-7", "repeat_contact-8"}
        uow.deadlines.meet_deadlines(SubjectType.TICKET, 8, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [r.label for r in uow.work.work_rows(0, 100)] == ["repeat_contact-7"]
