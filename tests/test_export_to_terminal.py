"""`deskui export` to a terminal shows control characters escaped, to a pipe or a file it
writes the data as stored (issue 13: a customer's name holding ESC [2J cleared the screen)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskui.data import models as m
from deskui.data.unit_of_work import UnitOfWork
from deskui.services.accounts import AddAgent, add_agent
from tests.conftest import FIXED_NOW
from tests.databases import sqlite_copy

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 7"
NAME = "清屏\x1b[2J\x1b[H公司\x9b31m"


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    database = sqlite_copy(tmp_path / "desk.db")  # migrated (tests/databases.py)
    with UnitOfWork(database) as uow:
        uow.session.add(m.Customer(name=NAME, created_at=FIXED_NOW, updated_at=FIXED_NOW))
        uow.commit()
    with UnitOfWork(database) as uow:  # a customers export is a manager's (issue 16)
        add_agent(uow, None, AddAgent("刘洋", "manager", PASSWORD), FIXED_NOW)
    database.dispose()
    return url


def _command(url: str) -> list[str]:
    return [sys.executable, "-m", "deskui", "--db", url, "--agent", "刘洋", "export", "customers"]


ENV = {**os.environ, "DESKUI_PASSWORD": PASSWORD}


def test_on_a_terminal_control_characters_are_shown_escaped(url: str) -> None:
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            _command(url),
            stdout=slave,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=ENV,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = process.communicate(timeout=60)
    finally:
        os.close(master)
    assert process.returncode == 0, err
    shown = b"".join(chunks).decode("utf-8")
    assert "\x1b" not in shown and "\x9b" not in shown
    assert r"清屏\x1b[2J\x1b[H公司\x9b31m" in shown


def test_to_a_pipe_the_data_is_as_stored(url: str) -> None:
    result = subprocess.run(_command(url), capture_output=True, timeout=60, cwd=ROOT, env=ENV)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"))))
    assert rows[1][1] == NAME
