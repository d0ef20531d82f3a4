"""A lead's queue of callbacks and tickets: first paint and End with the WorkList, beside
Textual's DataTable of the same rows, in the same run.

    /work/venv/bin/python benchmarks/queue.py [--rows 100000] [--repeat 3]

A SQLite file gets `--rows` open deadlines owned by one lead (half callbacks, half tickets,
with their callback rows), inserted in bulk. Each measurement is a fresh headless app at
120x36 under Textual's Pilot:

- WorkList: the lead's queue through `DeadlineSource` (the same windowed query the desk and
  the callback queue use). First paint = app start until the first page's rows are on screen
  (the count arrived and a refresh ran). End = pressing End until the last row is painted.
- DataTable: the same columns; the rows are read with the same query (all of them) and added
  with `add_rows` in `on_mount`. First paint = app start until the table holds every row and
  a frame ran. End = moving the cursor to the last row (what End does) until a frame ran.

The goal (DESIGN.md 4, issue 6): WorkList first paint at 100,000 rows within 1.5x of the same
widget at 100 rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

# this file is named queue.py: keep its folder off the path so `import queue` gets the stdlib's
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.widgets.work_list import WorkList

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SIZE = (120, 36)
GOAL = 1.5


def seed(path: Path, rows: int) -> Database:
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with UnitOfWork(db) as uow:
        session = uow.session
        lead = m.Agent(name="张伟", role="lead", team="default", created_at=NOW)
        session.add(lead)
        session.flush()
        customers = [
            m.Customer(name=f"客户{i:05d}有限公司", created_at=NOW, updated_at=NOW)
            for i in range(200)
        ]
        session.add_all(customers)
        session.flush()
        callbacks = rows // 2
        session.execute(
            insert(m.Callback),
            [
                {
                    "version": 1, "customer_id": customers[i % 200].id, "agent_id": lead.id,
                    "purpose": "routine", "way": "phone", "status": "pending", "shared": False,
                    "due_at": NOW + timedelta(minutes=i), "answers": {}, "notes": "",
                    "created_at": NOW, "moved_reason": "", "occasion": "",
                }
                for i in range(callbacks)
            ],
        )  # fmt: skip
        session.execute(
            insert(m.Deadline),
            [
                {
                    "kind": "callback" if i < callbacks else "first_contact",
                    "subject_type": "callback" if i < callbacks else "ticket",
                    "subject_id": i + 1, "owner_id": lead.id, "team": "default",
                    "customer_id": customers[i % 200].id, "label": f"事项 {i}",
                    "starts_at": NOW, "due_at": NOW + timedelta(minutes=i), "note": "",
                }
                for i in range(rows)
            ],
        )  # fmt: skip
        uow.commit()
    return db


class Holder:
    """What the widgets need of the app: a clock, units of work and who is signed in (the
    deadline source reads through the desk service as the lead, agent 1)."""

    def __init__(self, db: Database) -> None:
        from deskui.services.actor import Actor

        self.db = db
        self.clock = FixedClock(NOW)
        self.actor = Actor(1, "张伟", "lead")  # as seeded: a desk is its account as stored

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.db)


def columns() -> list[Any]:
    from deskui.screens.work_columns import deadline_columns

    return deadline_columns("Asia/Shanghai", with_owner=True)


class WorkListApp(App[None]):
    def __init__(self, holder: Holder) -> None:
        super().__init__()
        self.holder = holder
        self.clock = holder.clock

    def compose(self) -> ComposeResult:
        from deskui.screens.sources import DeadlineSource

        yield WorkList(columns(), DeadlineSource(self.holder, owner_id=1), id="list")  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one(WorkList).focus()


class DataTableApp(App[None]):
    def __init__(self, holder: Holder) -> None:
        super().__init__()
        self.holder = holder
        self.clock = holder.clock

    def compose(self) -> ComposeResult:
        yield DataTable(id="table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        cols = columns()
        table.add_columns(*(c.title for c in cols))
        with self.holder.unit_of_work() as uow:
            count = uow.work.work_count(owner_id=1)
            rows = uow.work.work_rows(0, count, owner_id=1)
        now = self.clock.now()
        table.add_rows(
            [
                [f"{int((r.due_at - now).total_seconds() // 60)}m"]
                + [c.cell(r) if c.cell else "" for c in cols[1:]]
                for r in rows
            ]
        )
        table.focus()


def _give_up_after(start: float, what: str, seconds: float = 120.0) -> None:
    """A benchmark that cannot measure fails loudly (issue 27): a list whose source raised
    shows no rows, and waiting for them would hang the run."""
    if time.perf_counter() - start > seconds:
        raise RuntimeError(f"queue.py: {what} within {seconds:g} s")


async def measure_work_list(holder: Holder) -> tuple[float, float]:
    app = WorkListApp(holder)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        work_list = app.query_one(WorkList)
        while work_list.count is None or work_list.row_at(0) is None:
            _give_up_after(start, "the work list showed no rows")
            await pilot.pause()
        await pilot.pause()
        first = time.perf_counter() - start
        start = time.perf_counter()
        await pilot.press("end")
        last = (work_list.count or 1) - 1
        while work_list.row_at(last) is None or work_list.scroll_offset.y == 0:
            _give_up_after(start, "End did not reach the last row")
            await pilot.pause()
        await pilot.pause()
        end = time.perf_counter() - start
    return first, end


async def measure_data_table(holder: Holder, rows: int) -> tuple[float, float]:
    app = DataTableApp(holder)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        while table.row_count < rows:
            await pilot.pause()
        await pilot.pause()
        first = time.perf_counter() - start
        start = time.perf_counter()
        table.move_cursor(row=rows - 1, animate=False)  # End's effect, without key mapping
        while table.cursor_row != rows - 1:
            await pilot.pause()
        await pilot.pause()
        end = time.perf_counter() - start
    return first, end


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-datatable", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="run_all: the 100k list once, no DataTable"
    )
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.skip_datatable = 1, True
    folder = Path(tempfile.mkdtemp(prefix="deskui-queue-"))
    try:
        _measure(args, folder)
    finally:  # the two databases (36 MB at 100k rows) are the run's own: never left behind
        shutil.rmtree(folder, ignore_errors=True)


def _measure(args: argparse.Namespace, folder: Path) -> None:
    t0 = time.perf_counter()
    big = Holder(seed(folder / "big.db", args.rows))
    small = Holder(seed(folder / "small.db", 100))
    print(f"seeded {args.rows:,} and 100 rows in {time.perf_counter() - t0:.1f} s ({folder})")

    async def run() -> dict[str, tuple[float, float]]:
        results: dict[str, list[tuple[float, float]]] = {"wl100": [], "wlbig": [], "dt100": []}
        results["dtbig"] = []
        await measure_work_list(small)  # warm-up: imports, first queries
        for _ in range(args.repeat):
            results["wl100"].append(await measure_work_list(small))
            results["wlbig"].append(await measure_work_list(big))
            results["dt100"].append(await measure_data_table(small, 100))
        if not args.skip_datatable:
            results["dtbig"].append(await measure_data_table(big, args.rows))  # once: slow
        return {k: median(v) for k, v in results.items() if v}

    figures = asyncio.run(run())
    print(f"{'widget':<24}{'rows':>10}{'first paint':>14}{'End':>10}")
    for key, name, rows in (
        ("wl100", "WorkList", 100),
        ("wlbig", "WorkList", args.rows),
        ("dt100", "DataTable", 100),
        ("dtbig", "DataTable", args.rows),
    ):
        if key in figures:
            first, end = figures[key]
            print(f"{name:<24}{rows:>10,}{first * 1000:>12.0f}ms{end * 1000:>8.0f}ms")
    ratio = figures["wlbig"][0] / figures["wl100"][0]
    verdict = "met" if ratio <= GOAL else "MISSED"
    print(f"WorkList first paint {args.rows:,} / 100 rows: {ratio:.2f}x (goal {GOAL}x: {verdict})")
    if "dtbig" in figures:
        print(f"DataTable / WorkList first paint at {args.rows:,}: "
              f"{figures['dtbig'][0] / figures['wlbig'][0]:.1f}x")  # fmt: skip
        print(f"DataTable / WorkList End at {args.rows:,}: "
              f"{figures['dtbig'][1] / max(figures['wlbig'][1], 1e-6):.1f}x")  # fmt: skip
    result = {
        "work_list_first_paint_ms": figures["wlbig"][0] * 1000,
        "work_list_100_first_paint_ms": figures["wl100"][0] * 1000,
        "rows": args.rows,
    }
    print("BENCH-RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
