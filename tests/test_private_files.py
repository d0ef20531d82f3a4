"""What a desk writes is its account's alone (issue 23): the data folder 0700, deskui.db and
its -wal/-shm 0600, crash logs, the desk's log and exports 0600; created so, and tightened
at start when an older desk left them readable to every local user."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from deskui.app import make_app
from deskui.config import Settings
from deskui.crash import write_crash_log
from deskui.desk_log import BACKUPS, LOG_FOLDER, LOG_NAME, scrub, start_log, stop_log
from deskui.domain.clock import FixedClock
from deskui.locations import data_dir, default_database_url, secure_files, team_desk
from tests.screens.desk_pilot import SIZE, settle


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _umask_kept() -> Iterator[None]:
    """The desk sets the process's umask; the test gives the usual one back."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)
        stop_log()


async def test_a_new_desk_makes_its_folder_0700_and_its_database_0600(
    clock: FixedClock,
) -> None:
    os.umask(0o022)  # a usual login shell: new files 0644 unless the desk says otherwise
    folder = data_dir()
    folder.mkdir(mode=0o755, parents=True)  # as `deskui` made it before (cli.resolve)
    os.chmod(folder, 0o755)
    settings = Settings(database_url=default_database_url())
    app = make_app(settings, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.database is not None
    assert mode(folder) == 0o700
    made = sorted(p.name for p in folder.iterdir())
    assert "deskui.db" in made and LOG_FOLDER in made
    files = [p for p in folder.iterdir() if p.is_file()]
    assert {p.name: mode(p) for p in files} == dict.fromkeys([p.name for p in files], 0o600)
    [log] = (folder / LOG_FOLDER).glob(LOG_NAME)
    assert mode(folder / LOG_FOLDER) == 0o700 and mode(log) == 0o600
    assert os.umask(0o022) == 0o077  # what the desk creates later is private too


def test_what_an_older_desk_left_readable_is_tightened_the_inbox_left_to_the_site(
    tmp_path: Path,
) -> None:
    folder = data_dir()
    for sub in ("replies", "exports", "inbox"):
        (folder / sub).mkdir(parents=True)
        os.chmod(folder / sub, 0o755)
    os.chmod(folder, 0o755)
    loose = [folder / name for name in ("deskui.db", "deskui.db-wal", "deskui.db-shm")]
    loose += [folder / "crash-20261123-090000.log", folder / "replies" / "reply.pdf"]
    (folder / LOG_FOLDER).mkdir()
    os.chmod(folder / LOG_FOLDER, 0o755)
    loose += [folder / "exports" / "传真.pdf", folder / LOG_FOLDER / "desk-20261123-090000-1.log"]
    for path in [*loose, folder / "inbox" / "fax.pdf"]:
        path.write_bytes(b"x")
        os.chmod(path, 0o644)
    outside = tmp_path / "elsewhere.txt"  # a link out of the folder is not followed
    outside.write_bytes(b"x")
    os.chmod(outside, 0o644)
    os.symlink(outside, folder / "link.txt")

    changed = secure_files(Settings(database_url=default_database_url()))

    assert mode(folder) == 0o700
    assert all(mode(folder / sub) == 0o700 for sub in ("replies", "exports", LOG_FOLDER))
    assert {p: mode(p) for p in loose} == dict.fromkeys(loose, 0o600)
    assert set(changed) >= {folder, *loose}
    assert mode(folder / "inbox") == 0o755 and mode(folder / "inbox" / "fax.pdf") == 0o644
    assert mode(outside) == 0o644
    assert secure_files(Settings(database_url=default_database_url())) == []  # once is enough


def test_a_crash_log_is_0600_and_holds_no_password(tmp_path: Path) -> None:
    text = "OperationalError: postgresql+psycopg://deskui:s3cret-pw@db/deskui refused\n"
    path = write_crash_log(tmp_path / "files", text, datetime(2026, 11, 23, 9, 0))
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    written = path.read_text("utf-8")
    assert "s3cret-pw" not in written and "deskui:***@db" in written


def test_the_desk_log_rotates_by_size_every_file_0600_no_password(tmp_path: Path) -> None:
    path = start_log(tmp_path / "files", max_bytes=20_000)
    log = logging.getLogger("deskui.database")
    log.warning("connect failed: postgresql+psycopg://deskui:s3cret-pw@db:5432/deskui")
    log.warning("sign-in form password=hunter2 & DESKUI_PASSWORD=hunter3")
    for _ in range(200):  # some 130 kB: the log turns over, keeping BACKUPS older files
        log.warning("database trouble (refused): %s", "x" * 600)
    files = sorted(path.parent.glob(f"{LOG_NAME}*"))
    assert [p.name for p in files] == [path.name] + [
        f"{path.name}.{n}" for n in range(1, BACKUPS + 1)
    ]
    assert {mode(p) for p in files} == {0o600}
    every = "".join(p.read_text("utf-8") for p in files)
    assert not any(word in every for word in ("s3cret-pw", "hunter2", "hunter3"))


def test_scrub_hides_passwords_and_keeps_the_rest() -> None:
    assert scrub("postgresql+psycopg://deskui:pa:ss@h/db") == "postgresql+psycopg://deskui:***@h/db"
    assert scrub('{"password": "p4ss", "name": "王芳"}') == '{"password": "***", "name": "王芳"}'
    assert scrub("database is locked") == "database is locked"


def test_a_team_desk_is_a_server_database_ssh_a_browser_or_the_hosts_word() -> None:
    single = Settings(database_url="sqlite:////srv/deskui.db")
    team = Settings(database_url="postgresql+psycopg://deskui@db/deskui")
    assert not team_desk(single, {})
    assert team_desk(team, {})
    assert team_desk(single, {"SSH_CONNECTION": "10.0.0.9 50022 10.0.0.1 22"})
    assert team_desk(single, {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"})
    assert team_desk(single, {"DESKUI_TEAM": "1"})
    assert not team_desk(single, {"DESKUI_TEAM": "0"})


def test_a_stopped_desks_log_is_kept_the_days_the_site_sets_a_running_ones_always(
    tmp_path: Path,
) -> None:
    import subprocess
    import time

    from deskui.desk_log import keep_days, prune_logs

    assert keep_days({}) == 30 and keep_days({"DESKUI_LOG_DAYS": "7"}) == 7
    assert keep_days({"DESKUI_LOG_DAYS": "0"}) == 30 == keep_days({"DESKUI_LOG_DAYS": "x"})
    gone = subprocess.run(["true"], check=True)  # a process that has ended: its pid is free
    assert gone.returncode == 0
    dead = 2**22 + 17  # above Linux's pid_max: no such process
    running = subprocess.Popen(["sleep", "60"])
    try:
        now = time.time()
        old_dead = tmp_path / f"desk-20261101-090000-{dead}.log"
        old_dead_rotated = tmp_path / f"desk-20261101-090000-{dead}.log.1"
        old_running = tmp_path / f"desk-20261101-090000-{running.pid}.log"
        fresh = tmp_path / f"desk-20261120-090000-{dead + 1}.log"
        other = tmp_path / "notes.log"
        for path in (old_dead, old_dead_rotated, old_running, fresh, other):
            path.write_text("x")
            os.utime(path, (now - 8 * 86400, now - 8 * 86400))
        os.utime(fresh, (now - 6 * 86400, now - 6 * 86400))
        deleted = prune_logs(tmp_path, 7, now)
    finally:
        running.kill()
        running.wait()
    assert sorted(deleted) == sorted([old_dead, old_dead_rotated])
    assert old_running.exists() and fresh.exists() and other.exists()


def test_a_folder_not_the_desks_own_is_never_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DESKUI_BACKUP_DIR=/tmp for `deskui db backup`, run as root by the site's timer, took
    /tmp to 0700 and its sticky bit with it (found attacking): tighten said it left a path
    'not the desk's own' as it was, and asked nothing of its owner. A folder of another
    account (here: the desk runs as another uid) keeps its mode, sticky bit included; the
    backup still goes into it, 0600."""
    from deskui.cli.backup import BACKUP_DIR_ENV, backup_folder
    from deskui.locations import tighten

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    monkeypatch.setenv(BACKUP_DIR_ENV, str(shared))
    monkeypatch.setattr(os, "getuid", lambda: shared.stat().st_uid + 1)
    assert tighten(shared, 0o700) is False
    assert backup_folder(Settings(database_url=default_database_url())) == shared
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
