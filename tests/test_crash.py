"""An unexpected error stops the desk with a log, the drafts written and a non-zero exit
(issue 13): a real `deskui --demo` in a terminal (a pty), with one screen made to fail."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from deskui.app import make_app
from deskui.crash import CRASH_STATUS
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.i18n import catalog
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle

CHILD = """
import sys
from deskui.cli import main
from deskui.screens.drafts import FormDraft
from deskui.screens.team import TeamScreen

def broken(self):
    raise RuntimeError("injected failure in the team view")

TeamScreen.on_mount = broken  # F6 now fails the way a bug in a screen's handler would
FormDraft._schedule.__defaults__ = (3600.0,)  # the debounce never fires: only the crash writes
sys.exit(main(sys.argv[1:]))
"""
F9, F6 = "\x1b[20~", "\x1b[17~"
ESCAPES = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78MDEc])"
)
LEAVE_SCREEN = "\x1b[?1049l"
"""Textual leaves the terminal's alternate screen: what follows stays on the terminal."""
WAIT = 90.0  # seconds for the desk to get somewhere on a loaded machine


class Terminal:
    """The desk's terminal: keys in through a pty, the screen read from stderr (where
    Textual draws) by a thread, so the desk never blocks on a full pipe."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, close_fds=True
        )
        os.close(slave)
        self._chunks: list[bytes] = []
        self._shown = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._drain = threading.Thread(target=self._drain_pty, daemon=True)
        self._drain.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for chunk in iter(lambda: self.process.stderr.read1(65536), b""):  # type: ignore[union-attr]
            self._chunks.append(chunk)
            self._shown.set()

    def _drain_pty(self) -> None:
        while True:  # what Textual asks the terminal (its replies are not needed)
            try:
                if not os.read(self.master, 65536):
                    return
            except OSError:
                return

    def text(self) -> str:
        return b"".join(self._chunks).decode("utf-8", "replace")

    def wait_for(self, *words: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            shown = ESCAPES.sub("", self.text())
            if all(word in shown for word in words):
                return
            if self.process.poll() is not None:
                break
            self._shown.wait(0.05)  # woken by the next chunk; a short bound otherwise
            self._shown.clear()
        raise AssertionError(f"never shown: {words}; exit {self.process.poll()}")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())


def test_an_unexpected_error_logs_keeps_the_draft_and_exits_non_zero(tmp_path: Path) -> None:
    zh = catalog("zh-CN")
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),  # the demo's temporary folder lands here
        "DESKUI_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }
    env.pop("DESKUI_DATABASE_URL", None)
    desk = Terminal(
        [
            sys.executable,
            "-c",
            CHILD,
            "--demo",
            "--agent",
            "王芳",
            "--now",
            "2026-11-23T09:00+08:00",
        ],
        env,
    )
    try:
        desk.wait_for("王芳", zh["handover.title_incoming"])  # signed in, what was handed over
        desk.press(F9)
        desk.wait_for(zh["correspondence.title"])
        desk.press("a")
        desk.wait_for(zh["correspondence.new_title"])
        desk.press("crash-draft-kept")
        desk.wait_for("crash-draft-kept")
        desk.press(F6)  # the failing screen, long before the draft's own timer
        status = desk.process.wait(timeout=WAIT)
    finally:
        if desk.process.poll() is None:
            desk.process.kill()
            desk.process.wait()

    assert status == CRASH_STATUS
    after = desk.text().rsplit(LEAVE_SCREEN, 1)[-1]
    lines = [line for line in ESCAPES.sub("", after).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("deskui: ") and "意外错误" in line, line

    demo_folder = next(tmp_path.glob("deskui-demo-*"))  # kept: the log and drafts are in it
    logs = list(demo_folder.glob("crash-20261123-09*.log"))  # named in local (desk) time
    assert len(logs) == 1, list(demo_folder.iterdir())
    assert str(logs[0]) in line
    log = logs[0].read_text("utf-8")
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: injected failure in the team view" in log
    assert not (tmp_path / "data").exists()  # a demo writes nothing outside its folder

    database = Database(f"sqlite:///{demo_folder / 'demo.db'}")
    try:
        with UnitOfWork(database) as uow:
            agent = next(a for a in uow.agents.agents() if a.name == "王芳")
            draft = uow.drafts.load_draft(agent.id, "correspondence")
    finally:
        database.dispose()
    assert draft is not None and draft.get("f-at") == "crash-draft-kept", draft


async def test_a_worker_failing_unexpectedly_is_logged_with_its_own_error(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)

    def sweep() -> None:
        raise LookupError("a worker nobody expected to fail")

    with pytest.raises(WorkerFailed):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.run_worker(sweep, thread=True)  # exit_on_error: the default of a worker
            await settle(pilot)
    assert app.return_code == 1
    assert app.crash_log is not None and app.crash_log.parent == tmp_path / "data"
    log = app.crash_log.read_text("utf-8")
    assert "LookupError: a worker nobody expected to fail" in log
    assert "in sweep" in log  # the worker's own traceback, not only Textual's wrapper
