"""The lead's measures over a year of data (issue 17): the period view and the live view on
SQLite and PostgreSQL, with the indexes of migration 0016 and without them.

    python benchmarks/team_view.py [--quick] [--db URL] [--runs 5] [--only sqlite|postgresql]

A year: 100,000 tickets, 500,000 deadlines (five per ticket), 20,000 callbacks, 50 agents,
about 13,000 department legs, 20,000 shop orders with their returns and voids (`--quick`: a
twentieth of it). The data is bulk-inserted with SQLAlchemy core once and kept:
a SQLite file under ~/.cache/deskui-bench and a PostgreSQL schema `team_view3_<tickets>`
(URL defaults to DESKUI_TEST_DATABASE_URL or /tmp/pgurl). The period view is this week's
figures plus the 30-day chart; the live view is `live_figures`; each the median of `--runs`,
run through the services as a lead, beside the same queries after the indexes they use are
dropped (they are put back afterwards). Goals: period view 300 ms, live view 100 ms.

The last line is `BENCH-RESULT {json}` for benchmarks/run_all.py, with the figures
`<backend>_period_ms`, `<backend>_live_ms`, `<backend>_period_noindex_ms`,
`<backend>_live_noindex_ms` (backend sqlite or postgresql).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's queue (psycopg imports it)
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, inspect, select, text

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.periods import PeriodKind, period_at
from deskui.services.actor import Actor
from deskui.services.measures import (
    LiveQuery,
    PeriodQuery,
    TrendQuery,
    live_figures,
    period_figures,
    trend,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a Monday
GOAL_PERIOD_MS = 300.0
CUSTOMERS = 5_000
"""The year's tickets spread over this many customers (20 a year each, 5 of them complaints):
the repeat and late-hand-on figures pair a customer's complaints, which one customer with
every ticket of the year (as this benchmark had it) turns into 25,000 x 25,000 pairs."""
GOAL_LIVE_MS = 100.0
SEVERITIES = ("normal", "normal", "normal", "urgent", "critical")
CATEGORIES = ("usage", "repair", "training", "product_complaint", "service_quality")
KINDS = ("first_contact", "repeat_contact", "promised_reply", "department_leg", "callback")
MEASURE_INDEXES = (
    ("ix_ticket_opened", "ticket", "opened_at, kind"),
    ("ix_ticket_closed", "ticket", "closed_at"),
    ("ix_callback_due", "callback", "due_at"),
    ("ix_deadline_kind_due", "deadline", "kind, due_at, met_at"),
    ("ix_ticket_open_work", "ticket", "status, severity, department_id"),
    ("ix_deadline_open_due", "deadline", "met_at, due_at"),
    ("ix_deadline_owner_open", "deadline", "owner_id, met_at, due_at"),
    ("ix_ticket_status", "ticket", "status"),
    ("ix_department_leg_planned", "department_leg", "planned_at"),
    ("ix_shop_order_paid", "shop_order", "paid_at"),
    ("ix_order_event_action_at", "order_event", "action, at"),
)
"""The indexes the measures' queries use (0016's, 0017's and the earlier ones they lean on)."""


def _schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _chunks(rows: list[dict[str, Any]], size: int = 10_000) -> list[list[dict[str, Any]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _fill(database: Database, tickets: int, callbacks: int, agents: int) -> None:
    """A year of tickets opened evenly before NOW; five deadlines each, most met (some
    late), the last days' open; callbacks due across the year."""
    rng = random.Random(17)
    with UnitOfWork(database) as uow:
        ids = [uow.agents.add_agent(f"坐席{i:02d}", Role.AGENT, NOW).id for i in range(agents)]
        lead = uow.agents.add_agent("组长", Role.LEAD, NOW).id
        departments = [d.id for d in uow.session.scalars(select(m.Department))]
        customers = [
            m.Customer(name=f"压测客户{c:04d}", created_at=NOW, updated_at=NOW)
            for c in range(CUSTOMERS)
        ]
        uow.session.add_all(customers)
        uow.session.flush()
        customer_ids = [c.id for c in customers]
        year = timedelta(days=365).total_seconds()
        ticket_rows, deadline_rows = [], []
        for i in range(tickets):
            opened = NOW - timedelta(seconds=year * (1 - i / tickets))
            recent = NOW - opened < timedelta(days=2)
            closed = (
                None
                if recent or rng.random() < 0.02
                else opened + timedelta(hours=rng.uniform(1, 96))
            )
            severity = rng.choice(SEVERITIES)
            ticket_rows.append(
                {"id": i + 1, "customer_id": customer_ids[i % CUSTOMERS],
                 "kind": "complaint" if i % 4 == 0 else "question",
                 "category": rng.choice(CATEGORIES), "channel": "phone", "severity": severity,
                 "status": "open" if closed is None else "closed", "owner_id": ids[i % agents],
                 "department_id": rng.choice(departments) if departments and i % 3 else None,
                 "opened_at": opened, "closed_at": closed, "version": 1, "unit_number": "",
                 "customer_words": "", "expectation": "", "answer": "", "caller_phone": "",
                 "caller_extension": ""}
            )  # fmt: skip
            for k, kind in enumerate(KINDS):
                due = opened + timedelta(hours=4 + 8 * k)
                met = None
                if not recent and rng.random() < 0.97:
                    met = due + timedelta(hours=rng.uniform(-4, 1 if rng.random() < 0.9 else 12))
                deadline_rows.append(
                    {"kind": kind, "subject_type": "ticket", "subject_id": i + 1,
                     "owner_id": ids[i % agents], "team": "default",
                     "customer_id": customer_ids[i % CUSTOMERS],
                     "label": "", "severity": severity, "starts_at": opened, "due_at": due,
                     "met_at": met, "note": ""}
                )  # fmt: skip
        for chunk in _chunks(ticket_rows):
            uow.session.execute(insert(m.Ticket), chunk)
        for chunk in _chunks(deadline_rows):
            uow.session.execute(insert(m.Deadline), chunk)
        callback_rows = [
            {"customer_id": customer_ids[i % CUSTOMERS], "agent_id": ids[i % agents],
             "purpose": "routine",
             "way": "phone", "status": "done" if rng.random() < 0.9 else "pending",
             "shared": False, "due_at": NOW - timedelta(seconds=year * (1 - i / callbacks)),
             "done_at": NOW - timedelta(seconds=year * (1 - i / callbacks) + 3600),
             "answers": {}, "notes": "", "created_at": NOW - timedelta(days=365),
             "version": 1, "moved_reason": "", "occasion": "", "sales_head": "", "sales_note": ""}
            for i in range(callbacks)
        ]  # fmt: skip
        for chunk in _chunks(callback_rows):
            uow.session.execute(insert(m.Callback), chunk)
        _fill_legs_and_orders(uow, rng, ticket_rows, ids, callbacks)
        uow.session.execute(
            text("CREATE TABLE bench_ready (lead_id INTEGER)")
        )  # the cache is whole only once this exists
        uow.session.execute(text("INSERT INTO bench_ready VALUES (:lead)"), {"lead": lead})
        uow.commit()
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _fill_legs_and_orders(
    uow: UnitOfWork, rng: random.Random, tickets: list[dict[str, Any]], ids: list[int], orders: int
) -> None:
    """Every fifth ticket with a department goes on a leg (accepted, planned with a stated
    time, a result, returned; a tenth late); as many shop orders as callbacks, paid across the
    year, a twentieth returned, one in fifty voided, one in a hundred refunded a difference."""
    legs = []
    for row in tickets[::5]:
        if row["department_id"] is None:
            continue
        handed = row["opened_at"] + timedelta(hours=1)
        planned = handed + timedelta(hours=2)
        late = rng.random() < 0.1
        result = planned + timedelta(hours=rng.uniform(30, 60) if late else rng.uniform(2, 20))
        legs.append(
            {"ticket_id": row["id"], "department_id": row["department_id"],
             "handed_by_id": row["owner_id"], "handed_at": handed, "note": "",
             "accepted_at": handed + timedelta(hours=1), "accepted_by": "部门经理",
             "planned_at": planned, "expected_at": planned + timedelta(hours=24),
             "measures": "", "planned_by": "部门经理", "result_at": result, "result": "",
             "result_by": "部门经理", "returned_at": result + timedelta(hours=1),
             "returned_by": "部门经理", "version": 1}
        )  # fmt: skip
    for chunk in _chunks(legs):
        uow.session.execute(insert(m.DepartmentLeg), chunk)
    year = timedelta(days=365).total_seconds()
    order_rows, events = [], []
    for i in range(orders):
        paid = NOW - timedelta(seconds=year * (1 - i / orders))
        order_rows.append(
            {"id": i + 1, "number": f"B{i:07d}", "shop": "天猫店", "customer": "",
             "status": "shipped", "paid_at": paid, "shipped_at": paid + timedelta(hours=20),
             "responsible": "", "reason": "", "owner_id": ids[i % len(ids)],
             "created_at": paid, "version": 1}
        )  # fmt: skip
        step = None
        if i % 20 == 0:
            step = "return"
        elif i % 100 == 1:
            step = "refund_difference"
        if step is not None:
            events.append(
                {"order_id": i + 1, "agent_id": ids[i % len(ids)],
                 "at": paid + timedelta(days=5), "action": "return_step",
                 "detail": {"step": step}}
            )  # fmt: skip
        if i % 50 == 2:
            events.append(
                {"order_id": i + 1, "agent_id": ids[i % len(ids)],
                 "at": paid + timedelta(hours=2), "action": "void", "detail": {}}
            )  # fmt: skip
    for chunk in _chunks(order_rows):
        uow.session.execute(insert(m.Order), chunk)
    for chunk in _chunks(events):
        uow.session.execute(insert(m.OrderEvent), chunk)


def _lead(database: Database) -> Actor:
    with database.engine.connect() as connection:
        lead = connection.execute(text("SELECT lead_id FROM bench_ready")).scalar_one()
    return Actor(int(lead), "组长", Role.LEAD)


def _ready(database: Database) -> bool:
    return "bench_ready" in inspect(database.engine).get_table_names()


def _median_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm: the first run pays for the connection and the statement cache
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _measure(database: Database, runs: int) -> tuple[float, float]:
    actor = _lead(database)
    week = period_at(PeriodKind.WEEK, NOW)

    def period_view() -> None:
        with UnitOfWork(database) as uow:
            period_figures(uow, actor, PeriodQuery(week), NOW)
            trend(uow, actor, TrendQuery(30), NOW)

    def live_view() -> None:
        with UnitOfWork(database) as uow:
            live_figures(uow, actor, LiveQuery(), NOW)

    return _median_ms(period_view, runs), _median_ms(live_view, runs)


def _set_indexes(database: Database, present: bool) -> None:
    with database.engine.begin() as connection:
        for name, table, columns in MEASURE_INDEXES:
            if present:
                connection.execute(
                    text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
                )
            else:
                connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        connection.execute(text("ANALYZE"))


def run_backend(
    name: str, database: Database, sizes: tuple[int, int, int, int], runs: int
) -> dict[str, float]:
    tickets, deadlines, callbacks, agents = sizes
    database.upgrade()
    if not _ready(database):
        began = time.perf_counter()
        print(f"{name}: filling {tickets:,} tickets, {deadlines:,} deadlines, "
              f"{callbacks:,} callbacks, {agents} agents (kept for the next run) ...",
              flush=True)  # fmt: skip
        _fill(database, tickets, callbacks, agents)
        print(f"{name}: filled in {time.perf_counter() - began:.0f} s", flush=True)
    _set_indexes(database, True)
    period, live = _measure(database, runs)
    _set_indexes(database, False)
    try:
        bare_period, bare_live = _measure(database, runs)
    finally:
        _set_indexes(database, True)
    verdict = lambda ms, goal: "ok" if ms <= goal else "OVER"  # noqa: E731
    print(
        f"{name:<11} period view {period:8.1f} ms (goal {GOAL_PERIOD_MS:.0f}, "
        f"{verdict(period, GOAL_PERIOD_MS)})   without indexes {bare_period:8.1f} ms"
    )
    print(
        f"{'':<11} live view   {live:8.1f} ms (goal {GOAL_LIVE_MS:.0f}, "
        f"{verdict(live, GOAL_LIVE_MS)})   without indexes {bare_live:8.1f} ms"
    )
    return {
        f"{name}_period_ms": round(period, 1),
        f"{name}_live_ms": round(live, 1),
        f"{name}_period_noindex_ms": round(bare_period, 1),
        f"{name}_live_noindex_ms": round(bare_live, 1),
    }


def _postgres_url(given: str | None) -> str | None:
    if given:
        return given
    if os.environ.get("DESKUI_TEST_DATABASE_URL"):
        return os.environ["DESKUI_TEST_DATABASE_URL"]
    pgurl = Path("/tmp/pgurl")
    return pgurl.read_text().strip() if pgurl.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a twentieth of a year's data")
    parser.add_argument("--db", help="a PostgreSQL URL (a schema of its own is kept there)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    scale = 20 if args.quick else 1
    sizes = (100_000 // scale, 500_000 // scale, 20_000 // scale, 50)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    results: dict[str, float] = {}
    if args.only != "postgresql":
        folder = Path.home() / ".cache" / "deskui-bench"
        folder.mkdir(parents=True, exist_ok=True)
        sqlite = Database(f"sqlite:///{folder / f'team_view3_{sizes[0]}.db'}")
        results |= run_backend("sqlite", sqlite, sizes, args.runs)
        sqlite.dispose()
    url = _postgres_url(args.db)
    if args.only != "sqlite":
        if url is None:
            print("postgresql: no URL (--db or DESKUI_TEST_DATABASE_URL): not measured")
        else:
            schema = f"team_view3_{sizes[0]}"
            base = Database(url)
            with base.engine.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
            base.dispose()
            postgres = Database(_schema_url(url, schema))
            results |= run_backend("postgresql", postgres, sizes, args.runs)
            postgres.dispose()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("BENCH-RESULT " + json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
