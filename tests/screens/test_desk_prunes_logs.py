"""A desk deletes the stopped desks' logs and the crash reports older than the site keeps
them (site setting log.days, issue 28) as it opens the database; its own log and the newer
ones stay."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.desk_log import log_path, stop_log
from deskui.domain.clock import FixedClock
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, settle

DEAD = 2**22 + 17
"""Above Linux's pid_max: the log of a desk no longer running."""


def _aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("trouble")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


async def test_a_desk_deletes_the_logs_older_than_the_sites_days_as_it_opens(
    demo_database: Database, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKUI_LOG_DAYS", raising=False)
    with UnitOfWork(demo_database) as uow:
        manager = next(a for a in uow.agents.agents() if a.name == "刘洋")
        uow.settings.save_settings({"log.days": "4"}, manager.id, FIXED_NOW)
        uow.commit()
    files = tmp_path / "files"
    old_log = _aged(files / "logs" / f"desk-20261101-090000-{DEAD}.log", 6)  # kept by 30
    fresh_log = _aged(files / "logs" / f"desk-20261120-090000-{DEAD + 1}.log", 2)
    old_crash = _aged(files / "crash-20261101-090000.log", 6)
    settings = replace(make_settings(demo_database), files_folder=str(files))
    app = make_app(settings, clock, demo_database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            own = log_path()
            assert app.database is not None
    finally:
        stop_log()
    assert not old_log.exists() and not old_crash.exists()
    assert fresh_log.exists() and own is not None and own.exists()
