"""`answer` posted to the card painted on the agent's running desk, through PostgreSQL
(issue 25): p50/p99 in ms.

    python benchmarks/answer_to_card.py [--db URL] [--samples 30]

A desk runs headless on a fresh schema of the demo, signed in as 王芳 with extension 8001;
for each sample a known customer's call rings (newCall) and is answered at 8001. The clock
starts just before the `answer` goes through the service (as the bridge calls it: its own
unit of work, the NOTIFY at its commit) and stops at the first frame that paints intake with
that customer's card: the LISTEN thread hears the commit, the desk reads its calls, intake
opens, the number is looked up, the frame is drawn (benchmarks/_common.FrameProbe: the
frame rendered as a terminal would get it). Between samples the call ends and the agent goes
back to the desk. Before the desk starts, one call is answered at another agent's extension:
the posting side is then as warm as a bridge that has run all day (its first answer alone
compiles the answer path's statements); the desk's side is as cold as at a shift's start.
URL defaults to DESKUI_TEST_DATABASE_URL; the schema is dropped at the end.
Last line: `BENCH-RESULT {"answer_to_card_p50_ms": …, "answer_to_card_p99_ms": …}`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's queue (psycopg imports it)
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.append(str(_HERE))

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SIZE = (120, 36)
EXT = "8001"
AGENT = "王芳"
WARM_EXT = "8002"
"""Another agent's extension: the bridge's warm-up call does not ring this desk."""
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
RING_SECONDS = 1.0
"""How long each call rings before it is answered: one ring (China's ringback is 1 s on,
4 s off; an agent answers on the first ring at best). The desk builds intake while it rings
(deskui.navigation.build_ahead), as it would for a real call."""


def _schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def _measure(url: str, samples: int) -> list[float]:
    from sqlalchemy import update

    from deskui.app import make_app
    from deskui.config import Settings
    from deskui.data import models as m
    from deskui.data.database import Database
    from deskui.data.demo import seed_demo
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.clock import FixedClock
    from deskui.domain.search import LookupKind, classify
    from deskui.screens.intake import IntakeScreen
    from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event

    database = Database(url)
    database.upgrade()
    with UnitOfWork(database) as uow:
        seed_demo(uow, NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        uow.session.execute(update(m.Agent).where(m.Agent.name == AGENT).values(extension=EXT))
        uow.commit()
        callers = []
        for customer in uow.customers.customers():
            lookup = classify(customer.phone_e164 or "")
            if lookup.kind is LookupKind.PHONE and len(uow.customers.find_callers(lookup)) == 1:
                callers.append((customer.name, customer.phone_e164 or ""))
    clock = FixedClock(NOW)

    def post(kind: str, call_id: str, number: str, **more: object) -> None:
        fields: dict[str, object] = {
            "event": kind,
            "callId": call_id,
            "from": number,
            "to": "95000",
            "direction": "in",
            "user[]": [EXT],
            **more,
        }
        with UnitOfWork(database) as uow:
            record_call_event(uow, PHONE_ACTOR, RecordCallEvent(fields), clock.now())

    settings = Settings(
        database_url=url, locale="zh-CN", agent_name=AGENT, theme="textual-dark", demo=True
    )
    # the posting side as a running bridge has it (it has stored answers all day): its first
    # answer compiles the answer path's statements, 15-20 ms that no shift's first pop waits
    # for. A call answered at another agent's extension, before this desk starts.
    post("newCall", "warm-up", callers[-1][1], **{"user[]": [WARM_EXT]})
    post("answer", "warm-up", callers[-1][1], answeringNumber=WARM_EXT, **{"user[]": [WARM_EXT]})
    post("hangup", "warm-up", callers[-1][1], cause="normalClearing", **{"user[]": [WARM_EXT]})
    app = make_app(settings, clock, database)
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        from _common import FrameProbe

        painted: dict[str, float] = {}
        wanted: dict[str, str] = {}

        def on_frame(_probe: Any, at: float) -> None:
            name = wanted.get("name")
            screen = app.screen
            if name and isinstance(screen, IntakeScreen) and "at" not in painted:
                card = screen._card  # set in the same call that puts it on the card's lines
                if card is not None and card.customer.name == name:
                    painted["at"] = at

        FrameProbe(app, on_frame)
        for _ in range(50):  # signed in, the desk's listener running
            await pilot.pause(0.1)
            if app.agent is not None and app._listener is not None:
                break
        await pilot.pause(1.0)
        for n in range(samples):
            name, number = callers[n % len(callers)]
            call_id = f"bench-{n}"
            await asyncio.to_thread(post, "newCall", call_id, number)
            await pilot.pause(RING_SECONDS)
            painted.clear()
            wanted["name"] = name
            began = time.perf_counter()
            await asyncio.to_thread(post, "answer", call_id, number, answeringNumber=EXT)
            for _ in range(2000):
                if "at" in painted:
                    break
                await asyncio.sleep(0.001)
            if "at" in painted:
                timings.append((painted["at"] - began) * 1000)
            wanted.clear()
            await asyncio.to_thread(post, "hangup", call_id, number, cause="normalClearing")
            await pilot.pause(0.2)
            await pilot.press("ctrl+n", "escape")
            await pilot.pause(0.3)
    database.dispose()
    return timings


def answer_to_card_p99_ms(url: str, samples: int = 30) -> dict[str, float]:
    """The figures on a fresh schema of `url` (a PostgreSQL), dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"bench_card_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        timings = asyncio.run(_measure(_schema_url(url, schema), samples))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if not timings:
        return {"answer_to_card_samples": 0}
    return {
        "answer_to_card_samples": len(timings),
        "answer_to_card_p50_ms": round(_percentile(timings, 0.5), 1),
        "answer_to_card_p99_ms": round(_percentile(timings, 0.99), 1),
        "answer_to_card_max_ms": round(max(timings), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("DESKUI_TEST_DATABASE_URL"))
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        print("answer_to_card.py needs a PostgreSQL URL: --db or DESKUI_TEST_DATABASE_URL")
        return 2
    figures = answer_to_card_p99_ms(args.db, args.samples)
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("BENCH-RESULT " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
