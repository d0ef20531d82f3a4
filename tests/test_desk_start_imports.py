"""What a desk loads as it starts (issue 27: memory per desk): a desk process signed in with
its password, its rows painted and a few ticks idle, has not imported what its first screen
does not need: the migrations (the administrator's), the document writers, the web host, the
phone bridge, the PostgreSQL driver on SQLite, the demo's seed, the screens not opened, and
the handover screen when no handover waits. At its first paint it has not imported the data
layer at all. Checked in a fresh interpreter, from its sys.modules, so a stray import at
module level anywhere on the way shows here."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from tests.conftest import FIXED_NOW
from tests.databases import sqlite_copy

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "start-imports-1"

DEFERRED = (
    "alembic",
    "mako",
    "reportlab",
    "openpyxl",
    "aiohttp",
    "psycopg",
    "psycopg_binary",
    "sqlalchemy.dialects.postgresql",
    "phonenumbers",
    "deskui.data.demo",
    "deskui.data.later_models",
    "deskui.data.migrations.env",
    "deskui.documents",
    "deskui.web",
    "deskui.phone",
    "deskui.cli",
    "deskui.screens.handover",
    "deskui.screens.orders",
    "deskui.screens.intake",
    "deskui.screens.complaint",
    "deskui.screens.callbacks",
    "deskui.screens.team",
    "deskui.screens.measures",
)
"""Packages (and their submodules) an idle desk must not have imported."""

NOT_MAPPED = ("Order", "ComplaintRecord", "Prospect", "Gift", "SurveyForm", "Correspondence")
"""Models an idle desk has not mapped (each costs an idle desk memory; issue 27)."""

AT_FIRST_PAINT = (
    "sqlalchemy",
    "argon2",
    "phonenumbers",
    "deskui.data.unit_of_work",
    "deskui.screens.phone_desk",
    "deskui.widgets.call_line",
    "deskui.domain.floor",
)
"""Not imported before the first frame: the desk paints, then opens its data layer; the
phone's line is made when the agent has signed in (issue 27)."""

CHILD = r"""
import asyncio, json, sys, threading
from datetime import datetime
from deskui.app import make_app
from deskui.config import Settings
from deskui.domain.clock import FixedClock
url, name, password, now, demo = sys.argv[1:6]
settings = Settings(
    database_url=url, agent_name=name, agent_password=password or None, demo=demo == "demo"
)
app = make_app(settings, FixedClock(datetime.fromisoformat(now)))
seen = {}
class FirstPaint(threading.Event):  # the desk's own word that its first frame is out
    def set(self):
        seen.setdefault("first_paint", sorted(sys.modules))  # before its data layer starts
        super().set()
app._first_paint = FirstPaint()
async def idle():
    from deskui.widgets.work_list import WorkList
    for _ in range(1200):
        work = app.screen_stack[0].query("#work")
        if app.agent is not None and work and work.first(WorkList).count is not None:
            break
        await asyncio.sleep(0.05)
    else:
        raise SystemExit("the desk did not sign in with its rows within 60 s")
    await asyncio.sleep(3.0)  # a few ticks: the change poll, presence, the handover check
    seen["idle"] = sorted(sys.modules)
    from deskui.data.models import Base
    seen["mapped"] = sorted(mp.class_.__name__ for mp in Base.registry.mappers)
    seen["signed_in"] = app.agent.name
    seen["screens"] = [type(s).__name__ for s in app.screen_stack]
    app.exit()
app.call_later(lambda: app.run_worker(idle()))
app.run(headless=True, size=(120, 36))
print("MODULES " + json.dumps(seen))
"""


def _agent_with_password(database: Database) -> str:
    from argon2 import PasswordHasher

    now = FIXED_NOW
    with UnitOfWork(database) as uow:
        agent = uow.agents.add_agent("王芳", Role.AGENT, now)
        account = uow.accounts.account(agent.name)
        assert account is not None
        hashed = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
        uow.accounts.set_password(account.id, hashed, now, must_change=False)
        uow.commit()
    return agent.name


def _loaded(modules: list[str], package: str) -> list[str]:
    return [m for m in modules if m == package or m.startswith(package + ".")]


def test_an_idle_desk_has_not_imported_what_its_first_screen_does_not_need(
    tmp_path: Path,
) -> None:
    database = sqlite_copy(tmp_path / "desk.db")
    name = _agent_with_password(database)
    database.dispose()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    now = datetime.isoformat(FIXED_NOW)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, name, PASSWORD, now, "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**_env(), "DESKUI_DATA_DIR": str(tmp_path / "files")},
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    seen = json.loads(lines[-1][len("MODULES ") :])
    assert seen["signed_in"] == name and seen["screens"] == ["DeskScreen"], seen["screens"]
    idle = seen["idle"]
    # the check can see what a desk does load
    assert _loaded(idle, "sqlalchemy.orm") and _loaded(idle, "deskui.screens.desk")
    assert {p: _loaded(idle, p) for p in DEFERRED if _loaded(idle, p)} == {}
    # the models it reads are mapped, no others (deskui/data/later_models.py, issue 27)
    assert "Agent" in seen["mapped"] and "Deadline" in seen["mapped"]
    assert not set(seen["mapped"]) & set(NOT_MAPPED), seen["mapped"]
    first = seen["first_paint"]
    assert _loaded(first, "textual")
    assert {p: _loaded(first, p) for p in AT_FIRST_PAINT if _loaded(first, p)} == {}


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.pop("TEXTUAL", None)
    return env


DEFERRED_BY_A_DEMO_DESK = (
    "argon2",
    "_argon2_cffi_bindings",
    "_cffi_backend",
    "deskui.services.calls",
)
"""A demo desk (the one benchmarks/desks.py measures, issue 27), whose people have no
password, loads no password hashing; and no desk loads the calls' service (nor the
callbacks' store it needs) before the agent changes their phone state."""


def test_an_idle_demo_desk_has_not_imported_password_hashing(tmp_path: Path) -> None:
    from deskui.data.demo import seed_demo

    database = sqlite_copy(tmp_path / "demo.db")
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    database.dispose()
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, "李娜", "", datetime.isoformat(FIXED_NOW), "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**_env(), "DESKUI_DATA_DIR": str(tmp_path / "files")},
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    seen = json.loads(lines[-1][len("MODULES ") :])
    assert seen["signed_in"] == "李娜" and seen["screens"] == ["DeskScreen"], seen["screens"]
    idle = seen["idle"]
    assert _loaded(idle, "deskui.services.accounts")  # the demo sign-in went through it
    assert _loaded(idle, "deskui.services.phone_desk")  # the phone's read of the calls
    loaded = {p: _loaded(idle, p) for p in (*DEFERRED, *DEFERRED_BY_A_DEMO_DESK)}
    assert {p: found for p, found in loaded.items() if found} == {}
