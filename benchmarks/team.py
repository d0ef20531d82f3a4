"""Fifty agents on one PostgreSQL (issue 16): each a process with its own connection,
claiming the most urgent callback of a shared queue and saving the call, for a fixed time.

    python benchmarks/team.py [--db URL] [--agents 50] [--items 10000] [--seconds 60] [--quick]

URL defaults to DESKUI_TEST_DATABASE_URL (a PostgreSQL the benchmark may create a schema in;
the schema is dropped afterwards). A claim is `claim_next_callback` (FOR UPDATE SKIP LOCKED);
a save is `record_callback` on the claimed callback, with its version check, in its own unit
of work, as the desk saves a call. Flat out (the default) fifty processes share two cores,
so latency there is CPU queueing; `--pace 1` is fifty agents each saving once a second on
average, independently (staggered starts, exponential gaps), far above a front desk's rate.
Printed: claims per second, p50/p99 save latency,
double claims (a callback with two "claimed" events) and lost updates (a done callback whose
caller is not its claimer, or saves that did not land), with the load average.

Goals: 0 double claims, 0 lost updates, p99 save under 50 ms on this 2-core machine.
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
import multiprocessing
import os
import random
import statistics
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, select, text

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.claims import claim_next_callback

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
GOAL_P99_MS = 100.0
"""Issue 27: p99 save within 100 ms with every agent saving flat out..."""
GOAL_PACED_P99_MS = 50.0
"""... and within 50 ms at one save a second each (--pace 1)."""


def _schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _fill(database: Database, agents: int, items: int) -> list[int]:
    with UnitOfWork(database) as uow:
        ids = [uow.agents.add_agent(f"坐席{i:02d}", Role.AGENT, NOW).id for i in range(agents)]
        customer = m.Customer(name="压测客户", created_at=NOW, updated_at=NOW)
        uow.session.add(customer)
        uow.session.flush()
        rows = [
            {"customer_id": customer.id, "purpose": "routine", "way": "phone",
             "status": "pending", "shared": True, "due_at": NOW + timedelta(seconds=i),
             "answers": {}, "notes": "", "created_at": NOW, "version": 1,
             "moved_reason": "", "occasion": "", "sales_head": "", "sales_note": ""}
            for i in range(items)
        ]  # fmt: skip
        uow.session.execute(insert(m.Callback), rows)
        uow.commit()
    return ids


def _agent(
    url: str, schema: str, agent_id: int, began: float, stop_at: float, pace: float
) -> tuple[list[tuple[int, int]], list[float], list[str]]:
    """One desk process: claim, save, again, until the time is up or the queue is empty."""
    database = Database(_schema_url(url, schema))
    actor = Actor(agent_id, "", Role.AGENT)
    claims: list[tuple[int, int]] = []
    saves: list[float] = []
    errors: list[str] = []
    rng = random.Random(agent_id)
    # paced agents are independent: each starts somewhere in its first pace, and the time on
    # the phone between saves is exponential with the pace as its mean (Poisson arrivals);
    # fifty agents woken on the same instant every second would measure their own queue
    time.sleep(max(0.0, began - time.time() + (rng.uniform(0, pace) if pace else 0.0)))
    try:
        while time.time() < stop_at:
            with UnitOfWork(database) as uow:
                callback_id = claim_next_callback(uow, actor, None, NOW)
                if callback_id is None:
                    break
                version = uow.session.get_one(m.Callback, callback_id).version  # as the form
            start = time.perf_counter()
            with UnitOfWork(database) as uow:
                uow.callbacks.record_callback(
                    callback_id,
                    agent_id,
                    NOW,
                    {"satisfaction": "satisfied"},
                    "已回访",
                    expected_version=version,
                )
                uow.commit()
            saves.append(time.perf_counter() - start)
            claims.append((callback_id, agent_id))
            if pace:
                time.sleep(rng.expovariate(1 / pace))  # on the phone before the next one
    except Exception as error:
        errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        database.dispose()
    return claims, saves, errors


def run(url: str, agents: int, items: int, seconds: float, pace: float = 0.0) -> dict[str, float]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        setup = Database(_schema_url(url, schema))
        setup.upgrade()
        agent_ids = _fill(setup, agents, items)
        setup.dispose()
        began = time.time() + 2.0  # every process starts at once, after its imports
        stop_at = began + seconds
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=agents, mp_context=context) as pool:
            futures = [
                pool.submit(_agent, url, schema, agent_id, began, stop_at, pace)
                for agent_id in agent_ids
            ]
            results = [future.result() for future in futures]
        elapsed = max(time.time() - began, 1e-9)
        claims = [claim for r in results for claim in r[0]]
        saves = [took for r in results for took in r[1]]
        errors = [error for r in results for error in r[2]]
        check = Database(_schema_url(url, schema))
        with UnitOfWork(check) as uow:
            claimed_events = Counter(
                uow.session.scalars(
                    select(m.CallbackEvent.callback_id).where(m.CallbackEvent.action == "claimed")
                )
            )
            done = dict(
                uow.session.execute(
                    select(m.Callback.id, m.Callback.done_by_id).where(
                        m.Callback.done_at.is_not(None)
                    )
                ).all()
            )
        check.dispose()
        double = sum(1 for n in claimed_events.values() if n > 1)
        lost = sum(1 for cid, aid in claims if done.get(cid) != aid) + abs(len(done) - len(claims))
        ordered = sorted(saves)
        p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000 if ordered else float("nan")
        return {
            "claims_per_s": len(claims) / elapsed,
            "claims": len(claims),
            "p50_ms": statistics.median(saves) * 1000 if saves else float("nan"),
            "p99_ms": p99,
            "double_claims": double,
            "lost_updates": lost,
            "errors": len(errors),
            "first_error": errors[0] if errors else "",  # type: ignore[dict-item]
        }
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("DESKUI_TEST_DATABASE_URL"))
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds each agent waits after a save (0: flat out, the worst case)",
    )
    parser.add_argument("--quick", action="store_true", help="20 agents, 2,000 items, 8 s")
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        print("team.py needs a PostgreSQL URL: --db or DESKUI_TEST_DATABASE_URL", file=sys.stderr)
        return 2
    if args.quick:
        args.agents, args.items, args.seconds = 20, 2_000, 8.0
    load = os.getloadavg()
    r = run(args.db, args.agents, args.items, args.seconds, args.pace)
    pace = f", {args.pace:g} s between saves" if args.pace else ", flat out"
    print(f"team: {args.agents} agents, {args.items} shared callbacks, {args.seconds:.0f} s{pace}")
    print(f"  load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"  claims/s {r['claims_per_s']:.1f} ({r['claims']:.0f} claimed and saved)")
    goal = GOAL_PACED_P99_MS if args.pace >= 1 else GOAL_P99_MS
    latency = f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
    print(f"  save latency {latency} (goal p99 < {goal:.0f} ms)")
    wrong = f"double claims {r['double_claims']:.0f}, lost updates {r['lost_updates']:.0f}"
    print(f"  {wrong} (goal 0, 0)")
    if r["errors"]:
        print(f"  errors {r['errors']:.0f}: {r['first_error']}")
    met = r["double_claims"] == 0 and r["lost_updates"] == 0 and r["p99_ms"] < goal
    print(f"  goals {'met' if met else 'NOT met'}; load average after {os.getloadavg()[0]:.2f}")
    keys = ("claims_per_s", "p50_ms", "p99_ms", "double_claims", "lost_updates", "errors")
    figures = {"save_" + k if k.endswith("_ms") else k: r[k] for k in keys}
    print("BENCH-RESULT " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
