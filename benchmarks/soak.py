"""A desk through a shift (issue 27): an agent's desk signed in for a simulated 8-hour shift at
an accelerated clock, on SQLite and on PostgreSQL, with 300 live countdowns on its work list.

    python benchmarks/soak.py [--hours 8] [--speed 16] [--backends sqlite,postgresql]
                              [--db POSTGRES_URL] [--quick]

The parent builds each backend's database as a site has it: the demo seeded at the shift's
start (a SQLite file of its own; on PostgreSQL a schema of its own on `--db`, by default
DESKUI_TEST_DATABASE_URL, dropped at the end), migrated by the parent as the administrator's
`deskui db upgrade` does; 王芳 gets a password and signs in with it, as a real account does; she
owns 300 open deadlines falling due one after another across the shift and callbacks due in
it. The child is the desk (`make_app`) headless under Pilot at 160x320, so the 300 countdowns
are all on screen, with a clock that runs `--speed` times real time from the shift's start.

Through the shift, at simulated instants: a call taken every 10 minutes (F2, the caller's
number typed key by key, the caller's words typed, Ctrl+D: answered and closed; every third
call a new number), a complaint stepped every hour (F3, Enter on the complaint due first, its
current step taken as an agent takes it: what the step asks for and the case does not hold
yet typed, a time as the field's hint shows one, a time refused with a slot offered retyped
as that slot, a choice picked with Enter, Down, Enter; Ctrl+S: the eight steps of a shift
take a complaint from 平息情绪 to 结案), a callback made every 90 minutes (F4, Enter on the
first due, its purpose's script walked step by step: fields typed, the first answer taken;
Ctrl+S), and at the end the shift handed over (F5, H, Ctrl+S). Each action is checked in the
database (a call saved, a step moved, a callback done, the handover written); one that did
not happen fails the run. Between actions the desk sits idle: its CPU is measured over those
real seconds (os.times, every thread), from two seconds after the last key. How late the
actions started against their plan is printed: more than a few simulated minutes means the
speed is too high for the actions to fit between the shift's instants.

Figures per backend: RSS at the start (signed in, rows painted), after the first hour (every
screen used once; the growth after it is printed beside the whole: what the shift adds once
every screen is open, not the first opens) and at the end, each after a full collection;
idle CPU, % of one core; the slowest key-to-paint and its p99 (perf_counter before each key
to the last frame painted before the key's work settled: `_common.FrameProbe`); every
exception, failed worker or trouble banner. Goals: growth under 10 MB over the shift, idle
under 2% of a core, no exception. The clock is accelerated: every
tick moves the countdowns `--speed` seconds, so the idle figure is harder than a real shift's:
each countdown's text changes `--speed` times as often, and so do the lines a tick repaints.
At the end the clock is slowed to real time and the same used desk's idle CPU is taken over
30 real seconds (`{backend}_idle_real_clock_percent`).

`--quick` (CI, run_all.py): 40 simulated minutes at 60x (four calls, a complaint step, a
callback, the handover) on both backends, about a minute. Exit 1 when a backend could not be
measured (no PostgreSQL included) or an action failed. Last line `BENCH-RESULT {json}`.

`--tracemalloc FRAMES` traces allocations from the start and prints what grew between the
first hour's reading and the end, by the line (or FRAMES lines) that allocated it; it slows
the desk, so that run's timings are not figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.append(str(_BENCH_DIR))
sys.path.insert(0, str(_BENCH_DIR.parent))

import argparse
import asyncio
import gc
import json
import math
import os
import re
import tempfile
import time
import traceback
import tracemalloc
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from _common import NOW, RESULT_PREFIX, FrameProbe, cpu_seconds, report, run_child, watchdog
from textual import events

GOAL_GROWTH_MB = 10.0
GOAL_IDLE_PERCENT = 2.0
AGENT = "王芳"
PASSWORD = "soak-shift-1"
DEADLINES = 300
CALL_EVERY = 10  # simulated minutes
STEP_EVERY = 60
CALLBACK_EVERY = 90
SETTLE_AFTER_ACTION = 2.0  # real seconds after an action before its idle is measured
KEY_SETTLED = 1.0  # real seconds a key's work may take to paint before it counts as none
WORDS = "停车卡丢了怎么补办"
REAL_CLOCK_IDLE = 30.0  # real seconds the used desk sits idle on a real clock at the end
LATE_LIMIT = 5.0  # simulated minutes an action may start late before the run is too fast


# -- the database (parent) -------------------------------------------------------------------


def _prepare(url: str, hours: float) -> None:
    """Migrate (the administrator's step), seed the demo at the shift's start, give the agent
    her password, 300 deadlines across the shift and callbacks due in it."""
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from deskui.data import models as m
    from deskui.data.database import Database
    from deskui.data.demo import seed_demo
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.model import DeadlineKind, SubjectType

    start = datetime.fromisoformat(NOW)
    shift = timedelta(hours=hours)
    database = Database(url)
    database.upgrade()
    with UnitOfWork(database) as uow:
        seed_demo(uow, start)
        uow.commit()
    with UnitOfWork(database) as uow:
        account = uow.accounts.account(AGENT)
        if account is None:
            raise SystemExit(f"no account {AGENT} in the demo")
        uow.accounts.set_password(
            account.id, PasswordHasher().hash(PASSWORD), start, must_change=False
        )
        kinds = list(DeadlineKind)
        step = shift.total_seconds() / DEADLINES
        for n in range(DEADLINES):
            uow.deadlines.add_deadline(
                kinds[n % len(kinds)],
                SubjectType.TICKET,
                100_000 + n,
                account.id,
                start - timedelta(hours=1),
                start + timedelta(seconds=-600 + step * n),
                label=f"交接班前要办的事 {n + 1}",
            )
        calendar = BusinessCalendar({})
        customers = uow.session.scalars(
            select(m.Customer.id).order_by(m.Customer.id).limit(40)
        ).all()
        wanted = math.ceil(hours * 60 / CALLBACK_EVERY) + 2
        for n in range(wanted):
            uow.callbacks.add_callback(
                customers[n % len(customers)],
                "routine",
                start,
                start,
                calendar,
                agent_id=account.id,
                due_at=start + timedelta(minutes=5),
            )
        uow.commit()
    database.dispose()


def _postgres_schema(url: str) -> tuple[str, Any]:
    """A schema of the soak's own on the server of `url`: its URL and a drop for the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    schema = f"soak_{uuid.uuid4().hex[:10]}"
    connection = psycopg.connect(
        host=u.host or "", port=u.port or 5432, dbname=u.database or "",
        user=u.username or "", password=u.password or "", autocommit=True,
    )  # fmt: skip
    connection.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        connection.close()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


# -- the desk (child) ------------------------------------------------------------------------


class ShiftClock:
    """The shift's clock: starts at `start` and runs `speed` times real time."""

    def __init__(self, start: datetime, speed: float) -> None:
        from deskui.domain.clock import FixedClock

        self._shift_start = self._start = FixedClock(start).now()  # as UTC
        self._origin = time.monotonic()
        self.speed = speed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)

    def slow_to(self, speed: float) -> None:
        """From now on the clock runs `speed` times real time (1: a real clock)."""
        self._start, self._origin, self.speed = self.now(), time.monotonic(), speed

    def minutes(self) -> float:
        """Simulated minutes since the shift started."""
        return (self.now() - self._shift_start).total_seconds() / 60

    def real_seconds_until(self, minute: float) -> float:
        return max(0.0, (minute - self.minutes()) * 60 / self.speed)


@dataclass
class Shift:
    keys: list[tuple[float, str, str]] = field(default_factory=list)  # ms, key, screen
    idle_cpu: float = 0.0
    idle_wall: float = 0.0
    failures: list[str] = field(default_factory=list)
    done: dict[str, int] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    trail: list[tuple[float, str, float]] = field(default_factory=list)  # minute, action, MB
    real_clock_idle: float = float("nan")
    """% of a core the desk took idle at the end with its clock slowed to real time."""
    late: float = 0.0
    """The most simulated minutes an action started after its planned minute: the actions
    before it took longer than the clock gave them (the speed too high to be a shift)."""


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _settled_rss_mb() -> float:
    """RSS after the pass the desk's own IdleCollector runs once a quiet minute has gone by
    (a full collection, the freed heap given back): in a real shift it runs between calls;
    the accelerated clock leaves it no real minute to, so the soak runs the same pass before
    the readings it compares, or it would count garbage the desk collects as growth."""
    from deskui.memory import release_freed_memory

    gc.collect()
    release_freed_memory()
    return _rss_mb()


class Keys:
    """Presses keys one at a time. A key's paint is the first frame after the app has handled
    it (its handler returned): the frame that shows what the key did. A key after which no
    frame comes within KEY_SETTLED painted nothing and is not counted."""

    def __init__(self, app: Any, pilot: Any, shift: Shift) -> None:
        self.app, self.pilot, self.shift = app, pilot, shift
        self.handled: float | None = None
        self.painted: float | None = None
        FrameProbe(app, lambda _probe, now: self._frame(now))
        original = app.on_event

        async def on_event(event: Any) -> None:
            await original(event)
            if isinstance(event, events.Key):
                self.handled, self.painted = time.perf_counter(), None

        app.on_event = on_event  # the message pump calls `self.on_event(event)`

    def _frame(self, now: float) -> None:
        if self.handled is not None and self.painted is None:
            self.painted = now

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.handled = self.painted = None
            pressed = time.perf_counter()
            await self.pilot.press(key)
            while self.painted is None and time.perf_counter() - pressed < KEY_SETTLED:
                await asyncio.sleep(0.002)
            if self.painted is not None:
                name = type(self.app.screen).__name__
                self.shift.keys.append(((self.painted - pressed) * 1000, key, name))

    async def settle(self) -> None:
        from contextlib import suppress

        from textual.worker import WorkerCancelled

        for round_ in range(10):
            with suppress(WorkerCancelled):
                await self.app.workers.wait_for_complete()
            await self.pilot.pause()
            if round_ >= 2 and all(w.is_finished for w in self.app.workers):
                break


def _count(app: Any, what: str) -> int:
    """What the agent has done so far, as the database holds it."""
    from sqlalchemy import func, select

    from deskui.data import models as m

    agent_id = app.agent.id
    with app.unit_of_work() as uow:
        session = uow.session
        if what == "calls":
            query = select(func.count()).select_from(m.Ticket).where(m.Ticket.owner_id == agent_id)
        elif what == "steps":
            rows = session.execute(select(m.ComplaintRecord.ticket_id, m.ComplaintRecord.path))
            return sum(len(path or []) for _, path in rows)
        elif what == "callbacks":
            query = (
                select(func.count())
                .select_from(m.Callback)
                .where(m.Callback.done_by_id == agent_id)
            )
        else:
            query = select(func.count()).select_from(m.HandoverItem)
        return int(session.scalar(query) or 0)


class Desk:
    """The agent's actions, each through keys and checked in the database."""

    def __init__(self, app: Any, keys: Keys, shift: Shift) -> None:
        self.app, self.keys, self.shift = app, keys, shift
        self.calls = 0

    async def to_desk(self) -> None:
        from deskui.screens.desk import DeskScreen

        for _ in range(6):
            if isinstance(self.app.screen, DeskScreen):
                return
            await self.keys.press("escape")
            await self.keys.settle()
        self.shift.failures.append(f"could not get back to the desk from {self.app.screen!r}")

    async def _checked(self, what: str, action: Any) -> None:
        before = await asyncio.to_thread(_count, self.app, what)
        try:
            await action()
        except Exception as error:
            self.shift.failures.append(f"{what}: {error!r}\n{traceback.format_exc()[-1500:]}")
        await self.keys.settle()
        after = await asyncio.to_thread(_count, self.app, what)
        if after <= before and what != "handover":
            self.shift.failures.append(
                f"{what}: nothing saved ({before} -> {after}) on {self.app.screen!r}:\n"
                + _screen_text(self.app)
            )
        self.shift.done[what] = self.shift.done.get(what, 0) + (after > before)
        await self.to_desk()

    async def call(self) -> None:
        from textual.widgets import Input, TextArea

        from deskui.screens.intake import CARD_FOLLOW_UP, IntakeScreen

        self.calls += 1
        number = _NUMBERS[self.calls % len(_NUMBERS)]
        if self.calls % 3 == 0:
            number = f"139{self.calls:08d}"

        async def take() -> None:
            await self.keys.press("f2")
            await self.keys.settle()
            screen = self.app.screen
            if not isinstance(screen, IntakeScreen):
                raise RuntimeError(f"F2 opened {screen!r}")
            await self.keys.press(*number)
            await asyncio.sleep(CARD_FOLLOW_UP * 2)
            await self.keys.settle()
            if self.calls % 3 == 0:  # a caller the site does not know yet: named as new
                screen.query_one("#new_customer", Input).focus()
                await self.keys.press(*f"新客户{self.calls}号店")
                screen.query_one("#new_contact", Input).focus()
                await self.keys.press(*"李先生")
            screen.query_one("#words", TextArea).focus()
            await self.keys.press(*WORDS)
            screen._area("answer").focus()
            await self.keys.press(*"带身份证到物业前台补办")
            await self.keys.press("ctrl+d")

        await self._checked("calls", take)

    async def _type_into(self, widget: Any, text: str) -> None:
        """The agent moves to a field, clears what is there (an Input's) and types `text`
        key by key."""
        widget.focus()
        await self.keys.settle()
        held = str(getattr(widget, "value", "") or "")
        if held:
            await self.keys.press("end", *["backspace"] * len(held))
        await self.keys.press(*text)

    async def _choose(self, select: Any, value: str) -> None:
        """A choice picked as the agent picks it: Enter opens the list, Down moves from the
        prompt to the first option, Enter takes it."""
        select.focus()
        await self.keys.settle()
        await self.keys.press("enter")
        await self.keys.settle()
        await self.keys.press("down", "enter")
        await self.keys.settle()
        if str(select.value) != value:
            raise RuntimeError(f"could not choose {value!r} in #{select.id}: {select.value!r}")

    async def complaint_step(self) -> None:
        """F3, Enter on the complaint due first, then its current step as an agent takes it:
        what the step asks for and the case does not already hold is typed (a time as the
        form's hint shows one; a time the step refuses with a slot offered instead is retyped
        as that slot), a choice is picked with the keys (the caller is satisfied, it is fixed
        now), then Ctrl+S. One step is saved per visit."""
        from deskui.screens.complaint import ComplaintScreen

        async def step() -> None:
            await self.keys.press("f3")
            await self.keys.settle()
            listed = self.app.screen.query_one("#list")
            if not (listed.count or 0):
                raise RuntimeError("no open complaint left on F3 to step")
            await self.keys.press("enter")
            await self.keys.settle()
            screen = self.app.screen
            if not isinstance(screen, ComplaintScreen):
                raise RuntimeError(f"Enter on F3 opened {screen!r}")
            for _ in range(200):
                if screen.flow is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("the complaint did not load within 10 s")
            flow = screen.flow
            before = (flow.current_id, len(flow.path))
            await self._fill_complaint_step(screen)
            await self.keys.press("ctrl+s")
            await self.keys.settle()
            for _ in range(3):  # a time refused with the slot to take instead: that slot
                if screen.flow is None or (screen.flow.current_id, len(screen.flow.path)) != before:
                    break
                if not await self._retype_offered_times(screen):
                    break
                await self.keys.press("ctrl+s")
                await self.keys.settle()

        await self._checked("steps", step)

    async def _fill_complaint_step(self, screen: Any) -> None:
        from textual.widgets import Input, Select

        from deskui.screens.complaint import AREA_FIELDS, CHOICE_FIELDS, GUARDED_FIELDS

        flow = screen.flow
        current = flow.current
        needed = [*current.requires, *([current.ask] if current.ask else [])]
        for name in needed:
            if name in CHOICE_FIELDS:
                await self._choose(screen.query_one(f"#{name}", Select), "yes")
                continue
            widget = screen.query_one(f"#{name}")
            if name in AREA_FIELDS or name in GUARDED_FIELDS:
                if not widget.text.strip():
                    await self._type_into(widget, _COMPLAINT_WORDS.get(name, "已记录"))
                continue
            assert isinstance(widget, Input)
            if widget.value.strip():
                continue  # the case already holds it (or the form proposed it): kept
            if name in ("promised_at", "callback_time", "expected_finish"):
                text = _time_in(str(widget.placeholder))
                if text is None:
                    raise RuntimeError(f"#{name} shows no example time: {widget.placeholder!r}")
            else:
                text = _COMPLAINT_WORDS.get(name, "已记录")
            await self._type_into(widget, text)

    async def _retype_offered_times(self, screen: Any) -> bool:
        """A time field refused with a time named in its error (the slot to offer, the latest
        reply time): that time typed instead, as the agent reads it. False when none."""
        from textual.widgets import Input, Static

        retyped = False
        for name in ("promised_at", "callback_time", "expected_finish"):
            error = str(screen.query_one(f"#err-{name}", Static).render())
            offered = _time_in(error)
            if offered is not None:
                await self._type_into(screen.query_one(f"#{name}", Input), offered)
                retyped = True
        return retyped

    async def callback(self) -> None:
        """F4, Enter on the first due, then its purpose's script as the agent reads it: each
        step's fields typed, its question answered with the first (good) answer, until the
        script ends; Ctrl+S."""
        from deskui.screens.callback_call import INPUT_FIELDS, CallbackCallScreen

        async def make() -> None:
            await self.keys.press("f4")
            await self.keys.settle()
            await self.keys.press("enter")
            await self.keys.settle()
            screen = self.app.screen
            if not isinstance(screen, CallbackCallScreen):
                raise RuntimeError(f"Enter on F4 opened {screen!r}")
            for _ in range(200):
                if screen.flow is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("the callback did not load within 10 s")
            if screen.confirming:
                raise RuntimeError("the first due callback waits for a sales head's answer")
            for _ in range(12):
                flow = screen.flow
                if flow.current.final:
                    break
                before = flow.current_id
                for name in flow.current.requires:
                    if name in INPUT_FIELDS:
                        field = screen.query_one(f"#{name}")
                        if not field.value.strip():
                            await self._type_into(field, _CALLBACK_WORDS.get(name, "已记录"))
                if flow.current.ask:
                    screen.query_one("#answer").focus()
                    await self.keys.settle()
                    await self.keys.press("enter")  # the first answer: yes, satisfied
                else:
                    await self.keys.press("ctrl+n")
                await self.keys.settle()
                if screen.flow.current_id == before:
                    raise RuntimeError(
                        f"the callback's step {before!r} did not move on:\n"
                        + _screen_text(self.app)
                    )
            await self.keys.press("ctrl+s")

        await self._checked("callbacks", make)

    async def handover(self) -> None:
        from deskui.screens.handover import HandoverScreen

        async def give() -> None:
            await self.keys.press("f5")
            await self.keys.settle()
            if not isinstance(self.app.screen, HandoverScreen):
                raise RuntimeError(f"F5 opened {self.app.screen!r}")
            await self.keys.press("h")
            await self.keys.settle()
            await self.keys.press("ctrl+s")
            await self.keys.settle()
            if not isinstance(self.app.screen, HandoverScreen):
                raise RuntimeError(f"the handover did not go back to F5: {self.app.screen!r}")

        await self._checked("handover", give)


_NUMBERS: list[str] = []

_COMPLAINT_WORDS = {
    "customer_words": "门禁卡刷不开，等了半小时没人管",
    "complaint": "门禁卡刷不开，等了半小时没人管",
    "contact_name": "李先生",
    "contact_phone": "13912345678",
    "unit_number": "A-101",
    "cause": "门禁系统升级后卡未同步",
    "responsible": "工程部",
    "action_taken": "已为客户重新同步门禁卡，现场试刷正常",
}
"""What the agent types into a complaint step's field the case does not already hold."""

_CALLBACK_WORDS = {"feedback": "服务很好", "issue": "希望响应再快一点"}

_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _time_in(text: str) -> str | None:
    """The first time written as the time fields read it (2026-11-24 10:00) in `text`."""
    found = _TIME.search(text)
    return found.group(0) if found else None


def _screen_text(app: Any) -> str:
    lines = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
    return "\n".join(line for line in lines if line.strip(" ▏"))[:3000]


def _plan(hours: float) -> list[tuple[float, str]]:
    minutes = hours * 60
    plan = [(float(m), "call") for m in range(CALL_EVERY // 2, int(minutes), CALL_EVERY)]
    plan += [(float(m), "complaint_step") for m in range(STEP_EVERY // 3, int(minutes), STEP_EVERY)]
    plan += [
        (float(m), "callback") for m in range(CALLBACK_EVERY // 4, int(minutes), CALLBACK_EVERY)
    ]
    plan.sort()
    plan.append((minutes, "handover"))
    return plan


def child(
    url: str, hours: float, speed: float, size: tuple[int, int], frames: int = 0
) -> dict[str, Any]:
    from textual.worker import Worker, WorkerState

    from deskui.app import make_app
    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.widgets.banner import Banner
    from deskui.widgets.work_list import WorkList

    folder = Path(tempfile.mkdtemp(prefix="deskui-soak-"))
    os.environ["DESKUI_DATA_DIR"] = str(folder)
    database = Database(url)
    _NUMBERS[:] = _known_numbers(database)
    clock = ShiftClock(datetime.fromisoformat(NOW), speed)
    settings = Settings(
        database_url=url, agent_name=AGENT, agent_password=PASSWORD, theme="textual-dark"
    )
    app = make_app(settings, clock, database)
    shift = Shift()
    snapshots: list[Any] = []
    growers: list[str] = []

    def failed_workers(message: Any) -> None:
        if isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR:
            error = message.worker.error
            where = "".join(traceback.format_exception(error)[-6:]) if error else ""
            shift.failures.append(f"worker {message.worker.name!r} failed: {error!r}\n{where}")

    def trouble() -> list[str]:
        return [
            b.message
            for s in app.screen_stack
            for b in s.query(Banner)
            if b.message and not (b.has_class("-notice") or b.has_class("-attention"))
        ]

    async def idle_until(minute: float) -> None:
        wait = clock.real_seconds_until(minute)
        if wait <= SETTLE_AFTER_ACTION:
            await asyncio.sleep(wait)
            return
        await asyncio.sleep(SETTLE_AFTER_ACTION)
        cpu, wall = cpu_seconds(), time.perf_counter()
        await asyncio.sleep(clock.real_seconds_until(minute))
        shift.idle_cpu += cpu_seconds() - cpu
        shift.idle_wall += time.perf_counter() - wall

    async def work() -> None:
        async with app.run_test(size=size, message_hook=failed_workers) as pilot:
            keys = Keys(app, pilot, shift)
            desk = Desk(app, keys, shift)
            for _ in range(1200):
                found = app.screen_stack[0].query("#work")
                rows = found.first(WorkList) if found else None
                painted = rows is not None and rows.row_at(0) is not None
                if (
                    app.agent is not None
                    and rows is not None
                    and painted
                    and (rows.count or 0) >= DEADLINES
                ):
                    break
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("the desk did not sign in with its rows within 60 s")
            await keys.settle()
            await desk.to_desk()  # the incoming handover offered at sign-in
            await asyncio.sleep(1.0)
            shift.rss["start"] = _settled_rss_mb()
            if frames:
                tracemalloc.start(frames)
            hour_taken = False
            for minute, action in _plan(hours):
                await idle_until(minute)
                shift.late = max(shift.late, clock.minutes() - minute)
                await getattr(desk, action)()
                shift.trail.append((clock.minutes(), action, _rss_mb()))
                if not hour_taken and clock.minutes() >= min(60.0, hours * 60 / 2):
                    shift.rss["first_hour"] = _settled_rss_mb()
                    hour_taken = True
                    if frames:
                        snapshots.append(tracemalloc.take_snapshot())
                shift.failures += [f"trouble shown: {t}" for t in trouble()]
            await desk.to_desk()
            await asyncio.sleep(SETTLE_AFTER_ACTION)
            cpu, wall = cpu_seconds(), time.perf_counter()
            await asyncio.sleep(10.0)  # the desk idle at the shift's end, the heap given back
            shift.idle_cpu += cpu_seconds() - cpu
            shift.idle_wall += time.perf_counter() - wall
            shift.rss["end"] = _settled_rss_mb()
            shift.rss.setdefault("first_hour", shift.rss["end"])
            # the same desk idle on a real clock: at the shift's speed every countdown's text
            # changes `speed` times as often, and so do the lines a tick repaints
            clock.slow_to(1.0)
            await asyncio.sleep(SETTLE_AFTER_ACTION)
            cpu, wall = cpu_seconds(), time.perf_counter()
            await asyncio.sleep(REAL_CLOCK_IDLE)
            shift.real_clock_idle = 100 * (cpu_seconds() - cpu) / (time.perf_counter() - wall)
            if frames and snapshots:
                growers[:] = _growers(snapshots[0], tracemalloc.take_snapshot(), frames)
                tracemalloc.stop()

    try:
        asyncio.run(work())
    except Exception as error:
        shift.failures.append(f"the desk stopped: {error!r}\n{traceback.format_exc()[-2000:]}")
    if app.crash_log is not None:
        shift.failures.append(f"the desk crashed: {app.crash_log.read_text()[-2000:]}")
    database.dispose()
    return {
        "keys": shift.keys,
        "idle_cpu": shift.idle_cpu,
        "idle_wall": shift.idle_wall,
        "failures": shift.failures,
        "done": shift.done,
        "rss": shift.rss,
        "trail": shift.trail,
        "late_minutes": shift.late,
        "real_clock_idle": shift.real_clock_idle,
        "growers": growers,
        "simulated_minutes": clock.minutes(),
    }


def _growers(first: Any, last: Any, frames: int, top: int = 15) -> list[str]:
    """What grew between the two tracemalloc snapshots: by the line that allocated it (one
    frame), or (more frames) by that line and the nearest deskui line that led to it; the top
    `top`, largest first."""
    from collections import Counter

    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    key = "lineno" if frames == 1 else "traceback"
    diff = last.filter_traces(ignore).compare_to(first.filter_traces(ignore), key)
    size: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for stat in diff:
        chain = list(stat.traceback)  # the most recent call last
        where = f"{Path(chain[-1].filename).name}:{chain[-1].lineno}"
        ours = [f for f in chain if "/deskui/" in f.filename]
        if ours and ours[-1] is not chain[-1]:
            where += f" via {Path(ours[-1].filename).name}:{ours[-1].lineno}"
        size[where] += stat.size_diff
        count[where] += stat.count_diff
    return [
        f"{size[where] / 1024:+9.1f} KiB {count[where]:+7d} blocks  {where}"
        for where, _ in size.most_common(top)
    ]


def _known_numbers(database: Any) -> list[str]:
    """Numbers of demo customers alone on their number, as an agent types them."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.phone import format_display
    from deskui.domain.search import LookupKind, classify

    found = []
    with UnitOfWork(database) as uow:
        for customer in uow.customers.customers():
            if not customer.phone_e164 or not customer.contacts:
                continue
            lookup = classify(customer.phone_e164)
            if lookup.kind is LookupKind.PHONE and len(uow.customers.find_callers(lookup)) == 1:
                found.append(
                    "".join(ch for ch in format_display(customer.phone_e164) if ch.isdigit())
                )
    if not found:
        raise RuntimeError("the demo has no customer alone on its number")
    return found[:12]


# -- the parent ------------------------------------------------------------------------------


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(0.99 * len(ordered))) - 1] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0, help="simulated hours (8)")
    parser.add_argument("--speed", type=float, default=16.0, help="clock speed-up (16)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--db", help="PostgreSQL URL (default DESKUI_TEST_DATABASE_URL)")
    parser.add_argument("--quick", action="store_true", help="40 simulated minutes at 60x")
    parser.add_argument("--size", default="160x320", help="terminal (160x320: 300 rows shown)")
    parser.add_argument(
        "--tracemalloc",
        type=int,
        default=0,
        metavar="FRAMES",
        help="trace allocations from the start (FRAMES deep) and print what grew between the"
        " first hour and the end, by line (slows the desk: its timings are not figures then)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, hours, speed = args.child
        width, _, height = args.size.partition("x")
        slower = 4 if args.tracemalloc else 1  # tracing every allocation slows each action
        watchdog(float(hours) * 3600 / float(speed) * slower + 600)
        size = (int(width), int(height))
        report(child(url, float(hours), float(speed), size, args.tracemalloc))
        return 0
    if args.quick:
        args.hours, args.speed = 40 / 60, 60.0
    here = str(Path(__file__).resolve())
    load = os.getloadavg()
    print(
        f"soak: {args.hours:g} simulated hours at {args.speed:g}x on {args.backends};"
        f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    figures: dict[str, float] = {}
    failed = False
    for backend in args.backends.split(","):
        drop = None
        try:
            if backend == "sqlite":
                folder = Path(tempfile.mkdtemp(prefix="deskui-soak-db-"))
                url = f"sqlite:///{folder / 'soak.db'}"
            elif backend == "postgresql":
                server = args.db or os.environ.get("DESKUI_TEST_DATABASE_URL")
                if not server:
                    raise RuntimeError(
                        "no PostgreSQL to soak on: give --db or DESKUI_TEST_DATABASE_URL"
                    )
                url, drop = _postgres_schema(server)
            else:
                raise RuntimeError(f"unknown backend {backend!r}")
            _prepare(url, args.hours)
            slower = 4 if args.tracemalloc else 1
            timeout = args.hours * 3600 / args.speed * slower + 900
            argv = [here, "--child", url, str(args.hours), str(args.speed), "--size", args.size]
            argv += ["--tracemalloc", str(args.tracemalloc)]
            _, result = run_child(argv, timeout)
        except Exception as error:
            print(f"soak: {backend}: FAILED, could not be measured: {error}", file=sys.stderr)
            failed = True
            continue
        finally:
            if drop is not None:
                drop()
        failed |= _print(backend, result, args, figures)
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
          " (idle figures are still to be taken when this is not under 0.5)")  # fmt: skip
    print(RESULT_PREFIX + json.dumps(figures))
    return 1 if failed else 0


def _print(backend: str, r: dict[str, Any], args: Any, figures: dict[str, float]) -> bool:
    """One backend's figures; True when it failed."""
    keys = [k[0] for k in r["keys"]]
    slowest = max(r["keys"], default=(float("nan"), "-", "-"))
    rss = r["rss"]
    growth = rss.get("end", float("nan")) - rss.get("start", float("nan"))
    steady = rss.get("end", float("nan")) - rss.get("first_hour", float("nan"))
    idle = 100 * r["idle_cpu"] / r["idle_wall"] if r["idle_wall"] else float("nan")
    load = os.getloadavg()[0]
    print(f"{backend}: {r['simulated_minutes'] / 60:.1f} simulated hours; done {r['done']};"
          f" actions started at most {r.get('late_minutes', 0):.1f} simulated minutes late"
          f" (more than {LATE_LIMIT:g}: the speed is too high for the actions to keep to"
          " the shift's plan)")  # fmt: skip
    print(f"  RSS start {rss.get('start', 0):.1f} MB, after the first hour"
          f" {rss.get('first_hour', 0):.1f} MB, end {rss.get('end', 0):.1f} MB:"
          f" growth {growth:+.1f} MB (goal < {GOAL_GROWTH_MB:g}), {steady:+.1f} MB of it after"
          f" the first hour; load {load:.2f}")  # fmt: skip
    print(f"  idle CPU {idle:.2f}% of a core over {r['idle_wall']:.0f} real s"
          f" (goal < {GOAL_IDLE_PERCENT:g}%); load {load:.2f}")  # fmt: skip
    real = r.get("real_clock_idle", float("nan"))
    print(f"  idle CPU at the end on a real clock (1x): {real:.2f}% of a core over"
          f" {REAL_CLOCK_IDLE:g} real s (the shift's idle above ran at {args.speed:g}x);"
          f" load {load:.2f}")  # fmt: skip
    print(f"  key to paint: {len(keys)} keys, p99 {_p99(keys):.1f} ms, slowest"
          f" {slowest[0]:.1f} ms ({slowest[1]} on {slowest[2]}); load {load:.2f}")  # fmt: skip
    trail = r.get("trail", [])
    step = max(1, len(trail) // 12)
    marks = ", ".join(f"{m / 60:.1f} h {mb:.0f}" for m, _, mb in trail[::step])
    print(f"  RSS after actions (simulated hour, MB): {marks}")
    rises = sorted(((b[2] - a[2], b[1], b[0]) for a, b in pairwise(trail)), reverse=True)[:5]
    said = ", ".join(f"{mb:+.1f} MB at {what} ({m / 60:.1f} h)" for mb, what, m in rises)
    print(f"  largest RSS rises after the first action: {said}")
    for failure in r["failures"]:
        print(f"  FAILURE: {failure}", file=sys.stderr)
    print(f"  exceptions and failures: {len(r['failures'])}")
    if r.get("growers"):
        print("  grown between the first hour and the end (tracemalloc, by where allocated):")
        for line in r["growers"]:
            print(f"    {line}")
    figures[f"{backend}_rss_start_mb"] = rss.get("start", float("nan"))
    figures[f"{backend}_rss_end_mb"] = rss.get("end", float("nan"))
    figures[f"{backend}_growth_mb"] = growth
    figures[f"{backend}_growth_after_first_hour_mb"] = steady
    figures[f"{backend}_idle_percent"] = idle
    figures[f"{backend}_key_p99_ms"] = _p99(keys)
    figures[f"{backend}_key_slowest_ms"] = slowest[0]
    figures[f"{backend}_failures"] = float(len(r["failures"]))
    figures[f"{backend}_late_minutes"] = r.get("late_minutes", float("nan"))
    figures[f"{backend}_idle_real_clock_percent"] = real
    return bool(r["failures"]) or not keys or not r["idle_wall"]


if __name__ == "__main__":
    raise SystemExit(main())
