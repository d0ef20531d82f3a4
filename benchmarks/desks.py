"""Fifty desks on one host (issue 16): a team's host runs one desk process per agent (ssh or
`deskui web`), so this starts N headless desk processes on one PostgreSQL (or SQLite file),
each signed in as a demo agent with its work list painted, leaves them idle, and measures
what they cost together: CPU over the idle window (from /proc) and resident memory per desk.

    python benchmarks/desks.py [--desks 50] [--idle 30] [--db URL] [--quick]

Goals: all desks together under 30% of one core while idle; under 80 MB resident per desk.
Measured before (issue 16): one idle desk holds 94 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import os
import subprocess
import tempfile
import time

GOAL_CPU_SHARE = 0.30  # of one core, all desks together
GOAL_RSS_MB = 80.0
NOW = "2026-11-23T09:00+08:00"
AGENTS = ("王芳", "李娜", "陈静", "张伟")

CHILD = r"""
import sys, time
from deskui.app import make_app
from deskui.config import Settings
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from datetime import datetime
url, agent, seconds, ready, now = sys.argv[1:6]
seconds = float(seconds)
settings = Settings(database_url=url, agent_name=agent, theme="textual-dark", demo=True)
app = make_app(settings, FixedClock(datetime.fromisoformat(now)), Database(url))
async def idle():
    # signed in and the list painted: say so, then sit idle as a desk between calls does
    while app.agent is None:
        await __import__("asyncio").sleep(0.05)
    await __import__("asyncio").sleep(1.0)
    open(ready, "w").close()
    await __import__("asyncio").sleep(seconds)
    app.exit()
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


def run(desks: int, idle: float, url: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="deskui-desks-") as tmp:
        folder = Path(tmp)
        url = _demo_database(url or f"sqlite:///{folder / 'desks.db'}")
        children = []
        for i in range(desks):
            ready = folder / f"ready-{i}"
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    url,
                    AGENTS[i % len(AGENTS)],
                    str(idle + 60),
                    str(ready),
                    NOW,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=_HERE.parent,
            )
            children.append((child, ready))
        deadline = time.time() + 60 + desks * 2
        while not all(r.exists() for _, r in children) and time.time() < deadline:
            time.sleep(0.2)
        started = sum(1 for _, r in children if r.exists())
        time.sleep(2.0)  # the last ones' first GC and layout settle
        alive = [c for c, _ in children if c.poll() is None]
        before = {c.pid: _cpu_seconds(c.pid) for c in alive}
        began = time.perf_counter()
        time.sleep(idle)
        elapsed = time.perf_counter() - began
        used = sum(
            _cpu_seconds(pid) - t for pid, t in before.items() if Path(f"/proc/{pid}").exists()
        )
        rss = [_rss_mb(c.pid) for c in alive if c.poll() is None]
        pss = [_pss_mb(c.pid) for c in alive if c.poll() is None]
        for child, _ in children:
            child.kill()
            child.wait()
    return {
        "desks": desks,
        "started": started,
        "cpu_share": used / elapsed,
        "rss_mean": sum(rss) / len(rss) if rss else float("nan"),
        "rss_max": max(rss) if rss else float("nan"),
        "pss_mean": sum(pss) / len(pss) if pss else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds measured idle")
    parser.add_argument(
        "--db",
        help="a database URL the desks share, seeded with the demo when empty"
        " (default: a demo SQLite file)",
    )
    parser.add_argument("--quick", action="store_true", help="10 desks, 10 s")
    args = parser.parse_args()
    if args.quick:
        args.desks, args.idle = 10, 10.0
    load = os.getloadavg()
    r = run(args.desks, args.idle, args.db)
    signed = f"{r['started']:.0f} of {args.desks} headless desks signed in"
    backend = (args.db or "sqlite").split(":", 1)[0].split("+", 1)[0]
    print(f"desks: {signed} on {backend}, idle {args.idle:.0f} s")
    print(f"  load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    share = r["cpu_share"]
    print(f"  CPU of all desks together {share:.1%} of one core (goal < {GOAL_CPU_SHARE:.0%})")
    rss = f"mean {r['rss_mean']:.0f} MB, max {r['rss_max']:.0f} MB"
    print(f"  resident per desk: {rss} (goal < {GOAL_RSS_MB:.0f})")
    print(f"  proportional per desk (shared pages split): mean {r['pss_mean']:.0f} MB")
    met = share < GOAL_CPU_SHARE and r["rss_mean"] < GOAL_RSS_MB
    print(f"  goals {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
