"""`--demo` writes nothing outside its own folder; `--demo --db URL` seeds that database once
and keeps it (issue 13). Run as the agent runs it: `python -m deskui` in a subprocess, with
HOME and DESKUI_DATA_DIR pointed at folders that must stay empty."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from deskui.app import make_app
from deskui.config import Settings
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.conftest import FIXED_NOW
from tests.screens.desk_pilot import SIZE, settle

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-23T09:00+08:00"


def _folders(tmp_path: Path) -> dict[str, Path]:
    folders = {name: tmp_path / name for name in ("home", "data", "tmp")}
    for folder in folders.values():
        folder.mkdir()
    return folders


def _deskui(folders: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESKUI_", "XDG_"))}
    env.update(
        HOME=str(folders["home"]),
        DESKUI_DATA_DIR=str(folders["data"]),
        TMPDIR=str(folders["tmp"]),
    )
    result = subprocess.run(
        [sys.executable, "-m", "deskui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result


def _everything(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def test_a_demo_without_db_is_gone_when_it_ends(tmp_path: Path) -> None:
    folders = _folders(tmp_path)
    out = _deskui(folders, "--demo", "--now", NOW, "export", "customers").stdout
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + 159
    assert _everything(folders["home"]) == []
    assert _everything(folders["data"]) == []
    assert _everything(folders["tmp"]) == []  # its temporary folder went with it


def _counts(database: Database) -> tuple[int, ...]:
    with UnitOfWork(database) as uow:
        return tuple(
            int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (m.Agent, m.Customer, m.Ticket)
        )


def test_demo_with_db_seeds_once_and_keeps_it(tmp_path: Path, database: Database) -> None:
    folders = _folders(tmp_path)
    url = database.url.render_as_string(hide_password=False)
    first = _deskui(folders, "--demo", "--db", url, "--now", NOW, "export", "customers").stdout
    seeded = _counts(database)
    assert seeded[1] == 80
    # a second start, a day later: the same demo, not seeded again beside itself
    again = _deskui(
        folders, "--demo", "--db", url, "--now", "2026-11-24T09:00+08:00", "export", "customers"
    ).stdout
    assert first == again
    assert _counts(database) == seeded
    assert _everything(folders["home"]) == []
    assert _everything(folders["data"]) == []
    # what it kept is its own temporary folder (files it writes), nothing else
    assert [p.name.startswith("deskui-demo-") for p in folders["tmp"].iterdir()] == [True]


async def test_the_demo_desk_seeds_an_empty_database_once(
    database: Database, tmp_path: Path
) -> None:
    """The desk itself (not only export): started twice on --demo --db, killed in between
    (the first run is not ended cleanly), the second start finds the demo as it was."""
    settings = Settings(
        database_url=database.url.render_as_string(hide_password=False),
        demo=True,
        files_folder=str(tmp_path / "demo"),
        agent_name="王芳",
    )
    clock = FixedClock(FIXED_NOW)
    counts = []
    for _ in range(2):
        app = make_app(settings, clock, None)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.workers.wait_for_complete()
            assert app.database is not None
        app.database.dispose()
        counts.append(_counts(database))
    assert counts[0] == counts[1] and counts[0][1] == 80
