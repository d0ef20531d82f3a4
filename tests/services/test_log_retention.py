"""The desks' logs kept the site's number of days (issue 28), on SQLite and PostgreSQL: a
lead sets `log.days` as any site setting (a value out of range refused, an agent denied);
the purge's timer deletes the stopped desks' logs and the crash reports older than that,
even with the records' retention off, and a dry run deletes nothing; the host's
DESKUI_LOG_DAYS overrides the site; a desk deletes them as it opens the database."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.desk_log import keep_days, prune_desk_files
from deskui.domain.model import Role
from deskui.domain.refusal import Invalid
from deskui.services import privacy
from deskui.services.actor import Actor, Denied
from deskui.services.backups import host_actor
from deskui.services.site_settings import SaveSiteSettings, save_site_settings
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

DEAD = 2**22 + 17
"""Above Linux's pid_max: the log of a desk no longer running."""


def _aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("2026-11-01 09:00:00,000 WARNING deskui.database [1]: trouble")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def _files(folder: Path) -> dict[str, Path]:
    return {
        "old_log": _aged(folder / "logs" / f"desk-20261101-090000-{DEAD}.log", 9),
        "old_rotated": _aged(folder / "logs" / f"desk-20261101-090000-{DEAD}.log.1", 9),
        "fresh_log": _aged(folder / "logs" / f"desk-20261120-090000-{DEAD + 1}.log", 5),
        "old_crash": _aged(folder / "crash-20261101-090000.log", 9),
        "fresh_crash": _aged(folder / "crash-20261120-090000.log", 5),
        "not_a_log": _aged(folder / "replies" / "complaint-1-20261101-0900.txt", 9),
    }


def test_the_purge_deletes_logs_older_than_the_sites_days(
    database: Database, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKUI_LOG_DAYS", raising=False)
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    for wrong in ("0", "3651", "一周"):
        with UnitOfWork(database) as uow, pytest.raises(Invalid):
            save_site_settings(uow, lead, SaveSiteSettings({"log.days": wrong}), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        save_site_settings(uow, agent, SaveSiteSettings({"log.days": "7"}), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.rules.log_days == 30  # the default
        save_site_settings(uow, lead, SaveSiteSettings({"log.days": "7"}), FIXED_NOW)
    files = _files(tmp_path)
    timer = host_actor("deskui")
    with UnitOfWork(database) as uow:
        assert uow.rules.log_days == 7
        dry = privacy.purge(uow, timer, privacy.Purge(dry_run=True, files=tmp_path), FIXED_NOW)
    assert dry.logs == 0 and all(path.exists() for path in files.values())
    with UnitOfWork(database) as uow:  # the records' retention is off: the logs go all the same
        done = privacy.purge(uow, timer, privacy.Purge(files=tmp_path), FIXED_NOW)
    assert done.cutoff is None and (done.logs, done.log_days) == (3, 7)
    left = sorted(name for name, path in files.items() if path.exists())
    assert left == ["fresh_crash", "fresh_log", "not_a_log"]
    # an agent's try at the purge is refused and deletes nothing
    _aged(tmp_path / "crash-20261102-090000.log", 9)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        privacy.purge(uow, agent, privacy.Purge(files=tmp_path), FIXED_NOW)
    assert (tmp_path / "crash-20261102-090000.log").exists()


def test_the_hosts_days_override_the_sites(
    database: Database, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        save_site_settings(uow, lead, SaveSiteSettings({"log.days": "3"}), FIXED_NOW)
    monkeypatch.setenv("DESKUI_LOG_DAYS", "10")
    files = _files(tmp_path)
    with UnitOfWork(database) as uow:
        done = privacy.purge(uow, host_actor("deskui"), privacy.Purge(files=tmp_path), FIXED_NOW)
    assert (done.logs, done.log_days) == (0, 10)
    assert all(path.exists() for path in files.values())
    monkeypatch.delenv("DESKUI_LOG_DAYS")
    assert keep_days(site_days=3) == 3 and keep_days({"DESKUI_LOG_DAYS": "12"}, 3) == 12
    assert keep_days(site_days=0) == 30  # not a setting's value: the default
    deleted = prune_desk_files(tmp_path, 3)
    assert sorted(p.name for p in deleted) == sorted(
        p.name for p in files.values() if p.parent.name != "replies"
    )
