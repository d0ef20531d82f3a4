"""Many agents, one database (issue 16): two desks edit the same callback, handover item or
order from the same version. The first saves; the second, with the version its form loaded,
gets a Conflict naming who saved, when and what, and nothing of it is written; saved again
with the version now stored (the conflict view's Ctrl+S) it goes through. On SQLite and
PostgreSQL, for every edit path of the three services.

`read_early` has the second desk read the row in its own transaction before the first
commits, as a form's load does: its check then passes on what it read, and the stale
UPDATE ... WHERE version = ... (no row) is what turns into the Conflict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.callbacks import (
    BookCallback,
    ReassignCallback,
    RecordCallback,
    RecordSalesConfirmation,
    book_callback,
    reassign_callback,
    record_callback,
    record_sales_confirmation,
)
from deskui.services.handover import (
    AcknowledgeHandover,
    AddHandoverItem,
    FinishHandoverItem,
    HandOver,
    NewHandoverItem,
    ReassignHandoverItem,
    UpdateHandoverItem,
    acknowledge_handover,
    add_handover_item,
    finish_handover_item,
    hand_over,
    reassign_handover_item,
    update_handover_item,
)
from deskui.services.orders import (
    AddOrder,
    AnswerParcel,
    ChaseParcel,
    FollowUpUnpaid,
    RecordReturnStep,
    RegisterUnshipped,
    VoidOrder,
    add_order,
    answer_parcel,
    chase_parcel,
    follow_up_unpaid,
    record_return_step,
    register_unshipped,
    void_order,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
LATER = FIXED_NOW + timedelta(minutes=3)
AFTERNOON = datetime(2026, 11, 24, 15, 0, tzinfo=SH)
THEIRS = "李娜已联系客户"


def wang(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def lina(desk: Desk) -> Actor:
    return Actor(desk.colleague, "李娜", Role.AGENT, "south")


def zhang(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


@dataclass(frozen=True)
class Path:
    """One edit path: the record it edits, 李娜's save that comes first, and this desk's."""

    model: type[Any]
    setup: Callable[[Database, Desk], int]
    first: Callable[[UnitOfWork, Desk, int, int], object]
    service: Callable[..., object]
    mine: Callable[[int, int], Any]
    actor: Callable[[Desk], Actor]
    theirs: tuple[str, str]
    """A field of the Conflict's `theirs` and what 李娜 saved there."""


# -- the records ------------------------------------------------------------------------------


def _callback(database: Database, desk: Desk) -> int:
    with UnitOfWork(database) as uow:
        callback_id = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent,
            due_at=FIXED_NOW + timedelta(hours=1),
        )  # fmt: skip
        uow.commit()
    return callback_id


def _item(database: Database, desk: Desk) -> int:
    new = NewHandoverItem("return", "退货待协商", "买家小周", "已联系", "等快递", "")
    with UnitOfWork(database) as uow:
        return add_handover_item(uow, wang(desk), AddHandoverItem(new), FIXED_NOW)


def _handed_item(database: Database, desk: Desk) -> int:
    item_id = _item(database, desk)
    with UnitOfWork(database) as uow:
        hand_over(uow, wang(desk), HandOver(desk.lead), FIXED_NOW)
    return item_id


def _order(paid: bool) -> Callable[[Database, Desk], int]:
    def setup(database: Database, desk: Desk) -> int:
        fields = {"number": "T20261201", "shop": "天猫旗舰店", "customer": "买家小周"}
        if paid:
            fields["paid_at"] = "2026-11-22 10:00"
        with UnitOfWork(database) as uow:
            return add_order(uow, wang(desk), AddOrder(fields, "Asia/Shanghai"), FIXED_NOW)

    return setup


# -- 李娜's saves, first ----------------------------------------------------------------------


def _lina_books(uow: UnitOfWork, desk: Desk, callback_id: int, version: int) -> object:
    command = BookCallback(callback_id, AFTERNOON, version, {}, THEIRS, CAL)
    return book_callback(uow, lina(desk), command, LATER)


def _lina_edits_item(uow: UnitOfWork, desk: Desk, item_id: int, version: int) -> object:
    command = UpdateHandoverItem(item_id, "已退款", THEIRS, "", version)
    return update_handover_item(uow, lina(desk), command, LATER)


def _lina_gives_reason(uow: UnitOfWork, desk: Desk, order_id: int, version: int) -> object:
    command = RegisterUnshipped(order_id, THEIRS, "仓库", version)
    return register_unshipped(uow, lina(desk), command, LATER)


SATISFIED = {"convenient": "yes", "feedback": "很好", "satisfaction": "satisfied"}
"""Answers that walk the routine callback's script to its end (issue 24: the service replays it)."""
CALLBACK = {"model": m.Callback, "setup": _callback, "first": _lina_books}
ITEM = {"model": m.HandoverItem, "setup": _item, "first": _lina_edits_item}
ORDER = {"model": m.Order, "first": _lina_gives_reason}

PATHS = {
    "record_callback": Path(
        **CALLBACK,
        service=record_callback,
        mine=lambda i, v: RecordCallback(i, SATISFIED, v, "王芳回访满意"),
        actor=wang,
        theirs=("notes", THEIRS),
    ),
    "book_callback": Path(
        **CALLBACK,
        service=book_callback,
        mine=lambda i, v: BookCallback(i, AFTERNOON + timedelta(hours=1), v, {}, "王芳约", CAL),
        actor=wang,
        theirs=("notes", THEIRS),
    ),
    "record_sales_confirmation": Path(
        **CALLBACK,
        service=record_sales_confirmation,
        mine=lambda i, v: RecordSalesConfirmation(i, "营销中心 赵磊", True, v),
        actor=wang,
        theirs=("notes", THEIRS),
    ),
    "reassign_callback": Path(
        **CALLBACK,
        service=reassign_callback,
        mine=lambda i, v: ReassignCallback(i, 0, v),  # to 李娜: filled in below
        actor=zhang,
        theirs=("notes", THEIRS),
    ),
    "update_handover_item": Path(
        **ITEM,
        service=update_handover_item,
        mine=lambda i, v: UpdateHandoverItem(i, "已退款", "王芳：寄回换货", "", v),
        actor=wang,
        theirs=("next_step", THEIRS),
    ),
    "finish_handover_item": Path(
        **ITEM,
        service=finish_handover_item,
        mine=lambda i, v: FinishHandoverItem(i, v, "已寄回"),
        actor=wang,
        theirs=("next_step", THEIRS),
    ),
    "reassign_handover_item": Path(
        **ITEM,
        service=reassign_handover_item,
        mine=lambda i, v: ReassignHandoverItem(i, 0, "张伟熟悉", v),  # to the lead: below
        actor=wang,
        theirs=("next_step", THEIRS),
    ),
    "acknowledge_handover": Path(
        model=m.HandoverItem,
        setup=_handed_item,
        first=_lina_edits_item,
        service=acknowledge_handover,
        mine=lambda i, v: AcknowledgeHandover(i, v),
        actor=zhang,
        theirs=("next_step", THEIRS),
    ),
    "register_unshipped": Path(
        **ORDER,
        setup=_order(paid=True),
        service=register_unshipped,
        mine=lambda i, v: RegisterUnshipped(i, "王芳：快递未揽收", "快递", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
    "chase_parcel": Path(
        **ORDER,
        setup=_order(paid=True),
        service=chase_parcel,
        mine=lambda i, v: ChaseParcel(i, "快递说明天派送", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
    "answer_parcel": Path(
        **ORDER,
        setup=_order(paid=True),
        service=answer_parcel,
        mine=lambda i, v: AnswerParcel(i, "已为您联系快递加急派送", "zh-CN", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
    "follow_up_unpaid": Path(
        **ORDER,
        setup=_order(paid=False),
        service=follow_up_unpaid,
        mine=lambda i, v: FollowUpUnpaid(i, "客户说今天付款", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
    "void_order": Path(
        **ORDER,
        setup=_order(paid=True),
        service=void_order,
        mine=lambda i, v: VoidOrder(i, True, "全额退款", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
    "record_return_step": Path(
        **ORDER,
        setup=_order(paid=True),
        service=record_return_step,
        mine=lambda i, v: RecordReturnStep(i, "negotiate", "客户同意换货", v),
        actor=wang,
        theirs=("reason", THEIRS),
    ),
}


def _command(path: Path, desk: Desk, record_id: int, version: int) -> Any:
    command = path.mine(record_id, version)
    if isinstance(command, ReassignCallback):
        return replace(command, agent_id=desk.colleague)
    if isinstance(command, ReassignHandoverItem):
        return replace(command, to_agent_id=desk.lead)
    return command


def _stored(database: Database, model: type[Any], record_id: int) -> tuple[int, int | None]:
    """The row's version and who saved it last."""
    with UnitOfWork(database) as uow:
        row = uow.session.get_one(model, record_id)
        return row.version, row.updated_by_id


def _events_by(database: Database, model: type[Any], record_id: int, agent_id: int) -> int:
    """History lines the agent wrote on the record (a callback's or an order's)."""
    events = {m.Callback: (m.CallbackEvent, "callback_id"), m.Order: (m.OrderEvent, "order_id")}
    if model not in events:
        return 0
    event, key = events[model]
    with UnitOfWork(database) as uow:
        query = select(func.count()).where(
            getattr(event, key) == record_id, event.agent_id == agent_id
        )
        return uow.session.scalar(query.select_from(event)) or 0


@pytest.mark.parametrize("read_early", [False, True], ids=["read-after", "read-before"])
@pytest.mark.parametrize("name", list(PATHS))
def test_the_second_desk_on_one_record_gets_a_conflict_and_writes_nothing(
    database: Database, desk: Desk, name: str, read_early: bool
) -> None:
    path = PATHS[name]
    record_id = path.setup(database, desk)
    version, _ = _stored(database, path.model, record_id)
    actor = path.actor(desk)
    events = _events_by(database, path.model, record_id, actor.id)
    with UnitOfWork(database) as first, UnitOfWork(database) as second:
        if read_early:  # the form's load, in the second desk's own transaction
            assert second.session.get_one(path.model, record_id).version == version
        path.first(first, desk, record_id, version)  # 李娜 saves first (and commits)
        with pytest.raises(Conflict) as raised:
            path.service(second, actor, _command(path, desk, record_id, version), LATER)
    conflict = raised.value
    stored_version, saved_by = _stored(database, path.model, record_id)
    assert (conflict.saved_by, conflict.saved_at, conflict.record_id) == ("李娜", LATER, record_id)
    assert conflict.version == stored_version > version
    field, text = path.theirs
    assert conflict.theirs[field] == text
    assert saved_by == desk.colleague  # nothing of the second desk's was written
    assert _events_by(database, path.model, record_id, actor.id) == events
    with UnitOfWork(database) as uow:  # saved again over the version now stored
        path.service(uow, actor, _command(path, desk, record_id, conflict.version), LATER)
    after_version, saved_by = _stored(database, path.model, record_id)
    assert saved_by == actor.id and after_version > conflict.version


def test_a_form_that_loaded_the_current_version_saves_at_once(
    database: Database, desk: Desk
) -> None:
    """No false alarms: the version the form loaded is the one stored, the save goes."""
    for name in ("record_callback", "update_handover_item", "void_order"):
        path = PATHS[name]
        record_id = path.setup(database, desk)
        version, _ = _stored(database, path.model, record_id)
        with UnitOfWork(database) as uow:
            path.service(uow, path.actor(desk), _command(path, desk, record_id, version), LATER)
        after, saved_by = _stored(database, path.model, record_id)
        assert after > version and saved_by == path.actor(desk).id
