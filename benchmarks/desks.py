"""Fifty desks on one host (issue 16): a team's host runs one desk process per agent (ssh or
`deskui web`), so this starts N headless desk processes on one PostgreSQL (or SQLite file),
each signed in as a demo agent with its work list painted, leaves them idle, and measures
what they cost together: CPU over the idle window (from /proc) and resident memory per desk.

    python benchmarks/desks.py [--desks 50] [--idle 30] [--db URL] [--quick]

Goals: all desks together under 30% of one core while idle; under 70 MB resident per desk;
on PostgreSQL at most 2 server connections held by one idle desk (issue 27: a hundred desks on
one server with the default `max_connections` of 100). Each desk proves it signed in and
painted its rows, and says at the end whether it showed database trouble; a desk that did not
fails the run (exit 1), it is never counted as signed in. Last line `BENCH-RESULT {json}`.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable

GOAL_CPU_SHARE = 0.30  # of one core, all desks together
GOAL_RSS_MB = 70.0
GOAL_CONNECTIONS = 2  # server connections one idle desk holds (issue 27)
RESULT_PREFIX = "BENCH-RESULT "
NOW = "2026-11-23T09:00+08:00"
AGENTS = ("王芳", "李娜", "陈静", "张伟")

CHILD = r"""
import asyncio, json, sys
from pathlib import Path
from deskui.app import make_app
from deskui.config import Settings
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from datetime import datetime
url, agent, ready, stop, now = sys.argv[1:6]
settings = Settings(database_url=url, agent_name=agent, theme="textual-dark", demo=True)
app = make_app(settings, FixedClock(datetime.fromisoformat(now)), Database(url))
def trouble():
    from deskui.widgets.banner import Banner
    return [b.message for s in app.screen_stack for b in s.query(Banner)
            if b.message and not (b.has_class("-notice") or b.has_class("-attention"))]
async def idle():
    # signed in, its rows loaded and painted: say so, then sit idle as a desk between calls
    from deskui.widgets.work_list import WorkList
    work = app.screen.query_one("#work", WorkList)
    while app.agent is None or not work.count or work.row_at(0) is None:
        await asyncio.sleep(0.05)
    painted = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: painted.done() or painted.set_result(True))
    await painted
    say({"rows": work.count})
    while not Path(stop).exists():
        await asyncio.sleep(0.5)
    say({"rows": work.count, "trouble": trouble()})
    app.exit()
def say(what):
    # whole or not at all: the runner reads the file the moment it appears (a file written
    # in place was once read empty, and a desk that had painted counted as one that had not)
    written = Path(ready + ".part")
    written.write_text(json.dumps(what))
    written.replace(ready)
app.call_later(lambda: app.run_worker(idle()))
app.run(headless=True, size=(120, 36))
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pss_mb(pid: int) -> float:
    """Proportional set: the desk's own pages plus its share of the pages the desks share
    (the interpreter, the libraries): what one more desk costs the host."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _uss_mb(pid: int) -> float:
    """Unique set: the pages no other process maps (the desk's heap, its written pages):
    what ending this desk gives back. The shared libraries' pages (libpq, OpenSSL, the
    interpreter) are in RSS whole and in PSS split between the desks of the host."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total / 1024


def _demo_database(url: str) -> str:
    """The demo's people and work in the database the desks share, seeded when it is empty
    (a file of its own by default; `--db` a PostgreSQL the team's host runs)."""
    from datetime import datetime

    from sqlalchemy import func, select

    from deskui.data import models as m
    from deskui.data.database import Database
    from deskui.data.demo import seed_demo
    from deskui.data.unit_of_work import UnitOfWork

    database = Database(url)
    database.upgrade()
    with UnitOfWork(database) as uow:
        if not uow.session.scalar(select(func.count()).select_from(m.Agent)):
            seed_demo(uow, datetime.fromisoformat(NOW))
            uow.commit()
    database.dispose()
    return url


class _ServerWatch:
    """The desks' connections on the server, by application name (each desk process names
    its own `deskui PID`), read through one connection opened before the desks start (a
    full server refuses a new one). Inactive on SQLite."""

    def __init__(self, url: str) -> None:
        self.connection = None
        if not url.startswith("postgresql"):
            return
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        self.connection = psycopg.connect(
            host=u.host or "", port=u.port or 5432, dbname=u.database or "",
            user=u.username or "", password=u.password or "", autocommit=True,
        )  # fmt: skip

    def held(self) -> dict[str, int] | None:
        if self.connection is None:
            return None
        rows = self.connection.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE 'deskui %'"
            " GROUP BY application_name"
        ).fetchall()
        return {name: count for name, count in rows}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def run(desks: int, idle: float, url: str | None, spread: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="deskui-desks-") as tmp:
        folder = Path(tmp)
        url = _demo_database(url or f"sqlite:///{folder / 'desks.db'}")
        watch = _ServerWatch(url)
        stop = folder / "stop"
        children = []
        began_start = time.perf_counter()
        for i in range(desks):
            time.sleep(max(0.0, began_start + spread * i / desks - time.perf_counter()))
            ready = folder / f"ready-{i}"
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, url, AGENTS[i % len(AGENTS)], str(ready),
                 str(stop), NOW],
                stdout=subprocess.DEVNULL,
                stderr=(folder / f"stderr-{i}").open("wb"),
                cwd=_HERE.parent,
            )  # fmt: skip
            children.append((child, ready))
        deadline = time.time() + 60 + desks * 2
        while not all(r.exists() for _, r in children) and time.time() < deadline:
            if all(c.poll() is not None or r.exists() for c, r in children):
                break  # the rest ended without their rows
            time.sleep(0.2)
        painted = sum(1 for _, r in children if r.exists() and _rows(r) > 0)
        start_seconds = time.perf_counter() - began_start
        time.sleep(2.0)  # the last ones' first GC and layout settle
        alive = [c for c, _ in children if c.poll() is None]
        before = {c.pid: _cpu_seconds(c.pid) for c in alive}
        began = time.perf_counter()
        samples: list[dict[str, int]] = []
        while time.perf_counter() - began < idle:
            time.sleep(min(2.0, max(0.0, idle - (time.perf_counter() - began))))
            found = watch.held()
            if found is not None:
                samples.append(found)
        elapsed = time.perf_counter() - began
        used = sum(
            _cpu_seconds(pid) - t for pid, t in before.items() if Path(f"/proc/{pid}").exists()
        )
        rss = [m for m in (_alive(_rss_mb, c) for c in alive) if m is not None]
        pss = [m for m in (_alive(_pss_mb, c) for c in alive) if m is not None]
        uss = [m for m in (_alive(_uss_mb, c) for c in alive) if m is not None]
        stop.touch()
        ended = time.time() + 30
        while any(c.poll() is None for c, _ in children) and time.time() < ended:
            time.sleep(0.2)
        troubled = 0
        for i, (child, ready) in enumerate(children):
            if child.poll() is None:
                child.kill()
            code = child.wait()
            if not ready.exists() or _rows(ready) == 0:
                said = (folder / f"stderr-{i}").read_text(errors="replace").strip()
                print(f"desk {i} ({AGENTS[i % len(AGENTS)]}) never painted its rows, exit"
                      f" {code}: {said[-1500:]}", file=sys.stderr)  # fmt: skip
            if ready.exists() and json.loads(ready.read_text() or "{}").get("trouble"):
                troubled += 1
        watch.close()
    per_desk = [max(s.values(), default=0) for s in samples]
    totals = [sum(s.values()) for s in samples]
    return {
        "desks": desks,
        "painted": painted,
        "troubled": troubled,
        "start_seconds": start_seconds,
        "cpu_share": used / elapsed,
        "cpu_percent": 100 * used / elapsed,
        "rss_mean": sum(rss) / len(rss) if rss else float("nan"),
        "rss_max": max(rss) if rss else float("nan"),
        "pss_mean": sum(pss) / len(pss) if pss else float("nan"),
        "uss_mean": sum(uss) / len(uss) if uss else float("nan"),
        "connections_max_per_desk": max(per_desk) if per_desk else float("nan"),
        "connections_mean_total": sum(totals) / len(totals) if totals else float("nan"),
        "connections_max_total": max(totals) if totals else float("nan"),
    }


def _alive(measure: Callable[[int], float], child: subprocess.Popen[bytes]) -> float | None:
    """The measure of a desk still running (None: it ended meanwhile)."""
    try:
        return measure(child.pid) if child.poll() is None else None
    except OSError:
        return None


def _rows(ready: Path) -> int:
    try:
        return int(json.loads(ready.read_text() or "{}").get("rows", 0))
    except ValueError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds measured idle")
    parser.add_argument(
        "--db",
        help="a database URL the desks share, seeded with the demo when empty"
        " (default: a demo SQLite file)",
    )
    parser.add_argument(
        "--spread", type=float, help="seconds over which the desks start (default: 0.6 s apart,"
        " a hundred within a minute as at a shift's start)"
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="4 desks, 10 s")
    args = parser.parse_args()
    if args.quick:
        args.desks, args.idle = 4, 10.0
    if args.spread is None:
        args.spread = 0.6 * args.desks
    load = os.getloadavg()
    r = run(args.desks, args.idle, args.db, args.spread)
    after = os.getloadavg()
    backend = (args.db or "sqlite").split(":", 1)[0].split("+", 1)[0]
    print(
        f"desks: {r['painted']:.0f} of {args.desks} desks signed in with their rows painted"
        f" on {backend}; {r['troubled']:.0f} showed database trouble; idle {args.idle:.0f} s"
    )
    print(
        f"  started over {args.spread:.0f} s; all painted"
        f" {r['start_seconds']:.0f} s after the first"
        " started"
    )
    print(
        f"  load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: {after[0]:.2f}"
    )
    share = r["cpu_share"]
    print(f"  CPU of all desks together {share:.1%} of one core (goal < {GOAL_CPU_SHARE:.0%})")
    rss = f"mean {r['rss_mean']:.0f} MB, max {r['rss_max']:.0f} MB"
    print(f"  resident per desk: {rss} (goal < {GOAL_RSS_MB:.0f})")
    print(f"  proportional per desk (shared pages split): mean {r['pss_mean']:.0f} MB")
    print(f"  unique per desk (pages no other process maps): mean {r['uss_mean']:.0f} MB")
    connections_met = True
    if backend == "postgresql":
        most = r["connections_max_per_desk"]
        connections_met = most <= GOAL_CONNECTIONS
        print(
            f"  server connections: at most {most:.0f} held by one idle desk"
            f" (goal <= {GOAL_CONNECTIONS}); all desks together mean"
            f" {r['connections_mean_total']:.1f}, max {r['connections_max_total']:.0f}"
        )
    met = share < GOAL_CPU_SHARE and r["rss_mean"] < GOAL_RSS_MB and connections_met
    print(f"  goals {'met' if met else 'NOT met'}")
    result = {k: v for k, v in r.items() if v == v}  # NaN (not measured) left out
    print(RESULT_PREFIX + json.dumps(result))
    if r["painted"] < args.desks or r["troubled"]:
        print(
            f"desks: FAILED: {args.desks - r['painted']:.0f} desks never painted their rows,"
            f" {r['troubled']:.0f} showed database trouble",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
