"""`deskui agent ...` and the CLI's sign-in (issue 16), run in-process on a file database:
the first manager without signing in, then nothing without a valid sign-in; an agent may
not export personal data (told why in one line, audited); `deskui web` serves the desk."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from deskui.cli import main
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.web.host import desk_argv

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-23T09:00+08:00"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'team.db'}"


def _run(
    monkeypatch: pytest.MonkeyPatch, url: str, *args: str, password: str | None = None,
    new_password: str | None = None,
) -> int:  # fmt: skip
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
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "add", "王芳", "--role", "agent",
                password="manager-pass", new_password="agent-pass1") == 0  # fmt: skip


def test_the_first_add_makes_the_manager_then_every_command_needs_a_sign_in(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    out = capsys.readouterr()
    assert "已添加账号 刘洋（客服部经理）" in out.out and "已添加账号 王芳（客服专员）" in out.out
    status = _run(monkeypatch, url, "agent", "add", "李娜", new_password="agent-pass2")
    err = capsys.readouterr().err
    assert status != 0 and err.count("\n") == 1 and "--agent" in err
    status = _run(monkeypatch, url, "--agent", "刘洋", "agent", "list", password="wrong-pass")
    err = capsys.readouterr().err
    assert status != 0 and err.strip() == "deskui: 姓名或密码不对"
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "list", password="manager-pass") == 0
    listed = capsys.readouterr().out
    assert "王芳,客服专员,,在用,已设" in listed and "argon2" not in listed


def test_an_agent_may_not_export_customers_and_the_denial_is_audited(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    capsys.readouterr()
    status = _run(
        monkeypatch, url, "--agent", "王芳", "export", "customers", password="agent-pass1"
    )
    out = capsys.readouterr()
    assert status == 3 and out.out == ""
    assert out.err.strip() == "deskui: 王芳（客服专员）不能导出客户个人资料"
    assert (
        _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password="agent-pass1") == 0
    )
    assert (
        _run(monkeypatch, url, "--agent", "刘洋", "export", "customers", password="manager-pass")
        == 0
    )
    database = Database(url)
    with UnitOfWork(database) as uow:
        lines = [(e.agent_name, e.action, e.outcome, e.subject) for e in uow.audit.search()]
    database.dispose()
    assert ("王芳", "denied", "denied", "export_personal") in lines
    assert ("王芳", "export", "ok", "tickets") in lines and (
        "刘洋",
        "export",
        "ok",
        "customers",
    ) in lines


def test_a_reset_prints_a_one_time_password_that_signs_in_once(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "reset-password", "王芳",
                password="manager-pass") == 0  # fmt: skip
    once = capsys.readouterr().out.split("：", 1)[1].split("（")[0]
    # issue 23: the one-time password is changed before the command runs, or it does not run
    assert _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password=once) == 3
    out = capsys.readouterr()
    assert out.out == "" and "一次性密码" in out.err and "DESKUI_NEW_PASSWORD" in out.err
    assert _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password=once,
                new_password="agent-own-1") == 0  # fmt: skip
    assert "王芳 的新密码已设好" in capsys.readouterr().err
    assert _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password=once) == 3
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "disable", "王芳",
                password="manager-pass") == 0  # fmt: skip
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "王芳", "export", "tickets",
                password="agent-own-1") != 0  # fmt: skip
    assert "停用" in capsys.readouterr().err


def test_web_runs_the_desk_per_tab_without_the_web_options() -> None:
    command = desk_argv(False, "zh-CN", None)  # the database comes in a 0600 hand-over (issue 23)
    assert command[1:] == ["-m", "deskui", "--lang", "zh-CN"]


def test_deskui_web_serves_the_page(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "deskui", "--db", f"sqlite:///{tmp_path / 'w.db'}", "web",
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        page = ""
        for _ in range(600):  # the host migrates the database before it listens
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert "deskui agent add" in page  # no account yet: no first-manager form (issue 23)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_manager_finds_the_lock_in_the_audit_and_an_agent_cannot_look(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    for _ in range(5):
        _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password="guess-1234")
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "王芳", "audit", password="agent-pass1") != 0
    assert "已锁定" in capsys.readouterr().err  # the right password, but locked
    assert _run(monkeypatch, url, "--agent", "刘洋", "audit", "--person", "王芳",
                "--action", "lock", password="manager-pass") == 0  # fmt: skip
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "时间,人员,操作,结果,对象,详情" and len(rows) == 2
    # in words, the lock's end in local time (the stored UTC instant is 8 hours earlier)
    assert ",王芳,账号锁定,成功,," in rows[1] and "锁定至=" in rows[1]
    assert "+00:00" not in rows[1] and "T" not in rows[1].split("锁定至=")[1]


def test_the_manager_changes_a_role_and_the_audit_says_old_to_new_in_words(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`deskui agent role`: a manager makes 王芳 a lead; the audit reads 角色=客服专员 → 客服主管;
    nobody changes their own role, and an agent changes nobody's."""
    _team(monkeypatch, url)
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "role", "王芳", "--role", "lead",
                password="manager-pass") == 0  # fmt: skip
    assert "王芳 的角色已改为客服主管" in capsys.readouterr().out
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "role", "刘洋", "--role", "lead",
                password="manager-pass") == 2  # fmt: skip
    assert "不能对自己的账号这样做" in capsys.readouterr().err
    assert _run(monkeypatch, url, "--agent", "刘洋", "audit", "--action", "role_changed",
                password="manager-pass") == 0  # fmt: skip
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 2 and ",刘洋,更改角色,成功,王芳,角色=客服专员 → 客服主管" in rows[1]


def test_a_department_members_department_is_listed_by_its_name(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`agent list` in zh-CN names the department (技术部), not its code."""
    _team(monkeypatch, url)
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "add", "赵磊", "--role",
                "department", "--department", "technical", password="manager-pass",
                new_password="dept-pass-1") == 0  # fmt: skip
    capsys.readouterr()
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "list", password="manager-pass") == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("赵磊"))
    assert row.startswith("赵磊,部门人员,技术部,") and "technical" not in row


def _lead_team(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    _team(monkeypatch, url)
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "add", "张伟", "--role", "lead",
                password="manager-pass", new_password="lead-pass-1") == 0  # fmt: skip


def test_a_lead_cannot_take_over_the_manager_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23's finding: `deskui --agent 张伟 agent reset-password 刘洋` printed the
    manager's one-time password. Now each step of the take-over is refused in one line,
    prints no password, and the audit has every refusal."""
    _lead_team(monkeypatch, url)
    capsys.readouterr()
    attempts = [
        ("reset-password", "刘洋"),
        ("disable", "刘洋"),
        ("role", "张伟", "--role", "manager"),
        ("role", "王芳", "--role", "lead"),
        ("add", "钱", "--role", "manager"),
    ]
    for attempt in attempts:
        status = _run(monkeypatch, url, "--agent", "张伟", "agent", *attempt,
                      password="lead-pass-1", new_password="taken-over-1")  # fmt: skip
        out = capsys.readouterr()
        assert status == 2 and out.out == "", attempt
        assert out.err.count("\n") == 1 and out.err.startswith("deskui: "), out.err
    assert _run(monkeypatch, url, "--agent", "刘洋", "audit", "--action", "denied",
                password="manager-pass") == 0  # fmt: skip
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert len(rows) == 5 and all(",张伟,被拒绝的操作,被拒绝," in row for row in rows)
    assert any(',重置密码,"账号=刘洋, 原因=组长只能管理' in row for row in rows), rows
    # the manager still signs in with their own password, and is still the manager
    assert _run(monkeypatch, url, "--agent", "刘洋", "agent", "list", password="manager-pass") == 0
    listed = capsys.readouterr().out
    assert "刘洋,客服部经理,,在用,已设" in listed and "张伟,客服主管,,在用,已设" in listed


def test_the_lock_is_said_in_the_sites_time_with_its_zone(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _team(monkeypatch, url)
    for _ in range(5):
        status = _run(monkeypatch, url, "--agent", "王芳", "export", "tickets", password="nope-1")
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert status == 3
    assert "2026-11-23 09:15 (Asia/Shanghai)" in err, err  # 01:15 UTC, never bare


def test_a_demo_database_opened_without_demo_asks_every_account_for_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seeded by `--demo --db URL`, the demo's people sign in without a password only while
    the process says --demo; opened without it, each needs a password it does not have."""
    monkeypatch.delenv("DESKUI_PASSWORD", raising=False)
    assert main(["--demo", "--db", url, "--now", NOW, "agent", "list"]) == 0
    names = [line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert "刘洋" in names and len(names) >= 5
    for name in names:
        status = _run(monkeypatch, url, "--agent", name, "agent", "list")
        assert status == 3 and "--agent" in capsys.readouterr().err  # no password: no sign-in
        status = _run(monkeypatch, url, "--agent", name, "export", "tickets", password="x")
        out = capsys.readouterr()
        assert status == 3 and out.out == "", name
        assert out.err.strip() == "deskui: 此账号还没有密码，请组长用“重置密码”给您一个一次性密码"
    assert _run(monkeypatch, url, "agent", "reset-password", "王芳") == 3
    assert "一次性密码：" not in capsys.readouterr().out
    with UnitOfWork(Database(url)) as uow:  # every attempt audited, the --demo one too
        lines = uow.audit.search(action="sign_in", limit=1000)
    assert [e.outcome for e in lines].count("no_password") == len(names)
    assert [e.outcome for e in lines].count("demo") == 1
    assert all(e.detail.get("entry") == "cli" for e in lines)
