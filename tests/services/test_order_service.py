"""Orders as services (issue 15; seed 004), on SQLite and PostgreSQL: an order is recorded
once per shop, a chased parcel's answer is held to the rules of conduct before anything is
written, an import adds its good lines and refuses a file that is not a table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import DeadlineKind, Role
from deskui.services.actor import Actor, Denied
from deskui.services.errors import HandoverError
from deskui.services.host_files import HostFiles
from deskui.services.orders import (
    AddOrder,
    AnswerParcel,
    ChaseParcel,
    ImportOrders,
    OrderView,
    add_order,
    answer_parcel,
    chase_parcel,
    import_orders,
    order_rows,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

ZONE = "Asia/Shanghai"
ORDER = {"number": "T20261201", "shop": "天猫旗舰店", "customer": "买家小周"}


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _count(database: Database, model: type[m.Base]) -> int:
    with UnitOfWork(database) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_order_is_recorded_once_per_shop(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Denied):  # a role outside the table
        add_order(uow, Actor(desk.agent, "王芳", "visitor"), AddOrder(ORDER, ZONE), FIXED_NOW)
    with UnitOfWork(database) as uow:
        order_id = add_order(uow, _agent(desk), AddOrder(ORDER, ZONE), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(HandoverError) as refused:
        add_order(uow, _agent(desk), AddOrder(ORDER, ZONE), FIXED_NOW)
    assert [p.field for p in refused.value.problems] == ["number"]
    with UnitOfWork(database) as uow:  # committed by the service, once
        rows = order_rows(uow, _agent(desk), OrderView("all", ZONE), FIXED_NOW)
    assert [row.order_id for row in rows] == [order_id]
    assert _count(database, m.Order) == 1


def test_a_parcels_answer_is_held_to_the_rules_of_conduct(database: Database, desk: Desk) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        order_id = add_order(uow, agent, AddOrder(ORDER, ZONE), FIXED_NOW)
    with UnitOfWork(database) as uow:  # no result from the courier today: on the sheet
        item = chase_parcel(
            uow, agent, ChaseParcel(order_id, "", _version(database, order_id)), FIXED_NOW
        )
    assert item is not None and _count(database, m.HandoverItem) == 1

    def open_chases() -> int:
        with UnitOfWork(database) as uow:
            query = select(func.count()).where(
                m.Deadline.kind == DeadlineKind.PARCEL_CHASE, m.Deadline.met_at.is_(None)
            )
            return uow.session.scalar(query.select_from(m.Deadline)) or 0

    assert open_chases() == 1
    rude = AnswerParcel(order_id, "不可能丢件", "zh-CN", _version(database, order_id))
    with UnitOfWork(database) as uow, pytest.raises(HandoverError) as refused:
        answer_parcel(uow, agent, rude, FIXED_NOW)
    assert [p.field for p in refused.value.problems] == ["answer"]
    assert open_chases() == 1  # nothing written
    with UnitOfWork(database) as uow:
        answer_parcel(uow, agent, replace(rude, answer="已为您联系快递加急派送"), FIXED_NOW)
    assert open_chases() == 0


def _version(database: Database, order_id: int) -> int:
    """The version a desk opening the order's form now would load."""
    with UnitOfWork(database) as uow:
        return uow.session.get_one(m.Order, order_id).version


def test_an_import_adds_good_lines_and_refuses_a_file_that_is_not_a_table(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    """On a team desk (PostgreSQL here, or the host's word) the sheet is named in the site's
    inbox; a path of the host is refused on the path field (issue 23)."""
    host = HostFiles(team=True, inbox=tmp_path)
    for typed in ("无.csv", str(tmp_path / "无.csv"), "../orders.csv", "/etc/passwd.csv"):
        with UnitOfWork(database) as uow, pytest.raises(HandoverError) as refused:
            import_orders(uow, _agent(desk), ImportOrders(typed, ZONE, host), FIXED_NOW)
        assert [p.field for p in refused.value.problems] == ["path"]
    sheet = tmp_path / "orders.csv"
    sheet.write_text("number,shop,customer\nT1,天猫旗舰店,小周\n,天猫旗舰店,缺单号\n", "utf-8")
    with UnitOfWork(database) as uow, pytest.raises(HandoverError) as refused:
        import_orders(uow, _agent(desk), ImportOrders(str(sheet), ZONE, host), FIXED_NOW)
    assert refused.value.problems[0].key == "attachments.error.not_in_inbox"
    with UnitOfWork(database) as uow:  # a team desk: the inbox's file by its name
        imported = import_orders(
            uow, _agent(desk), ImportOrders(" orders.csv ", ZONE, host), FIXED_NOW
        )
    assert imported.added == 1
    assert [(line, p.field) for line, p in imported.problems] == [(3, "number")]
    assert _count(database, m.Order) == 1

    more = tmp_path / "more.csv"
    more.write_text("number,shop,customer\nT2,天猫旗舰店,小王\n", "utf-8")
    single = ImportOrders(f" {more} ", ZONE)  # built as a single desk's screen builds it
    if database.is_sqlite:  # a single desk on its own machine names its path
        with UnitOfWork(database) as uow:
            assert import_orders(uow, _agent(desk), single, FIXED_NOW).added == 1
        return
    with UnitOfWork(database) as uow, pytest.raises(HandoverError):  # a server's: a team's
        import_orders(uow, _agent(desk), single, FIXED_NOW)
    assert _count(database, m.Order) == 1
