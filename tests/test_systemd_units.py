"""The systemd units in deploy/systemd (issue 28): the services run as the desk account,
restart on failure, read their secrets from the EnvironmentFile alone and run commands this
deskui has; `systemd-analyze verify` finds nothing to say of them (where the tool is absent
the check is skipped, and fails under DESKUI_REQUIRE_SYSTEMD=1, as .ci/run sets it)."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from deskui.cli import build_parser

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
DESKUI = "/opt/deskui/.venv/bin/deskui"
SERVICES = (
    "deskui-web.service",
    "deskui-phone.service",
    "deskui-backup.service",
    "deskui-purge.service",
)
TIMERS = ("deskui-backup.timer", "deskui-purge.timer")


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_the_repository_holds_the_units_the_readme_names() -> None:
    readme = (UNITS.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in (*SERVICES, *TIMERS):
        assert (UNITS / name).is_file()
        assert name in readme


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_as_the_desk_with_its_secrets_in_the_environment_file(
    name: str,
) -> None:
    service = _unit(name)["Service"]
    assert service["User"] == "desk" and service["Group"] == "desk"
    assert service["EnvironmentFile"] == "/etc/deskui/deskui.env"
    assert service["UMask"] == "0077"
    text = (UNITS / name).read_text(encoding="utf-8")
    assert "postgresql+psycopg://" not in text and "DESKUI_PHONE_TOKEN=" not in text
    if service.get("Type") != "oneshot":
        assert service["Restart"] == "on-failure"
    argv = shlex.split(service["ExecStart"])
    assert argv[0] == DESKUI
    build_parser().parse_args(argv[1:])  # a command and flags this deskui has


def test_the_backup_timer_runs_the_backup_nightly() -> None:
    timer = _unit("deskui-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:30:00" and timer["Persistent"] == "true"
    backup = _unit("deskui-backup.service")["Service"]
    assert shlex.split(backup["ExecStart"])[1:] == ["db", "backup"]
    text = (UNITS / "deskui-backup.service").read_text(encoding="utf-8")
    assert "Environment=DESKUI_BACKUP_DIR=/var/lib/deskui/backups" in text


def test_the_purge_timer_runs_the_retention_after_the_backup_as_the_host() -> None:
    timer = _unit("deskui-purge.timer")["Timer"]
    assert timer["OnCalendar"] > _unit("deskui-backup.timer")["Timer"]["OnCalendar"]
    purge = shlex.split(_unit("deskui-purge.service")["Service"]["ExecStart"])
    assert purge[1:] == ["privacy", "purge"]  # no --agent: the host's administrator


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if os.environ.get("DESKUI_REQUIRE_SYSTEMD") == "1":
            pytest.fail("DESKUI_REQUIRE_SYSTEMD=1 but systemd-analyze is not installed")
        pytest.skip("no systemd-analyze here (Debian: apt-get install systemd)")
    # verify checks that ExecStart's program exists: a stand-in where the README installs it
    stand_in = tmp_path / "deskui"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    names = [*SERVICES, *TIMERS]
    for name in names:
        text = (UNITS / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(DESKUI, str(stand_in)), encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", *(str(tmp_path / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and said == "", said


def test_verify_would_say_a_mistake(tmp_path: Path) -> None:
    """The check above can fail: a misspelt setting is said (a warning, status 0)."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if os.environ.get("DESKUI_REQUIRE_SYSTEMD") == "1":
            pytest.fail("DESKUI_REQUIRE_SYSTEMD=1 but systemd-analyze is not installed")
        pytest.skip("no systemd-analyze here (Debian: apt-get install systemd)")
    text = (UNITS / "deskui-phone.service").read_text(encoding="utf-8")
    bad = tmp_path / "deskui-phone.service"
    bad.write_text(text.replace("Restart=on-failure", "Restart=sometimes"), encoding="utf-8")
    done = subprocess.run([tool, "verify", str(bad)], capture_output=True, text=True, timeout=120)
    assert "sometimes" in done.stdout + done.stderr
