"""The phone's command line (issue 25): `deskui agent add ... --extension 8001`, `deskui agent
extension`, `deskui phone token` (the settings keep only its digest), and `deskui export
calls` (call_id, from, outcome; numbers masked in an agent's export, hostile text neutral)."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest

from deskui.cli import main
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event
from tests.conftest import FIXED_NOW
from tests.phone_lab import REQUIRE_ENV, require_programs

NOW = "2026-11-23T09:00+08:00"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'team.db'}"


def _run(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *args: str,
    password: str | None = None,
    new_password: str | None = None,
) -> int:
    monkeypatch.delenv("DESKUI_PASSWORD", raising=False)
    monkeypatch.delenv("DESKUI_NEW_PASSWORD", raising=False)
    if password is not None:
        monkeypatch.setenv("DESKUI_PASSWORD", password)
    if new_password is not None:
        monkeypatch.setenv("DESKUI_NEW_PASSWORD", new_password)
    return main(["--db", url, "--now", NOW, *args])


def _team(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    assert _run(monkeypatch, url, "agent", "add", "刘洋", "--role", "manager",
                new_password="manager-pass") == 0  # fmt: skip
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "add", "王芳", "--extension",
                "8001", password="manager-pass", new_password="agent-pass1") == 0  # fmt: skip


def _extensions(url: str) -> dict[str, str | None]:
    database = Database(url)
    with UnitOfWork(database) as uow:
        found = {a.name: a.extension for a in uow.accounts.accounts()}
    database.dispose()
    return found


def test_an_agent_is_added_with_an_extension_and_it_can_be_moved(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    assert _extensions(url)["王芳"] == "8001"
    capsys.readouterr()
    status = _run(monkeypatch, url, "--agent", "刘洋", "agent", "add", "李娜", "--extension",
                  "8001", password="manager-pass", new_password="agent-pass2")  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and err.strip() == "deskui: 该分机号已属于 王芳"
    status = _run(monkeypatch, url, "--agent", "王芳", "agent", "extension", "王芳",
                  "--extension", "8009", password="agent-pass1")  # fmt: skip
    assert status != 0  # an agent manages no account, not even their extension
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "extension", "王芳",
                "--extension", "8002", password="manager-pass") == 0  # fmt: skip
    assert "王芳 的分机号已设为 8002" in capsys.readouterr().out
    assert _extensions(url)["王芳"] == "8002"


def test_a_phone_token_is_printed_once_and_only_its_digest_kept(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "王芳", "phone", "token", password="agent-pass1") != 0
    assert _run(monkeypatch, url, "--agent", "刘洋", "phone", "token", password="manager-pass") == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32
    database = Database(url)
    with UnitOfWork(database) as uow:
        stored = uow.settings.stored_settings()
    database.dispose()
    assert token not in "".join(stored.values())
    assert stored["phone.token_sha256"] == hashlib.sha256(token.encode()).hexdigest()


def _calls(url: str) -> None:
    database = Database(url)
    clock = FixedClock(FIXED_NOW)
    posts = [
        {"event": "newCall", "callId": "a-1", "from": "13812345678", "to": "95000"},
        {"event": "answer", "callId": "a-1", "from": "13812345678", "to": "95000",
         "answeringNumber": "8001"},
        {"event": "hangup", "callId": "a-1", "from": "13812345678", "to": "95000",
         "cause": "normalClearing"},
        {"event": "newCall", "callId": "=HYPERLINK(\"x\")", "from": "13800138000", "to": "95000",
         "queue": "[b]vip[/b]"},
        {"event": "hangup", "callId": "=HYPERLINK(\"x\")", "from": "13800138000", "to": "95000",
         "cause": "cancel"},
    ]  # fmt: skip
    for n, fields in enumerate(posts):
        with UnitOfWork(database) as uow:
            command = RecordCallEvent(fields, received_at=FIXED_NOW + timedelta(seconds=n * 5))
            record_call_event(uow, PHONE_ACTOR, command, clock.now())
    database.dispose()


def test_export_calls_lists_each_call_with_its_outcome_and_masks_an_agents_numbers(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    _calls(url)
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "刘洋", "export", "calls",
                password="manager-pass") == 0  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["call_id"], r["from"], r["outcome"]) for r in rows] == [
        ("a-1", "+8613812345678", "answered"),
        ('\'=HYPERLINK("x")', "+8613800138000", "missed"),  # no formula in a cell
    ]
    assert rows[0]["agent"] == "王芳" and rows[0]["answering_extension"] == "8001"
    assert rows[0]["wait_seconds"] == "5" and rows[0]["duration_seconds"] == "5"
    assert rows[0]["started_at"].endswith("+08:00") and rows[1]["queue"] == "[b]vip[/b]"
    assert _run(monkeypatch, url, "--agent", "王芳", "export", "calls",
                password="agent-pass1") == 0  # fmt: skip
    masked = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["from"] for r in masked] == ["138****5678", "138****8000"]
    assert _run(monkeypatch, url, "--agent", "刘洋", "export", "calls", "--words",
                password="manager-pass") == 0  # fmt: skip
    words = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert words[0][:3] == ["通话标识", "收/发", "主叫号码"]
    assert "已接听" in words[1] and "未接" in words[2] and "来电方挂断" in words[2]


def test_the_phone_tests_fail_instead_of_skipping_when_ci_requires_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="not installed: sipp, kamailio, baresip"):
        require_programs()
    monkeypatch.delenv(REQUIRE_ENV)
    with pytest.raises(pytest.skip.Exception):
        require_programs()
