"""The phone bridge's events per second and latency on localhost (issue 25), with desks
listening on PostgreSQL.

    python benchmarks/phone.py [--quick] [--db URL] [--calls 2000] [--desks 50] [--clients 4]

`deskui phone serve` runs as its own process on a free port, on a PostgreSQL schema of this
run's own (URL from --db, DESKUI_TEST_DATABASE_URL or /tmp/pgurl) holding 50 agents with
extensions and 500 customers. `--desks` connections LISTEN as desks do and, on each
notification that concerns them (its note names their agent, or any call for the first
desk, a lead's floor: deskui.data.change_listener.note_concerns), read the change feed after
the id they last saw. `--clients` threads post as
a PBX does (keep-alive HTTP, JSON): per call `newCall`, `answer`, `hangup` (every fifth call
missed: `newCall`, `hangup` cancel, which files a callback). Each post's latency is the time
to its reply, which comes after the event is committed. `--quick`: 200 calls, 10 desks.

Goals (issue 25): at least 500 events/s (`event_cost_ms` = 1000 / events_per_s <= 2 ms) and
p99 under 20 ms. The last line is `BENCH-RESULT {json}` for benchmarks/run_all.py with
`events_per_s`, `event_p50_ms`, `event_p99_ms`, `event_cost_ms`. `answer_to_card_p99_ms`
(an answer to the card painted on the agent's desk) is measured on the desk side.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's queue (psycopg imports it)
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role

ROOT = _HERE.parent
TOKEN = "bench-token-0b1c"
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _url(argument: str | None) -> str | None:
    if argument:
        return argument
    if os.environ.get("DESKUI_TEST_DATABASE_URL"):
        return os.environ["DESKUI_TEST_DATABASE_URL"]
    saved = Path("/tmp/pgurl")
    return saved.read_text().strip() if saved.exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(database: Database, agents: int = 50, customers: int = 500) -> list[int]:
    """The agents' ids, by extension (8001 first)."""
    ids: list[int] = []
    with UnitOfWork(database) as uow:
        for n in range(agents):
            agent = uow.agents.add_agent(f"坐席{n:02d}", Role.AGENT, NOW)
            uow.session.get_one(m.Agent, agent.id).extension = str(8001 + n)
            ids.append(agent.id)
        for n in range(customers):
            uow.session.add(
                m.Customer(
                    name=f"客户{n:04d}",
                    phone_e164=f"+86138{n:08d}",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        uow.commit()
    return ids


class Desks:
    """`count` LISTENing connections, each reading the change feed on every notification."""

    def __init__(self, url: str, schema: str, count: int, agents: list[int]) -> None:
        self._stop = threading.Event()
        self.reads = 0
        self.heard = 0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(
                target=self._desk, args=(url, schema, agents[n % len(agents)], n == 0), daemon=True
            )
            for n in range(count)
        ]
        self._ready = threading.Barrier(count + 1)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._ready.wait(timeout=60)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _desk(self, url: str, schema: str, agent: int, floor: bool) -> None:
        import psycopg

        from deskui.data.change_listener import note_concerns

        plain = url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'SET search_path TO "{schema}"')
            connection.execute("LISTEN deskui_changes")
            seen = int(connection.execute("SELECT coalesce(max(id), 0) FROM change").fetchone()[0])  # type: ignore[index]
            self._ready.wait(timeout=60)
            while not self._stop.is_set():
                # out of the generator first: it holds the connection while it waits
                heard = list(connection.notifies(timeout=0.5, stop_after=1))
                if not heard:
                    continue
                with self._lock:
                    self.heard += 1
                if not any(note_concerns(n.payload, agent, watches_calls=floor) for n in heard):
                    continue
                rows = connection.execute(
                    "SELECT id, entity, entity_id FROM change WHERE id > %s ORDER BY id",
                    (seen,),
                ).fetchall()
                if rows:
                    seen = rows[-1][0]
                with self._lock:
                    self.reads += 1


def _events(call: int) -> list[dict[str, object]]:
    caller = f"138{call % 500:08d}"
    base = {"callId": f"bench-{call}@127.0.0.1", "from": caller, "to": "95000", "direction": "in"}
    ext = str(8001 + call % 50)
    if call % 5 == 4:  # a missed call: files (or counts into) a callback
        return [
            {**base, "event": "newCall", "user": [ext]},
            {**base, "event": "hangup", "cause": "cancel", "user": [ext]},
        ]
    return [
        {**base, "event": "newCall", "user": [ext]},
        {**base, "event": "answer", "answeringNumber": ext, "user": [ext]},
        {**base, "event": "hangup", "cause": "normalClearing", "user": [ext]},
    ]


def _client(port: int, calls: list[int], latencies: list[float], failures: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/api/v1/cti/{TOKEN}"
    for call in calls:
        for event in _events(call):
            body = json.dumps(event)
            started = time.perf_counter()
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            latencies.append(time.perf_counter() - started)
            if answer.status != 200:
                failures.append(f"{answer.status} on {event['event']}")


def _post_all(port: int, calls: range, clients: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    failures: list[str] = []
    shares = [list(calls)[n::clients] for n in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(port, share, latencies, failures))
        for share in shares
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 calls, 10 desks")
    parser.add_argument("--db", help="PostgreSQL URL (default: DESKUI_TEST_DATABASE_URL)")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--card-samples", type=int, default=30, help="answers timed to the painted card (0: none)"
    )
    args = parser.parse_args()
    calls, desks = (200, 10) if args.quick else (args.calls, args.desks)
    url = _url(args.db)
    if url is None or not url.startswith("postgresql"):
        print("phone: needs PostgreSQL (--db or DESKUI_TEST_DATABASE_URL)", file=sys.stderr)
        return 2
    schema = f"phone_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options=-csearch_path%3D{schema}"
    folder = Path(tempfile.mkdtemp(prefix="deskui-phone-bench-"))
    bridge: subprocess.Popen[bytes] | None = None
    listening: Desks | None = None
    try:
        database = Database(scoped)
        database.upgrade()
        agents = _seed(database)
        database.dispose()
        port = _free_port()
        env = {**os.environ, "DESKUI_PHONE_TOKEN": TOKEN, "DESKUI_DATA_DIR": str(folder)}
        env["PYTHONPATH"] = str(ROOT)
        bridge = subprocess.Popen(
            [sys.executable, "-m", "deskui", "--db", scoped, "phone", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "bridge.log").open("wb"),
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or bridge.poll() is not None:
                    raise SystemExit("phone: the bridge did not start") from None
                time.sleep(0.2)
        listening = Desks(scoped, schema, desks, agents)
        listening.start()
        _post_all(port, range(10_000_000, 10_000_020), args.clients)  # warm-up, not counted
        latencies, failures, elapsed = _post_all(port, range(calls), args.clients)
        if failures:
            raise SystemExit(f"phone: {len(failures)} posts failed, e.g. {failures[0]}")
        events = len(latencies)
        per_second = events / elapsed
        p50 = _percentile(latencies, 0.50) * 1000
        p99 = _percentile(latencies, 0.99) * 1000
        load = os.getloadavg()[0]
        print(f"phone: {events} events from {args.clients} clients, {desks} desks listening")
        print(f"  events/s {per_second:8.0f}   (goal >= 500)")
        mean = statistics.fmean(latencies) * 1000
        print(f"  p50 {p50:8.2f} ms   p99 {p99:8.2f} ms (goal < 20)   mean {mean:.2f} ms")
        print(
            f"  notifications heard {listening.heard}, feed reads {listening.reads} "
            f"(a desk reads only for a call that concerns it)   load average {load:.2f}"
        )
        result = {
            "events_per_s": round(per_second, 1),
            "event_p50_ms": round(p50, 2),
            "event_p99_ms": round(p99, 2),
            "event_cost_ms": round(1000 / per_second, 3),
            "desks": desks,
            "load": round(load, 2),
        }
    finally:
        if listening is not None:
            listening.stop()
        if bridge is not None and bridge.poll() is None:
            bridge.terminate()
            bridge.wait(timeout=30)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if args.card_samples:  # the desk side, once the bridge and the listening desks are gone
        from benchmarks.answer_to_card import answer_to_card_p99_ms

        card = answer_to_card_p99_ms(url, 10 if args.quick else args.card_samples)
        print(
            f"  answer to card p50 {card.get('answer_to_card_p50_ms')} ms   "
            f"p99 {card.get('answer_to_card_p99_ms')} ms (goal < 100)"
        )
        result.update(card)
    print("BENCH-RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
