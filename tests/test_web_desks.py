"""A browser desk's start (issue 23): the hand-over file (0600, read once, deleted) and the
service that refuses a stale, reused or forged hand-over, or one for an account that is
disabled, locked or still on a one-time password; every start audited. Both backends."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services import accounts
from deskui.services.accounts import AddAgent, SignIn
from deskui.services.web_desks import WebDeskRefused, WebDeskStart, start_web_desk
from deskui.web.grant import GrantError, runtime_folder, take_grant, write_grant
from tests.conftest import FIXED_NOW

SECRET = "manager-secret-1"
WALL = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _accounts(database: Database) -> dict[str, int]:
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(uow, None, AddAgent("刘洋", Role.MANAGER, SECRET), FIXED_NOW)
    with UnitOfWork(database) as uow:
        agent = accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, SECRET), FIXED_NOW)
    return {"刘洋": manager.id, "王芳": agent.id}


def _start(database: Database, command: WebDeskStart) -> str:
    try:
        with UnitOfWork(database) as uow:
            signed = start_web_desk(uow, None, command, FIXED_NOW)
    except WebDeskRefused as refused:
        return refused.outcome
    return signed.actor.name


def _lines(database: Database) -> list[tuple[str, str, str]]:
    with UnitOfWork(database) as uow:
        found = uow.audit.search(action="web_desk")
    return [(line.agent_name, line.outcome, line.subject) for line in reversed(found)]


def test_a_fresh_hand_over_starts_the_desk_once(database: Database) -> None:
    ids = _accounts(database)
    start = WebDeskStart(ids["王芳"], "王芳", "nonce-1", WALL, WALL + timedelta(seconds=2))
    assert _start(database, start) == "王芳"
    assert _start(database, start) == "reused"
    assert _lines(database) == [("王芳", "ok", "nonce-1"), ("王芳", "reused", "nonce-1")]


def test_a_stale_or_future_hand_over_is_refused(database: Database) -> None:
    ids = _accounts(database)
    late = WebDeskStart(ids["王芳"], "王芳", "nonce-2", WALL, WALL + timedelta(seconds=61))
    early = WebDeskStart(ids["王芳"], "王芳", "nonce-3", WALL + timedelta(minutes=5), WALL)
    assert _start(database, late) == "stale"
    assert _start(database, early) == "stale"


def test_a_forged_name_or_id_is_refused(database: Database) -> None:
    ids = _accounts(database)
    fresh = WebDeskStart(ids["王芳"], "刘洋", "nonce-4", WALL, WALL)  # her id, his name
    assert _start(database, fresh) == "wrong"
    assert _start(database, replace(fresh, name="nobody", nonce="nonce-5")) == "wrong"
    assert _start(database, replace(fresh, name="王芳", nonce="")) == "reused"


def test_a_disabled_locked_or_one_time_account_starts_no_desk(database: Database) -> None:
    ids = _accounts(database)
    with UnitOfWork(database) as uow:
        manager = accounts.sign_in(uow, None, SignIn("刘洋", SECRET), FIXED_NOW).actor
    with UnitOfWork(database) as uow:
        accounts.reset_password(uow, manager, "王芳", FIXED_NOW)
    start = WebDeskStart(ids["王芳"], "王芳", "nonce-6", WALL, WALL)
    assert _start(database, start) == "must_change"
    for _ in range(5):  # five wrong passwords lock her account
        with pytest.raises(accounts.SignInRefused), UnitOfWork(database) as uow:
            accounts.sign_in(uow, None, SignIn("王芳", "wrong-wrong"), FIXED_NOW)
    assert _start(database, replace(start, nonce="nonce-7")) == "locked"
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, manager, ("王芳", False), FIXED_NOW)
    assert _start(database, replace(start, nonce="nonce-8")) == "disabled"
    outcomes = [outcome for _name, outcome, _nonce in _lines(database)]
    assert outcomes == ["must_change", "locked", "disabled"]


def test_the_hand_over_file_is_private_and_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    folder = runtime_folder()
    try:
        assert folder.stat().st_mode & 0o777 == 0o700
        path = write_grant(folder, 7, "王芳", "postgresql+psycopg://u:pw@h/d")
        assert path.stat().st_mode & 0o777 == 0o600
        grant = take_grant(str(path))
        assert (grant.agent_id, grant.name, grant.database_url) == (
            7,
            "王芳",
            "postgresql+psycopg://u:pw@h/d",
        )
        assert len(grant.nonce) >= 32 and not path.exists()
        with pytest.raises(GrantError):
            take_grant(str(path))
    finally:
        folder.rmdir()


def test_a_hand_over_others_can_read_is_refused_and_deleted(tmp_path: Path) -> None:
    path = tmp_path / "grant.json"
    body = {"agent_id": 1, "name": "刘洋", "nonce": "n", "issued_at": WALL.isoformat()}
    path.write_text(json.dumps({**body, "database_url": "sqlite:///x"}), encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(GrantError, match="readable by others"):
        take_grant(str(path))
    assert not path.exists()
    link = tmp_path / "link.json"
    target = tmp_path / "target.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o600)
    link.symlink_to(target)
    with pytest.raises(GrantError):
        take_grant(str(link))


def test_a_desk_without_a_good_hand_over_never_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskui.cli import main

    monkeypatch.setenv("DESKUI_WEB_GRANT", str(tmp_path / "missing.json"))
    assert main(["--lang", "en"]) == 2
    assert "DESKUI_WEB_GRANT" in capsys.readouterr().err


def test_web_catalogs_are_complete_in_both_languages() -> None:
    from deskui.i18n import catalog

    zh = {key for key in catalog("zh-CN") if key.startswith("web.")}
    en = {key for key in catalog("en") if key.startswith("web.")}
    assert zh == en and "web.refused.reused" in zh and "web.no_account" in zh
    for outcome in ("stale", "reused", "wrong", "disabled", "locked", "must_change"):
        assert WebDeskRefused(outcome).key in zh


async def test_the_desk_opens_signed_in_from_a_fresh_hand_over_and_not_from_a_stale_one(
    tmp_path: Path,
) -> None:
    """The desk itself (Pilot): a fresh hand-over opens at work as that agent, no sign-in
    screen; a stale one shows why on the desk and signs nobody in."""
    from deskui.app import make_app
    from deskui.domain.clock import FixedClock
    from deskui.screens.desk import DeskScreen
    from deskui.web.grant import Grant
    from tests.conftest import make_settings
    from tests.screens.desk_pilot import SIZE, settle

    empty_database = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    empty_database.upgrade()
    ids = _accounts(empty_database)
    settings = make_settings(empty_database, agent=None)
    now = datetime.now(UTC)
    fresh = Grant(ids["王芳"], "王芳", "nonce-desk-1", now, settings.database_url, now)
    app = make_app(settings, FixedClock(FIXED_NOW), empty_database, fresh)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert app.agent is not None and app.agent.name == "王芳"
    stale = replace(fresh, nonce="nonce-desk-2", issued_at=now - timedelta(minutes=5))
    app = make_app(settings, FixedClock(FIXED_NOW), empty_database, stale)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen) and app.agent is None
        assert "工位没有及时打开" in str(app.screen.query_one("#trouble").render())
    assert [outcome for _n, outcome, _s in _lines(empty_database)] == ["ok", "stale"]
