"""`/healthz` on `deskui web` and `deskui phone serve` (issue 28): 200 when the database
answers, 503 with one line when it does not, anonymous, nothing of the database said; each
service logs one line per event to stdout for the host's journal."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.host_log import OneLine
from deskui.phone import bridge as phone_bridge
from deskui.phone.bridge import Bridge, token_digest
from deskui.phone.journal import Journal
from deskui.web import host as web_host
from deskui.web.host import HostOptions, WebHost
from tests.conftest import FIXED_NOW
from tests.databases import DEMO, sqlite_copy
from tests.phone_lab import ROOT, TOKEN, free_port, wait_port


def _away(database: Database, home: Path) -> Path:
    """The database's folder moved away: the file cannot be opened (a server away)."""
    database.dispose()
    return home.rename(home.with_name("away"))


async def _health(client: TestClient) -> tuple[int, str, str]:
    response = await client.get("/healthz")
    return response.status, await response.text(), response.headers.get("Cache-Control", "")


async def test_the_web_host_answers_its_health_check_by_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_host, "HEALTH_SECONDS", 0.0)  # each check asks the database
    home = tmp_path / "db"
    home.mkdir()
    database = sqlite_copy(home / "web.db")
    host = WebHost(database, FixedClock(FIXED_NOW), HostOptions(), ["true"], "sqlite:///x")
    client = TestClient(TestServer(host.application()))
    await client.start_server()
    try:
        assert await _health(client) == (200, "ok\n", "no-store")
        away = _away(database, home)
        status, body, _ = await _health(client)
        assert (status, body) == (503, "database unavailable\n")
        assert "web.db" not in body and "sqlite" not in body.lower()
        away.rename(home)
        assert (await _health(client))[:2] == (200, "ok\n")
    finally:
        await client.close()
        database.dispose()


async def test_the_phone_bridge_answers_its_health_check_by_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phone_bridge, "HEALTH_REUSE_SECONDS", 0.0)  # each check asks
    home = tmp_path / "db"
    home.mkdir()
    database = sqlite_copy(home / "phone.db")
    journal = Journal(tmp_path / "journal.jsonl")
    url = str(database.url)
    bridge = Bridge(url, FixedClock(FIXED_NOW), journal, token_digest(TOKEN), database)
    client = TestClient(TestServer(bridge.application()))
    await client.start_server()
    try:
        assert await _health(client) == (200, "ok\n", "no-store")
        away = _away(database, home)
        assert (await _health(client))[:2] == (503, "database unavailable\n")
        away.rename(home)
        assert (await _health(client))[:2] == (200, "ok\n")
    finally:
        await client.close()
        database.dispose()


@pytest.mark.parametrize("service", ["web", "phone"])
async def test_a_flood_of_health_checks_asks_the_database_once(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskui.data.trouble as trouble

    asked: list[object] = []
    real = trouble.health_fault

    def counted(database: Database) -> BaseException | None:
        asked.append(database)
        return real(database)

    monkeypatch.setattr(trouble, "health_fault", counted)
    monkeypatch.setattr(web_host, "HEALTH_SECONDS", 3600.0)  # never stale within the test
    monkeypatch.setattr(phone_bridge, "HEALTH_REUSE_SECONDS", 3600.0)
    database = sqlite_copy(tmp_path / "flood.db")
    if service == "web":
        app = WebHost(database, FixedClock(FIXED_NOW), HostOptions(), ["true"], "x").application()
    else:
        journal = Journal(tmp_path / "journal.jsonl")
        app = Bridge(str(database.url), FixedClock(FIXED_NOW), journal, token_digest(TOKEN),
                     database).application()  # fmt: skip
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        answers = await asyncio.gather(*(_health(client) for _ in range(50)))
    finally:
        await client.close()
        database.dispose()
    assert {a[:2] for a in answers} == {(200, "ok\n")}
    assert len(asked) == 1


def test_a_logged_event_is_one_line_without_a_password() -> None:
    record = logging.LogRecord(
        "deskui.web", logging.WARNING, __file__, 1,
        "desk failed: %s", ("line one\nline two \x1b[2J postgresql://u:s3cret@h/d",), None,
    )  # fmt: skip
    line = OneLine("deskui web: %(message)s").format(record)
    assert "\n" not in line and "\x1b" not in line and "s3cret" not in line
    assert line.startswith("deskui web: desk failed: line one\\nline two \\x1b[2J")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("service", ["web", "phone"])
def test_each_service_logs_its_events_to_stdout_one_line_each(
    service: str, tmp_path: Path
) -> None:
    database = sqlite_copy(tmp_path / "site.db", DEMO)  # the demo's people, for a sign-in
    database.dispose()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DESKUI_DATA_DIR": str(tmp_path)}
    env["DESKUI_PHONE_TOKEN"] = TOKEN
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    argv = [sys.executable, "-m", "deskui", "--demo", "--db", f"sqlite:///{tmp_path / 'site.db'}"]
    argv += ["web"] if service == "web" else ["phone", "serve"]
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([*argv, "--port", str(port)], env=env, stdout=stdout,
                                   stderr=stderr, cwd=tmp_path)  # fmt: skip
    try:
        wait_port(port, process=process)
        assert _get(f"http://127.0.0.1:{port}/healthz") == (200, "ok\n")
        if service == "phone":  # an event: a post with a wrong token
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/cti/wrong", data=b"{}", method="POST"
            )
            assert _get_request(request) == 401
            wanted = "deskui phone: 401 from 127.0.0.1: wrong token"
        else:  # an event: a wrong sign-in is refused
            form = b"name=%E7%8E%8B%E8%8A%B3&password=wrong-one"
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/sign-in", data=form, method="POST",
                headers={"Origin": f"http://127.0.0.1:{port}"},
            )  # fmt: skip
            _get_request(request)
            wanted = "deskui web: deskui.web sign-in refused"
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = out.read_text("utf-8").splitlines()
    assert any(line.startswith(wanted) for line in lines), lines
    assert err.read_text("utf-8") == ""
    assert TOKEN not in out.read_text("utf-8") and "wrong-one" not in out.read_text("utf-8")


def _get_request(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
