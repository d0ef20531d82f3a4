"""Orders (seed 004 in-sales 1-6, pre-sales 7, after-sales 6): recording and importing
orders, the real reason one was not shipped, chasing a parcel with the courier and the
customer's final answer, the unpaid follow-up, the void notice and the returns flow; and the
morning lists as a read query. Each write is one commit; a refusal is a `HandoverError`
naming the fields to fix; an edit of an order carries the version its form loaded and another
desk's save since is a `Conflict` (issue 16)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.handover_store import HandoverError, OrderImport, OrderRow
from deskui.data.tabular import TableError, read_table
from deskui.domain.clock import site_zone
from deskui.domain.conduct import flagged_phrases, packaged_conduct
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require
from deskui.services.host_files import HostFiles, sheet_file

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AddOrder",
    "AnswerParcel",
    "ChaseParcel",
    "FollowUpUnpaid",
    "ImportOrders",
    "OrderImport",
    "OrderRow",
    "OrderView",
    "RecordReturnStep",
    "RegisterUnshipped",
    "VoidOrder",
    "add_order",
    "answer_parcel",
    "chase_parcel",
    "follow_up_unpaid",
    "import_orders",
    "order_rows",
    "record_return_step",
    "register_unshipped",
    "void_order",
]


# -- the lists (no commit) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderView:
    """One of the order lists (morning, chase, problem, unpaid, all), its days counted in the
    site's time zone."""

    view: str
    timezone: str


def order_rows(uow: UnitOfWork, actor: Actor, query: OrderView, now: datetime) -> list[OrderRow]:
    """The list as the pure order rules decide it now."""
    require(actor, Action.WORK_OWN)
    return list(uow.handover.order_rows_for(query.view, now, site_zone(query.timezone)))


# -- recording orders -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddOrder:
    """An order typed in by hand: its fields as typed (number, shop, customer, paid_at,
    shipped_at, courier, tracking_number, last_tracking_at, problem), times local to
    `timezone`."""

    fields: Mapping[str, str]
    timezone: str


def add_order(uow: UnitOfWork, actor: Actor, command: AddOrder, now: datetime) -> int:
    """Record the order for the actor; returns its id. Refuses a field problem or an order
    number the shop already has."""
    require(actor, Action.WORK_OWN)
    order_id = uow.handover.add_order(command.fields, actor.id, now, site_zone(command.timezone))
    uow.commit()
    return order_id


@dataclass(frozen=True, slots=True)
class ImportOrders:
    """A sheet of orders (CSV or a workbook) by its path, times local to `timezone`."""

    path: str
    timezone: str
    host: HostFiles | None = None
    """On a team desk `path` is a file name of the site's inbox (issue 23)."""


def import_orders(
    uow: UnitOfWork, actor: Actor, command: ImportOrders, now: datetime
) -> OrderImport:
    """Add every good line of the sheet; a bad line is reported by its line and field. A file
    that is not a table is refused on the path field."""
    require(actor, Action.WORK_OWN)
    try:
        with sheet_file(uow, command.host, command.path) as path:
            rows = read_table(path)
    except TableError as error:
        raise HandoverError(
            "orders.error.fix_fields", [FieldProblem("path", "orders.error.bad_file")]
        ) from error
    except FrontDeskError as error:  # not a file of the inbox, on a team desk
        problem = FieldProblem("path", error.key, tuple(error.values.items()))
        raise HandoverError("orders.error.fix_fields", [problem]) from error
    imported = uow.handover.import_orders(rows, actor.id, now, site_zone(command.timezone))
    uow.commit()
    return imported


# -- working an order -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterUnshipped:
    """The real reason an order was not shipped and who bears it (seed 004 in-sales 1)."""

    order_id: int
    reason: str
    responsible: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""


def register_unshipped(
    uow: UnitOfWork, actor: Actor, command: RegisterUnshipped, now: datetime
) -> None:
    require(actor, Action.WORK_OWN)
    uow.handover.register_unshipped(
        command.order_id,
        command.reason,
        command.responsible,
        actor.id,
        now,
        command.expected_version,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class ChaseParcel:
    """Chased with the courier: what the courier said (seed 004 in-sales 4)."""

    order_id: int
    courier_result: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""


def chase_parcel(uow: UnitOfWork, actor: Actor, command: ChaseParcel, now: datetime) -> int | None:
    """Record the chase; returns the chase-list item when the customer's final answer is now
    due (within 24 hours), else None."""
    require(actor, Action.WORK_OWN)
    item = uow.handover.chase_parcel(
        command.order_id, command.courier_result, actor.id, now, command.expected_version
    )
    uow.commit()
    return item


@dataclass(frozen=True, slots=True)
class AnswerParcel:
    """The final answer the customer got on a chased parcel, written in `locale`'s language
    (whose rules of conduct it is held to)."""

    order_id: int
    answer: str
    locale: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""


def answer_parcel(uow: UnitOfWork, actor: Actor, command: AnswerParcel, now: datetime) -> None:
    """Record the answer: the chase is met. The answer goes to the customer, so the rules of
    conduct refuse it, next to its field, when it breaks them (seed 000:3.2.1.2)."""
    require(actor, Action.WORK_OWN)
    flagged = flagged_phrases(packaged_conduct(command.locale), command.answer)
    if flagged:
        problem = FieldProblem("answer", "orders.error.conduct", (("phrases", "、".join(flagged)),))
        raise HandoverError("orders.error.fix_fields", [problem])
    uow.handover.answer_parcel(
        command.order_id, command.answer, actor.id, now, command.expected_version
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class FollowUpUnpaid:
    """Today's follow-up of an unpaid order with its result; `close` ends the chase (which
    needs the reason in the result)."""

    order_id: int
    result: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""
    close: bool = False


def follow_up_unpaid(uow: UnitOfWork, actor: Actor, command: FollowUpUnpaid, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    uow.handover.follow_up_unpaid(
        command.order_id,
        command.result,
        actor.id,
        now,
        close=command.close,
        expected_version=command.expected_version,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class VoidOrder:
    """A refund before shipping: the agent confirmed it with the shop, and the refund."""

    order_id: int
    confirmed: bool
    refund: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""


def void_order(uow: UnitOfWork, actor: Actor, command: VoidOrder, now: datetime) -> tuple[str, str]:
    """Void the order; returns its number and shop for the void notice."""
    require(actor, Action.WORK_OWN)
    notice = uow.handover.void_order(
        command.order_id,
        command.confirmed,
        command.refund,
        actor.id,
        now,
        command.expected_version,
    )
    uow.commit()
    return notice


@dataclass(frozen=True, slots=True)
class RecordReturnStep:
    """The next step of a return (negotiate, return or exchange, refund the difference) and
    what was agreed."""

    order_id: int
    step: str
    agreed: str
    expected_version: int
    """The version of the order the list showed when the form opened (issue 16)."""


def record_return_step(
    uow: UnitOfWork, actor: Actor, command: RecordReturnStep, now: datetime
) -> None:
    require(actor, Action.WORK_OWN)
    uow.handover.record_return_step(
        command.order_id, command.step, command.agreed, actor.id, now, command.expected_version
    )
    uow.commit()
