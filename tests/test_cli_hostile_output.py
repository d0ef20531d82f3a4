"""`deskui export` and `deskui audit` with hostile stored text (issue 23): a sign-in attempt
under a formula's name is printed neutralised, a customer's formula too while phone numbers
stay as they are; on a terminal control characters are shown as escapes; a reader that goes
away early (`| head`) ends the command quietly."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from deskui.cli import main
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.services.accounts import AddAgent, add_agent
from tests.conftest import FIXED_NOW
from tests.databases import sqlite_copy

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 7"
FORMULA = '=HYPERLINK("http://x","y")'
CLEAR = "清屏\x1b[2J\x1b]0;pwned\x07"
ENV = {**os.environ, "DESKUI_PASSWORD": PASSWORD}


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    database = sqlite_copy(tmp_path / "desk.db")  # migrated (tests/databases.py)
    with UnitOfWork(database) as uow:
        uow.session.add_all(
            m.Customer(
                name=name,
                phone_e164="+8613812345678",
                address="+cmd|' /C calc'!A0",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            )
            for name in (FORMULA, CLEAR, *(f"客户{n}" for n in range(400)))
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        add_agent(uow, None, AddAgent("刘洋", "manager", PASSWORD), FIXED_NOW)
    database.dispose()
    return url


def _main(monkeypatch: pytest.MonkeyPatch, url: str, agent: str, *args: str) -> int:
    monkeypatch.setenv("DESKUI_PASSWORD", PASSWORD)
    return main(["--db", url, "--agent", agent, *args])


def _planted(monkeypatch: pytest.MonkeyPatch, url: str, *names: str) -> None:
    """Sign-in attempts under hostile names: each writes an audit line holding the name."""
    for name in names:
        assert _main(monkeypatch, url, name, "export", "tickets") != 0


def test_a_formula_planted_by_a_sign_in_attempt_is_printed_neutralised_by_audit(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _planted(monkeypatch, url, FORMULA, "=1+2", "@SUM(A1)")
    capsys.readouterr()
    assert _main(monkeypatch, url, "刘洋", "audit", "--action", "sign_in") == 0
    people = [row[1] for row in csv.reader(io.StringIO(capsys.readouterr().out))][1:]
    assert {"'" + FORMULA, "'=1+2", "'@SUM(A1)"} <= set(people)
    assert not any(person.startswith(("=", "+", "-", "@")) for person in people)

    sheet = tmp_path / "audit.xlsx"
    assert _main(monkeypatch, url, "刘洋", "audit", "--format", "xlsx", "--output", str(sheet)) == 0
    page = load_workbook(sheet).active
    assert page is not None
    cells = [row[1] for row in page.iter_rows(min_row=2)]
    planted = next(cell for cell in cells if cell.value == FORMULA)  # as typed, no stray '
    assert planted.data_type == "s"


def test_a_customers_export_neutralises_formulas_and_keeps_phone_numbers(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(monkeypatch, url, "刘洋", "export", "customers") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    first = next(row for row in rows if row["name"].endswith(FORMULA))
    assert first["name"] == "'" + FORMULA
    assert first["address"] == "'+cmd|' /C calc'!A0"
    assert {row["phone"] for row in rows} == {"+8613812345678"}
    assert any(row["name"] == CLEAR for row in rows)  # to a pipe, the data as stored


def _on_a_terminal(command: list[str]) -> tuple[int, str]:
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            command, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT,
            env=ENV,
        )  # fmt: skip
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
        process.communicate(timeout=60)
    finally:
        os.close(master)
    return process.returncode, b"".join(chunks).decode("utf-8")


def test_audit_on_a_terminal_shows_a_planted_escape_sequence_and_sends_none(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    _planted(monkeypatch, url, CLEAR)
    status, shown = _on_a_terminal(
        [sys.executable, "-m", "deskui", "--db", url, "--agent", "刘洋", "audit"]
    )
    assert status == 0
    assert "\x1b" not in shown and "\x07" not in shown
    assert r"清屏\x1b[2J\x1b]0;pwned\x07" in shown


@pytest.mark.parametrize("command", [("export", "customers"), ("audit",)])
def test_a_reader_that_goes_away_early_ends_the_command_quietly(
    url: str, command: tuple[str, ...]
) -> None:
    read, write = os.pipe()
    os.close(read)  # `| head` that has read its lines: every write now meets a closed pipe
    try:
        result = subprocess.run(
            [sys.executable, "-m", "deskui", "--db", url, "--agent", "刘洋", *command],
            stdout=write, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT, env=ENV,
            timeout=60,
        )  # fmt: skip
    finally:
        os.close(write)
    assert result.returncode == 0
    assert result.stderr == b""


def test_agent_list_neutralises_a_formula_and_shows_an_escape_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Account names from before the desk refused such names (or written by another tool)
    print as the exports print: no formula to a file or pipe, no control to a terminal."""
    with UnitOfWork(Database(url)) as uow:
        uow.agents.add_agent(FORMULA, "agent", FIXED_NOW)
        uow.agents.add_agent(CLEAR, "agent", FIXED_NOW)
        uow.commit()
    assert _main(monkeypatch, url, "刘洋", "agent", "list") == 0
    names = [row[0] for row in csv.reader(io.StringIO(capsys.readouterr().out))][1:]
    assert "'" + FORMULA in names and CLEAR in names  # to a pipe: the name as stored
    status, shown = _on_a_terminal(
        [sys.executable, "-m", "deskui", "--db", url, "--agent", "刘洋", "agent", "list"]
    )
    assert status == 0
    assert "\x1b" not in shown and "\x07" not in shown
    assert r"清屏\x1b[2J\x1b]0;pwned\x07" in shown
