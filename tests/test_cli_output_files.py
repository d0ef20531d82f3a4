"""What a command writes with --output (issue 23, 28; found attacking): `deskui export`,
`audit`, `report` and `privacy export` followed a symbolic link planted where the export
goes and wrote every customer's phone into the file it pointed at, and rewrote a 0644 file
keeping its mode, so the phones were readable to every local user. Now the file is written
new, 0600, and put in place whole; a link, a device or a folder is refused in words."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from deskui.cli import main
from tests.conftest import FIXED_NOW

COMMANDS = [
    ["export", "customers"],
    ["export", "customers", "--format", "xlsx"],
    ["audit"],
    ["report", "team", "--from", "2026-11-01", "--to", "2026-11-30"],
    ["privacy", "export", "--phone", "13800138000"],
]


def _run(tmp_path: Path, *args: str) -> int:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    return main(["--demo", "--db", url, "--now", FIXED_NOW.isoformat(), "--agent", "刘洋", *args])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_output_is_never_written_through_a_link_and_is_left_0600(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the manager's own notes\n")
    victim.chmod(0o644)
    link = tmp_path / "export.out"
    link.symlink_to(victim)
    assert _run(tmp_path, *command, "--output", str(link)) == 2
    said = capsys.readouterr().err
    assert "符号链接" in said and "export.out" in said
    assert victim.read_text() == "the manager's own notes\n"
    assert link.is_symlink()

    assert _run(tmp_path, *command, "--output", str(victim)) == 0
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert victim.read_bytes() != b"the manager's own notes\n"
    assert _run(tmp_path, *command, "--output", str(tmp_path)) == 2
    assert "不是普通文件" in capsys.readouterr().err
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]
