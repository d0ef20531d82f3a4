"""The demo desk is the same every time, and every export kind has its columns and rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.export import KINDS, build_table
from deskui.data.repository import UnitOfWork
from tests.conftest import FIXED_NOW

# What seed_demo writes: 80 customers with 1-3 contacts each (27x1 + 27x2 + 26x3 = 159 rows);
# 42 tickets, of which 16 are urgent or critical and so also get an "escalated" event
EXPECTED: dict[str, tuple[list[str], int]] = {
    "tickets": (
        [
            "id", "customer", "contact", "kind", "category", "channel", "severity", "status",
            "owner", "department", "unit_number", "customer_words", "expectation", "opened_at",
            "first_contact_due", "closed_at",
        ],
        42,
    ),
    "customers": (
        [
            "id", "name", "address", "phone", "unit_number", "assigned_agent", "contact",
            "contact_role", "position", "gender", "contact_phone", "extension", "email",
            "birthday", "convenient_time",
        ],
        159,
    ),
    "callbacks": (
        [
            "id", "customer", "agent", "purpose", "way", "status", "due_at", "booked_at",
            "done_at", "outcome", "notes",
        ],
        24,
    ),
    "handover": (
        [
            "id", "sheet", "status", "customer", "item", "done_so_far", "next_step", "due_at",
            "from_agent", "to_agent", "note", "acknowledged_at",
        ],
        2,
    ),
    "history": (["ticket", "customer", "agent", "at", "action", "detail"], 42 + 16),
}  # fmt: skip


def _seed(database: Database) -> None:
    with UnitOfWork(database) as uow:
        seed_demo(uow.repo, FIXED_NOW)
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
            first, second = a.repo.tickets(), b.repo.tickets()
            assert len(first) == 42
            assert first == second
            assert a.repo.work_rows(0, 500) == b.repo.work_rows(0, 500)
            assert a.repo.customers() == b.repo.customers()
    finally:
        other.dispose()


def test_every_export_kind_has_its_headers_and_rows(seeded: Database) -> None:
    assert set(KINDS) == set(EXPECTED)
    with UnitOfWork(seeded) as uow:
        for kind, (headers, count) in EXPECTED.items():
            got_headers, rows = build_table(kind, uow.repo, "Asia/Shanghai")
            assert got_headers == headers, kind
            assert len(rows) == count, kind
            assert all(len(row) == len(headers) for row in rows), kind
        _, tickets = build_table("tickets", uow.repo, "Asia/Shanghai")
        records = uow.repo.tickets()
        customers = uow.repo.customers()
    assert {t.severity for t in records} == {"normal", "urgent", "critical"}
    assert {t.status for t in records} == {"open", "closed"}
    assert all(t.first_contact_due is not None for t in records)
    phones = [c.phone_e164 for c in customers]
    assert phones.count("+861088886666") == 2  # two customers answer on one switchboard
    opened_at = tickets[0][EXPECTED["tickets"][0].index("opened_at")]
    assert opened_at.endswith("+08:00")  # times are shown in the site's zone
    assert any("公司" in row[1] for row in tickets)
