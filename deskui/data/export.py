"""`deskui export KIND`: the records as tables, times in the site's local zone (written as CSV
or XLSX by deskui/documents)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from deskui.data.unit_of_work import UnitOfWork
from deskui.documents import Table
from deskui.domain.clock import site_zone


def _tickets(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    headers = [
        "id", "customer", "contact", "kind", "category", "channel", "severity", "status",
        "owner", "department", "unit_number", "customer_words", "expectation", "opened_at",
        "first_contact_due", "closed_at",
    ]  # fmt: skip
    rows = [
        [
            r.id,
            r.customer_name,
            r.contact_name or "",
            r.kind,
            r.category,
            r.channel,
            r.severity,
            r.status,
            r.owner_name,
            r.department_code or "",
            r.unit_number,
            r.customer_words,
            r.expectation,
            r.opened_at,
            r.first_contact_due,
            r.closed_at,
        ]
        for r in uow.tickets.tickets()
    ]
    return headers, _localised(rows, zone)


def _customers(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    headers = [
        "id", "name", "address", "phone", "unit_number", "assigned_agent", "contact",
        "contact_role", "position", "gender", "contact_phone", "extension", "email",
        "birthday", "convenient_time", "phone_extension", "founded_on",
    ]  # fmt: skip
    rows: list[list[Any]] = []
    for c in uow.customers.customers():
        base = [c.id, c.name, c.address, c.phone_e164 or "", c.unit_number, c.assigned_agent or ""]
        # the customer's own extension and founding date, last: columns kept
        own = [c.phone_extension or "", c.founded_on]
        if not c.contacts:
            rows.append([*base, *[""] * 9, *own])
        for p in c.contacts:
            rows.append(
                [
                    *base,
                    p.name,
                    p.role,
                    p.position,
                    p.gender,
                    p.phone_e164 or "",
                    p.phone_extension or "",
                    p.email,
                    p.birthday,
                    p.convenient_time,
                    *own,
                ]
            )
    return headers, _localised(rows, zone)


def _callbacks(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.callback_store import CALLBACK_EXPORT_HEADERS

    # every recorded field of a callback: who, when, the way, answers, outcome, notes
    return list(CALLBACK_EXPORT_HEADERS), _localised(uow.callbacks.callback_export_rows(), zone)


def _visit_requests(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.callback_store import VISIT_EXPORT_HEADERS

    # every statement of the request letter and its decision and feedback (seed 000:2.5.4)
    return list(VISIT_EXPORT_HEADERS), _localised(uow.callbacks.visit_export_rows(), zone)


def _calls(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.call_store import EXPORT_HEADERS

    # every call the phone system told of: who rang, who answered, how long, what became of it
    return list(EXPORT_HEADERS), _localised(uow.calls.export_rows(), zone)


def _surveys(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.survey_store import SURVEY_EXPORT_HEADERS

    # every form received: from whom, when, its score and notes, who recorded it (seed 000:2.5.3)
    return list(SURVEY_EXPORT_HEADERS), _localised(uow.surveys.survey_export_rows(), zone)


def _handover(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.handover_store import HANDOVER_EXPORT_HEADERS

    # the whole sheet: the customer as written, both agents, the subject, every time
    return list(HANDOVER_EXPORT_HEADERS), _localised(uow.handover.handover_export(), zone)


def _orders(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.handover_store import ORDER_EXPORT_HEADERS

    return list(ORDER_EXPORT_HEADERS), _localised(uow.handover.orders_export(), zone)


def _department_legs(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.frontdesk_store import LEG_EXPORT_HEADERS

    # every step of each round trip: who, when, the expected time, measures and result
    return list(LEG_EXPORT_HEADERS), _localised(uow.frontdesk.leg_export_rows(), zone)


def _attachments(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    from deskui.data.frontdesk_store import ATTACHMENT_EXPORT_HEADERS

    # metadata only: the files themselves are saved out from the ticket
    return list(ATTACHMENT_EXPORT_HEADERS), _localised(uow.frontdesk.attachment_export_rows(), zone)


def _history(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    headers = ["ticket", "customer", "agent", "at", "action", "detail"]
    rows = [
        [ticket, customer, agent, at, action, _detail(detail)]
        for ticket, customer, agent, at, action, detail in uow.tickets.history()
    ]
    return headers, _localised(rows, zone)


def _reception(headers: str, rows: str) -> Callable[[UnitOfWork, ZoneInfo], Table]:
    """Visitors, passes, messages and correspondence (issue 8), from the reception store."""

    def table(uow: UnitOfWork, zone: ZoneInfo) -> Table:
        from deskui.data import reception_store

        names = list(getattr(reception_store, headers))
        return names, _localised(getattr(uow.reception, rows)(), zone)

    return table


def _relations(headers: str, rows: str) -> Callable[[UnitOfWork, ZoneInfo], Table]:
    """Prospects, gifts and events with their invitees (issue 8), every field."""

    def table(uow: UnitOfWork, zone: ZoneInfo) -> Table:
        from deskui.data import relations_store

        names = list(getattr(relations_store, headers))
        return names, _localised(getattr(uow.relations, rows)(zone), zone)

    return table


KINDS: dict[str, Callable[[UnitOfWork, ZoneInfo], Table]] = {
    "tickets": _tickets,
    "customers": _customers,
    "callbacks": _callbacks,
    "handover": _handover,
    "orders": _orders,
    "department_legs": _department_legs,
    "attachments": _attachments,
    "history": _history,
    "visitors": _reception("VISIT_EXPORT_HEADERS", "visit_export_rows"),
    "passes": _reception("PASS_EXPORT_HEADERS", "pass_export_rows"),
    "messages": _reception("MESSAGE_EXPORT_HEADERS", "message_export_rows"),
    "correspondence": _reception("MAIL_EXPORT_HEADERS", "mail_export_rows"),
    "prospects": _relations("PROSPECT_EXPORT_HEADERS", "prospect_export_rows"),
    "gifts": _relations("GIFT_EXPORT_HEADERS", "gift_export_rows"),
    "events": _relations("EVENT_EXPORT_HEADERS", "event_export_rows"),
    "surveys": _surveys,
    "calls": _calls,
    "visit_requests": _visit_requests,
}


def build_table(kind: str, uow: UnitOfWork, timezone: str) -> Table:
    return KINDS[kind](uow, site_zone(timezone))


def _localised(rows: Iterable[Sequence[Any]], zone: ZoneInfo) -> list[list[Any]]:
    return [[_local(v, zone) for v in row] for row in rows]


def _local(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _detail(detail: dict[str, object]) -> str:
    return "; ".join(f"{k}={v}" for k, v in detail.items())
