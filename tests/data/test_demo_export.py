"""The demo desk is the same every time, and every export kind has its columns and rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.export import KINDS, build_table
from deskui.data.unit_of_work import UnitOfWork
from tests.conftest import FIXED_NOW

# The columns of the first five kinds, which the issues name; later kinds are checked for
# shape (one value per header) and for holding the demo's rows
HEADERS: dict[str, list[str]] = {
    "tickets": [
        "id", "customer", "contact", "kind", "category", "channel", "severity", "status",
        "owner", "department", "unit_number", "customer_words", "expectation", "opened_at",
        "first_contact_due", "closed_at",
    ],
    "customers": [
        "id", "name", "address", "phone", "unit_number", "assigned_agent", "contact",
        "contact_role", "position", "gender", "contact_phone", "extension", "email",
        "birthday", "convenient_time", "phone_extension", "founded_on",
    ],
    "callbacks": [
        "id", "customer", "contact", "agent", "purpose", "way", "status", "shared",
        "created_at", "due_at", "booked_at", "moved_from", "moved_reason", "occasion",
        "done_at", "done_by", "outcome", "answers", "notes", "ticket", "follow_up_ticket",
        "sales_head", "sales_confirmed", "sales_confirmed_at", "sales_confirmed_by", "sales_note",
    ],
    "handover": [
        "id", "sheet", "status", "customer", "item", "done_so_far", "next_step", "due_at",
        "from_agent", "to_agent", "note", "subject", "handed_over_at", "acknowledged_at",
    ],
    "history": ["ticket", "customer", "agent", "at", "action", "detail"],
}  # fmt: skip


def _seed(database: Database) -> None:
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()


@pytest.fixture
def seeded(database: Database) -> Database:
    _seed(database)
    return database


def test_demo_seed_is_deterministic(seeded: Database, tmp_path: Path) -> None:
    # a second, separate SQLite database seeded at the same instant
    other = Database(f"sqlite:///{tmp_path / 'again.db'}")
    try:
        other.upgrade()
        _seed(other)
        with UnitOfWork(seeded) as a, UnitOfWork(other) as b:
            first, second = a.tickets.tickets(), b.tickets.tickets()
            assert len(first) >= 42  # the intake demo's 42 and what later features add
            assert first == second
            assert a.work.work_rows(0, 500) == b.work.work_rows(0, 500)
            assert a.customers.customers() == b.customers.customers()
    finally:
        other.dispose()


def test_every_export_kind_has_its_headers_and_rows(seeded: Database) -> None:
    assert set(HEADERS) <= set(KINDS)
    with UnitOfWork(seeded) as uow:
        records = uow.tickets.tickets()
        customers = uow.customers.customers()
        expected_rows = {
            "tickets": len(records),
            # one row per contact, and a customer without contacts still has its row
            "customers": sum(max(1, len(c.contacts)) for c in customers),
            "callbacks": len(uow.callbacks.callbacks()),
            "handover": len(uow.handover.handover_items()),
            "history": len(list(uow.tickets.history())),
        }
        for kind in KINDS:
            got_headers, rows = build_table(kind, uow, "Asia/Shanghai")
            if kind in HEADERS:
                assert got_headers == HEADERS[kind], kind
                assert len(rows) == expected_rows[kind], kind
            assert len(set(got_headers)) == len(got_headers), kind
            assert rows, f"the demo has no {kind} to export"
            assert all(len(row) == len(got_headers) for row in rows), kind
        _, tickets = build_table("tickets", uow, "Asia/Shanghai")
    # every ticket opened has its "opened" event, urgent and critical ones an "escalated" one
    assert expected_rows["history"] >= len(records) + sum(t.severity != "normal" for t in records)
    assert {t.severity for t in records} == {"normal", "urgent", "critical"}
    assert {"open", "closed"} <= {t.status for t in records}
    assert all(t.first_contact_due is not None for t in records)
    phones = [c.phone_e164 for c in customers]
    assert phones.count("+861088886666") == 2  # two customers answer on one switchboard
    opened_at = tickets[0][HEADERS["tickets"].index("opened_at")]
    assert opened_at.endswith("+08:00")  # times are shown in the site's zone
    assert any("公司" in row[1] for row in tickets)
