"""`deskui db backup` and `deskui db restore` at the command line (issue 28): the host's
administrator without --agent, a demo agent refused (audited), a path with spaces and
markup, a file that is no backup said in one line."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest

from deskui.cli import main
from deskui.data.migrations import HEAD

NOW = "2026-11-23T09:00+08:00"


@pytest.fixture(autouse=True)
def _demo_folders_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("DESKUI_BACKUP_DIR", str(tmp_path / "nightly"))


def test_the_host_backs_up_and_restores_an_agent_may_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--demo", "--db", demo, "--now", NOW, "export", "tickets"]) == 0
    capsys.readouterr()

    assert main(["--demo", "--db", demo, "--now", NOW, "--agent", "王芳", "db", "backup"]) == 3
    assert "王芳（客服专员）不能备份数据库" in capsys.readouterr().err
    assert not (tmp_path / "nightly").exists() or not list((tmp_path / "nightly").iterdir())

    assert main(["--db", demo, "--now", NOW, "db", "backup"]) == 0  # the host, no sign-in
    out = capsys.readouterr().out
    [written] = list((tmp_path / "nightly").iterdir())
    assert written.name == "deskui-20261123-0900.db" and str(written) in out
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "客户 80" in out and "问题记录 45" in out

    odd = tmp_path / "a folder" / "[red]备份 <i>\x1b[2J.db"
    odd.parent.mkdir()
    assert main(["--db", demo, "--now", NOW, "db", "backup", "--output", str(odd)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out and odd.exists()

    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["--db", empty, "--now", NOW, "db", "restore", str(odd)]) == 0
    said = capsys.readouterr().out
    assert f"备份的数据结构版本 {HEAD}" in said
    assert "客户 80，问题记录 45" in said
    assert main(["--db", empty, "--now", NOW, "db", "restore", str(odd)]) == 1
    assert "--force" in capsys.readouterr().err

    junk = tmp_path / "notes <b>.txt"
    junk.write_text("not a database\n")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--db", fresh, "--now", NOW, "db", "restore", str(junk)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "不是 deskui 的备份文件" in err
    assert not (tmp_path / "fresh.db").exists()

    assert main(["--demo", "--db", demo, "--now", NOW, "audit", "--action", "denied"]) == 0
    assert "备份数据库" in capsys.readouterr().out
