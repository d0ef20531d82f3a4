"""`deskui web` tried as an attacker would (issue 23): anonymous tabs cost no process, a wrong
password is refused and audited and counts toward the lock, a client guessing is throttled,
a foreign Origin, an oversized terminal, the cookie's flags, --agent with DESKUI_PASSWORD,
and no database password on any desk's command line. The server is the real aiohttp
application on a test server; a desk is a small stand-in process recording what it was given
(one test runs the real desk)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, DummyCookieJar, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.services import accounts
from deskui.services.accounts import AddAgent
from deskui.web import host as web_host
from deskui.web.host import COOKIE, HostOptions, WebHost, clamp_size
from tests.conftest import FIXED_NOW
from tests.databases import sqlite_copy

SECRET = "manager-secret-1"
AGENT_SECRET = "agent-secret-11"
DB_PASSWORD = "pg-Secret-42"

FAKE_DESK = r"""
import json, os, stat, sys
out = os.environ["FAKE_DESK_OUT"]
grant = os.environ["DESKUI_WEB_GRANT"]
info = os.stat(grant)
folder = os.stat(os.path.dirname(grant))
with open(grant, encoding="utf-8") as stream:
    body = json.load(stream)
os.unlink(grant)
record = {
    "argv": sys.argv,
    "env": dict(os.environ),
    "grant": body,
    "grant_mode": stat.S_IMODE(info.st_mode),
    "folder_mode": stat.S_IMODE(folder.st_mode),
    "meta": [],
}
def save():
    with open(out, "w", encoding="utf-8") as stream:
        json.dump(record, stream)
save()
sys.stdout.write("__GANGLION__\n")
sys.stdout.flush()
def send(kind, payload):
    sys.stdout.buffer.write(kind + len(payload).to_bytes(4, "big") + payload)
    sys.stdout.buffer.flush()
send(b"D", b"desk is up")
while True:
    kind = sys.stdin.buffer.read(1)
    if not kind:
        break
    size = int.from_bytes(sys.stdin.buffer.read(4), "big")
    payload = sys.stdin.buffer.read(size)
    if kind == b"M":
        meta = json.loads(payload)
        record["meta"].append(meta)
        save()
        if meta["type"] == "quit":
            break
        send(b"D", b"meta seen")
"""


def _add_accounts(database: Database) -> None:
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(uow, None, AddAgent("刘洋", Role.MANAGER, SECRET), FIXED_NOW)
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, AGENT_SECRET), FIXED_NOW)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """For what does not depend on the backend: the host's own rules."""
    database = sqlite_copy(tmp_path / "web.db")  # migrated (tests/databases.py)
    yield database
    database.dispose()


class Spawns:
    """Every desk process the host starts (the real create_subprocess_exec, counted)."""

    def __init__(self) -> None:
        self.argv: list[tuple[str, ...]] = []


@pytest.fixture
def spawns(monkeypatch: pytest.MonkeyPatch) -> Spawns:
    seen = Spawns()
    real = asyncio.create_subprocess_exec

    async def counted(*argv: str, **kwargs: object) -> asyncio.subprocess.Process:
        seen.argv.append(tuple(argv))
        return await real(*argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web_host.asyncio, "create_subprocess_exec", counted)
    return seen


def _host(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    url: str | None = None,
    **options: object,
) -> WebHost:
    monkeypatch.setenv("FAKE_DESK_OUT", str(tmp_path / "desk.json"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    script = tmp_path / "fake_desk.py"
    script.write_text(FAKE_DESK, encoding="utf-8")
    return WebHost(
        database,
        FixedClock(FIXED_NOW),
        HostOptions(**options),  # type: ignore[arg-type]
        [sys.executable, str(script)],
        url or database.url.render_as_string(hide_password=False),
    )


@pytest.fixture
async def make_client() -> AsyncIterator:
    clients: list[TestClient] = []

    async def make(host: WebHost) -> TestClient:
        client = TestClient(TestServer(host.application()), cookie_jar=DummyCookieJar())
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


def _origin(client: TestClient) -> dict[str, str]:
    return {"Origin": f"http://{client.host}:{client.port}"}


def _signed(client: TestClient, cookie: str | None) -> dict[str, str]:
    return {**_origin(client), "Cookie": f"{COOKIE}={cookie}"}


async def _sign_in(
    client: TestClient, name: str, password: str, headers: dict[str, str] | None = None
) -> tuple[int, str, str | None]:
    response = await client.post(
        "/sign-in",
        data={"name": name, "password": password},
        headers={**_origin(client), **(headers or {})},
        allow_redirects=False,
    )
    cookie = response.cookies.get(COOKIE)
    return response.status, await response.text(), cookie.value if cookie else None


def _audit(database: Database, action: str) -> list[tuple[str, str]]:
    with UnitOfWork(database) as uow:
        return [(line.agent_name, line.outcome) for line in uow.audit.search(action=action)]


async def _first_bytes(websocket: object) -> bytes:
    message = await asyncio.wait_for(websocket.receive(), 30)  # type: ignore[attr-defined]
    assert message.type == WSMsgType.BINARY, message
    return message.data


async def test_anonymous_page_loads_and_websockets_spawn_no_desk(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    database = sqlite_database
    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch)
    client = await make_client(host)
    for n in range(20):
        page = await client.get("/")
        assert page.status == 200
        assert 'action="sign-in"' in await page.text()
        headers = _signed(client, f"forged-{n}") if n % 2 else _origin(client)
        with pytest.raises(Exception, match="403"):
            await client.ws_connect("/ws", headers=headers)
    assert spawns.argv == []
    assert host.spawned == 0
    assert host.sessions == {}


async def test_wrong_password_is_refused_and_audited(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    status, page, cookie = await _sign_in(client, "王芳", "not-her-password")
    assert status == 200 and cookie is None
    assert "姓名或密码不对" in page
    status, page, cookie = await _sign_in(client, "nobody", "whatever-1")
    assert cookie is None and "姓名或密码不对" in page  # an unknown name: the same answer
    assert ("王芳", "wrong") in _audit(database, "sign_in")
    assert ("nobody", "wrong") in _audit(database, "sign_in")
    with UnitOfWork(database) as uow:
        details = [line.detail for line in uow.audit.search(action="sign_in", person="王芳")]
    assert details[0].get("entry") == "web" and details[0].get("client") == "127.0.0.1"
    assert spawns.argv == []


async def test_an_account_without_a_password_gets_the_answer_any_wrong_one_gets(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    """An anonymous visitor cannot learn which names are accounts still waiting for a
    password: the page says what it says to any wrong password; the audit keeps the truth."""
    _add_accounts(database)
    with UnitOfWork(database) as uow:
        uow.agents.add_agent("陈静", Role.AGENT, FIXED_NOW)  # no password given yet
        uow.commit()
    client = await make_client(_host(database, tmp_path, monkeypatch))
    status, page, cookie = await _sign_in(client, "陈静", "a-guess-123")
    assert status == 200 and cookie is None
    assert "姓名或密码不对" in page and "还没有密码" not in page
    assert ("陈静", "no_password") in _audit(database, "sign_in")
    assert spawns.argv == []


async def test_five_wrong_web_passwords_lock_the_account(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch, client_attempts=50))
    for _ in range(5):
        _status, _page, cookie = await _sign_in(client, "王芳", "wrong-password")
        assert cookie is None
    with UnitOfWork(database) as uow:
        account = uow.accounts.account("王芳")
        assert account is not None and account.locked_until is not None
    _status, page, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    assert cookie is None
    assert "已锁定" in page
    assert _audit(database, "lock") == [("王芳", "ok")]


async def test_a_guessing_client_is_throttled_before_the_database(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch, client_attempts=3, trusted_proxies=("127.0.0.1",))
    client = await make_client(host)
    outsider = {"X-Forwarded-For": "203.0.113.9"}
    for name in ("王芳", "刘洋", "张伟"):  # guessing names, one try each
        status, _page, _cookie = await _sign_in(client, name, "guess-guess", outsider)
        assert status == 200
    audited = len(_audit(database, "sign_in"))
    status, page, cookie = await _sign_in(client, "王芳", AGENT_SECRET, outsider)
    assert status == 429 and cookie is None
    assert "此地址输错密码次数太多" in page
    assert len(_audit(database, "sign_in")) == audited  # not even asked: no lock count
    # a spoofed header on the proxy's line cannot step around it: the proxy appends the real one
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    status, _page, cookie = await _sign_in(client, "王芳", AGENT_SECRET, spoofed)
    assert status == 429 and cookie is None
    # the agent at her own desk, another address behind the same proxy, signs in
    status, _page, cookie = await _sign_in(
        client, "王芳", AGENT_SECRET, {"X-Forwarded-For": "10.0.0.7"}
    )
    assert status == 303 and cookie


async def test_forwarded_address_is_ignored_without_a_trusted_proxy(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    database = sqlite_database
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch, client_attempts=2))
    for n in range(2):
        await _sign_in(client, "王芳", "guess-guess", {"X-Forwarded-For": f"192.0.2.{n}"})
    status, _page, cookie = await _sign_in(
        client, "王芳", AGENT_SECRET, {"X-Forwarded-For": "192.0.2.99"}
    )
    assert status == 429 and cookie is None  # a made-up header is no new client


async def test_foreign_origin_is_refused(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    database = sqlite_database
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    status, _page, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    assert status == 303 and cookie
    for headers in ({"Origin": "http://evil.example"}, {}):
        with pytest.raises(Exception, match="403"):
            await client.ws_connect("/ws", headers={**headers, "Cookie": f"{COOKIE}={cookie}"})
    refused = await client.post(
        "/sign-in",
        data={"name": "王芳", "password": AGENT_SECRET},
        headers={"Origin": "http://evil.example"},
        allow_redirects=False,
    )
    assert refused.status == 403 and COOKIE not in refused.cookies
    assert spawns.argv == []


def test_terminal_size_is_clamped() -> None:
    assert clamp_size("1000", "1000") == (400, 200)
    assert clamp_size(120, 36) == (120, 36)
    assert clamp_size("-5", "0") == (20, 6)
    assert clamp_size("lots", None) == (80, 24)
    assert clamp_size("9" * 5000, "1e9") == (400, 24)


async def test_oversized_terminal_is_clamped_at_start_and_on_resize(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    database = sqlite_database
    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch)
    client = await make_client(host)
    _status, _page, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    websocket = await client.ws_connect(
        "/ws?width=1000&height=1000", headers=_signed(client, cookie)
    )
    assert await _first_bytes(websocket) == b"desk is up"
    await websocket.send_str(json.dumps(["resize", {"width": 5000, "height": 3000}]))
    assert await _first_bytes(websocket) == b"meta seen"
    await websocket.send_str("not json")
    await websocket.send_str(json.dumps({"stdin": "x"}))
    await websocket.send_str(json.dumps(["resize", {"width": 132, "height": 43}]))
    assert await _first_bytes(websocket) == b"meta seen"
    await websocket.close()
    record = json.loads((tmp_path / "desk.json").read_text(encoding="utf-8"))
    assert (record["env"]["COLUMNS"], record["env"]["ROWS"]) == ("400", "200")
    sizes = [(m["width"], m["height"]) for m in record["meta"] if m["type"] == "resize"]
    assert sizes == [(400, 200), (132, 43)]
    assert len(spawns.argv) == 1


async def test_cookie_flags(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    database = sqlite_database
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    response = await client.post(
        "/sign-in",
        data={"name": "王芳", "password": AGENT_SECRET},
        headers=_origin(client),
        allow_redirects=False,
    )
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Secure" not in header
    assert len(response.cookies[COOKIE].value) >= 40
    tls = _host(database, tmp_path, monkeypatch, public_url="https://desk.example.com")
    secure = await make_client(tls)
    response = await secure.post(
        "/sign-in",
        data={"name": "王芳", "password": AGENT_SECRET},
        headers={"Origin": "https://desk.example.com"},
        allow_redirects=False,
    )
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header


async def test_no_database_password_on_a_desk_command_line(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    database = sqlite_database
    _add_accounts(database)
    monkeypatch.setenv("DESKUI_PASSWORD", AGENT_SECRET)
    monkeypatch.setenv("DESKUI_DATABASE_URL", f"postgresql+psycopg://deskui:{DB_PASSWORD}@db/x")
    url = f"postgresql+psycopg://deskui:{DB_PASSWORD}@db.example/deskui"
    host = _host(database, tmp_path, monkeypatch, url=url)
    client = await make_client(host)
    _status, _page, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    websocket = await client.ws_connect("/ws", headers=_signed(client, cookie))
    assert await _first_bytes(websocket) == b"desk is up"
    await websocket.close()
    record = json.loads((tmp_path / "desk.json").read_text(encoding="utf-8"))
    assert not any(DB_PASSWORD in arg for arg in record["argv"])
    assert not any(DB_PASSWORD in arg for argv in spawns.argv for arg in argv)
    assert not any(DB_PASSWORD in value for value in record["env"].values())
    assert not any(AGENT_SECRET in value for value in record["env"].values())
    assert "王芳" not in " ".join(record["argv"]) + json.dumps(record["env"])
    assert record["grant"]["database_url"] == url and record["grant"]["name"] == "王芳"
    assert (record["grant_mode"], record["folder_mode"]) == (0o600, 0o700)
    assert host.folder is not None and list(host.folder.iterdir()) == []


def test_desk_command_line_names_no_database_and_no_agent() -> None:
    argv = web_host.desk_argv(True, "en", "2026-11-23T09:00+08:00")
    assert argv[1:] == ["-m", "deskui", "--lang", "en", "--demo", "--now", "2026-11-23T09:00+08:00"]


async def test_desks_are_limited_per_agent_and_in_all(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    database = sqlite_database
    _add_accounts(database)
    host = _host(  # a closed tab's desk ends at once: no wait for its browser to come back
        database, tmp_path, monkeypatch, max_desks=2, max_desks_per_agent=1, reattach_seconds=0
    )
    client = await make_client(host)
    _s, _p, agent = await _sign_in(client, "王芳", AGENT_SECRET)
    _s, _p, manager = await _sign_in(client, "刘洋", SECRET)
    _s, _p, manager_again = await _sign_in(client, "刘洋", SECRET)
    first = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert await _first_bytes(first) == b"desk is up"
    second = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert "您已打开 1 个工位" in (await _first_bytes(second)).decode()
    third = await client.ws_connect("/ws", headers=_signed(client, manager))
    assert await _first_bytes(third) == b"desk is up"
    fourth = await client.ws_connect("/ws", headers=_signed(client, manager_again))
    assert "已达上限（2 个）" in (await _first_bytes(fourth)).decode()
    assert len(spawns.argv) == 2
    await first.close()
    await third.close()
    for _ in range(100):  # the host counts a desk gone once its process has ended
        if not host.desk_processes:
            break
        await asyncio.sleep(0.05)
    again = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert await _first_bytes(again) == b"desk is up"
    await again.close()


async def test_one_time_password_is_changed_before_any_desk(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    _add_accounts(database)
    with UnitOfWork(database) as uow:
        manager = accounts.sign_in(uow, None, accounts.SignIn("刘洋", SECRET), FIXED_NOW).actor
    with UnitOfWork(database) as uow:
        once = accounts.reset_password(uow, manager, "王芳", FIXED_NOW)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    status, _page, cookie = await _sign_in(client, "王芳", once)
    assert status == 303 and cookie
    page = await (await client.get("/", headers=_signed(client, cookie))).text()
    assert 'action="password"' in page and "一次性密码" in page
    with pytest.raises(Exception, match="403"):
        await client.ws_connect("/ws", headers=_signed(client, cookie))
    short = await client.post(
        "/password",
        data={"new": "short", "repeat": "short"},
        headers=_signed(client, cookie),
        allow_redirects=False,
    )
    assert short.status == 200 and 'action="password"' in await short.text()
    changed = await client.post(
        "/password",
        data={"new": "her-own-pass-9", "repeat": "her-own-pass-9"},
        headers=_signed(client, cookie),
        allow_redirects=False,
    )
    assert changed.status == 303
    assert spawns.argv == []
    with UnitOfWork(database) as uow:
        account = uow.accounts.account("王芳")
        assert account is not None and not account.must_change_password
    page = await (await client.get("/", headers=_signed(client, cookie))).text()
    assert "textual-terminal" in page


async def test_an_empty_database_offers_no_first_manager_form(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    client = await make_client(_host(database, tmp_path, monkeypatch))
    page = await (await client.get("/")).text()
    assert "deskui agent add 姓名 --role manager" in page
    assert "<form" not in page and "password" not in page.lower().replace("--role", "")
    status, _page, cookie = await _sign_in(client, "me", "new-password-1")
    assert status == 403 and cookie is None
    with UnitOfWork(database) as uow:
        assert accounts.needs_first_manager(uow)


async def test_the_page_connects_where_the_browser_came_from(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    database = sqlite_database
    _add_accounts(database)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    _s, _p, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    page = await (await client.get("/", headers=_signed(client, cookie))).text()
    assert "var fixed = null;" in page and "location.href" in page
    assert "0.0.0.0" not in page and "ws://" not in page
    behind = _host(database, tmp_path, monkeypatch, public_url="https://desk.example.com/floor")
    proxied = await make_client(behind)
    response = await proxied.post(
        "/sign-in",
        data={"name": "王芳", "password": AGENT_SECRET},
        headers={"Origin": "https://desk.example.com"},
        allow_redirects=False,
    )
    cookie = response.cookies[COOKIE].value
    page = await (await proxied.get("/", headers=_signed(proxied, cookie))).text()
    assert 'var fixed = "wss://desk.example.com/floor/ws";' in page


async def test_nothing_logged_holds_a_password_or_a_cookie(
    sqlite_database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = sqlite_database
    _add_accounts(database)
    caplog.set_level(logging.DEBUG)
    client = await make_client(_host(database, tmp_path, monkeypatch))
    await _sign_in(client, "王芳", "a-wrong-one-77")
    _s, _p, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    assert cookie
    await client.get("/", headers=_signed(client, cookie))
    text = caplog.text
    assert "a-wrong-one-77" not in text and AGENT_SECRET not in text and cookie not in text
    assert "sign-in refused (wrong)" in text
    assert not any(
        type(handler).__name__ == "RichHandler" for handler in logging.getLogger().handlers
    )


def test_web_agent_with_a_password_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from deskui.cli import main

    monkeypatch.setenv("DESKUI_PASSWORD", AGENT_SECRET)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", url, "--lang", "en", "web", "--agent", "王芳", "--port", "1"]) == 2
    said = capsys.readouterr().err
    assert "--agent has no meaning here" in said and "DESKUI_PASSWORD" in said
    assert not (tmp_path / "x.db").exists()  # refused before the database was opened


async def test_the_real_desk_starts_signed_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    """The one test with the real desk process: signed in on the page, it opens at work."""
    database = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    database.upgrade()
    _add_accounts(database)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    host = WebHost(
        database,
        FixedClock(FIXED_NOW),
        HostOptions(),
        web_host.desk_argv(False, "zh-CN", None),
        database.url.render_as_string(hide_password=False),
    )
    client = await make_client(host)
    _s, _p, cookie = await _sign_in(client, "王芳", AGENT_SECRET)
    websocket = await client.ws_connect("/ws?width=100&height=30", headers=_signed(client, cookie))
    await websocket.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
    seen = b""
    for _ in range(400):
        message = await asyncio.wait_for(websocket.receive(), 60)
        if message.type != WSMsgType.BINARY:
            break
        seen += message.data
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace")
        if "王芳" in text and re.search("f3 ?投诉", text):  # the footer roomy or tight
            break
    assert "王芳" in text and re.search("f3 ?投诉", text)
    await websocket.close()
    with UnitOfWork(database) as uow:
        starts = uow.audit.search(action="web_desk")
    assert [(line.agent_name, line.outcome) for line in starts] == [("王芳", "ok")]
    assert host.folder is not None and list(host.folder.iterdir()) == []


async def test_a_real_server_on_a_free_port_serves_the_sign_in_page(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = sqlite_database
    from aiohttp import web

    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch)
    runner = web.AppRunner(host.application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with ClientSession() as session:
            page = await (await session.get(f"http://127.0.0.1:{port}/")).text()
            assert "登录工位" in page and 'lang="zh-CN"' in page
            assert host.folder is not None
            assert stat.S_IMODE(os.stat(host.folder).st_mode) == 0o700
    finally:
        await runner.cleanup()
    assert not host.folder.exists()


async def test_demo_people_sign_in_without_a_password_only_under_demo(
    demo_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    plain = await make_client(_host(demo_database, tmp_path, monkeypatch))
    for password in ("", "guess-guess"):
        status, page, cookie = await _sign_in(plain, "王芳", password)
        assert cookie is None and "deskui agent add" in page  # no password anywhere yet
    demo = await make_client(_host(demo_database, tmp_path, monkeypatch, demo=True))
    assert "演示账号密码留空即可登录" in await (await demo.get("/")).text()
    status, _page, cookie = await _sign_in(demo, "王芳", "")
    assert status == 303 and cookie
    with UnitOfWork(demo_database) as uow:
        lines = [(line.agent_name, line.outcome) for line in uow.audit.search(action="sign_in")]
    assert lines == [("王芳", "demo")]


async def test_a_database_fault_is_one_plain_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "folder.db").mkdir()  # a database file that is a folder: nothing opens it
    broken = Database(f"sqlite:///{tmp_path / 'folder.db'}")
    client = await make_client(_host(broken, tmp_path, monkeypatch))
    caplog.set_level(logging.DEBUG)
    response = await client.post(
        "/sign-in",
        data={"name": "王芳", "password": "typed-secret-5"},
        headers=_origin(client),
        allow_redirects=False,
    )
    assert response.status == 500
    assert "工位数据库没有应答" in await response.text()
    assert "OperationalError" in caplog.text
    assert "typed-secret-5" not in caplog.text and "Traceback" not in caplog.text


async def test_a_download_goes_only_to_the_session_whose_desk_made_it(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client
) -> None:
    database = sqlite_database
    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch)
    client = await make_client(host)
    _s, _p, hers = await _sign_in(client, "王芳", AGENT_SECRET)
    _s, _p, his = await _sign_in(client, "刘洋", SECRET)

    class Desk:  # a desk of her session delivering a file (Textual's deliver_binary)
        session_token = hers
        app_service_id = "desk-1"

        async def send_meta(self, _data: object) -> bool:
            return True

    await host.download_manager.create_download(
        app_service=Desk(),  # type: ignore[arg-type]
        delivery_key="k1",
        file_name="../../etc/回访 名单.csv",
        open_method="download",
        mime_type="text/csv",
    )
    for cookie in (None, his, "forged"):
        headers = _signed(client, cookie) if cookie else {}
        assert (await client.get("/download/k1", headers=headers)).status == 404
    meta = await host.download_manager.get_download_metadata("k1")
    for chunk in (b"a,b\n", b""):
        await meta.incoming_chunks.put(chunk)
    response = await client.get("/download/k1", headers=_signed(client, hers))
    assert response.status == 200 and await response.read() == b"a,b\n"
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"download.csv\"; "
        "filename*=UTF-8''%E5%9B%9E%E8%AE%BF%E5%90%8D%E5%8D%95.csv"
    )


async def test_a_dropped_tab_gets_its_desk_back_within_the_wait_and_a_new_one_after(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client, spawns
) -> None:
    """Issue 28: a browser whose connection drops comes back to the same desk process (the
    whole screen sent again: a change of size); another session does not get it; a desk
    whose browser stays away longer than the site's wait ends, and the next tab starts one."""
    database = sqlite_database
    _add_accounts(database)
    host = _host(database, tmp_path, monkeypatch, reattach_seconds=0.5)
    client = await make_client(host)
    _s, _p, agent = await _sign_in(client, "王芳", AGENT_SECRET)
    _s, _p, other = await _sign_in(client, "王芳", AGENT_SECRET)  # her second browser
    first = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert await _first_bytes(first) == b"desk is up"
    await first.close()  # the connection drops; the desk waits for this session
    for _ in range(100):
        if host.waiting:
            break
        await asyncio.sleep(0.02)
    assert len(host.waiting) == 1 and len(host.desk_processes) == 1
    back = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert await _first_bytes(back) == b"meta seen"  # the same desk, asked to paint again
    assert len(spawns.argv) == 1 and not host.waiting
    sizes: list[dict[str, object]] = []
    for _ in range(400):  # the fake desk paints no screenful: the host's 5 s wait, then back
        sizes = [m for m in json.loads((tmp_path / "desk.json").read_text())["meta"]
                 if m["type"] == "resize"]  # fmt: skip
        if len(sizes) >= 2:
            break
        await asyncio.sleep(0.05)
    assert len(sizes) == 2 and sizes[0] != sizes[1] and sizes[1]["height"] == 24
    elsewhere = await client.ws_connect("/ws", headers=_signed(client, other))
    assert await _first_bytes(elsewhere) == b"desk is up"  # not her other browser's desk
    assert len(spawns.argv) == 2
    await elsewhere.close()
    await back.close()
    for _ in range(200):  # past the wait, both desks end
        if not host.desk_processes and not host.waiting:
            break
        await asyncio.sleep(0.05)
    assert not host.desk_processes and not host.waiting and not host.desks
    again = await client.ws_connect("/ws", headers=_signed(client, agent))
    assert await _first_bytes(again) == b"desk is up"
    assert len(spawns.argv) == 3
    # from here the wait is long, so only the sign-out can end this desk (a loaded host
    # must not let the 0.5 s timer end it first and the test pass or fail by luck)
    host.options = dataclasses.replace(host.options, reattach_seconds=60.0)
    await again.close()
    for _ in range(100):
        if host.waiting:
            break
        await asyncio.sleep(0.02)
    assert host.waiting  # and signing out ends the desk waiting for this browser at once
    response = await client.post("/sign-out", headers=_signed(client, agent), allow_redirects=False)
    assert response.status == 303
    assert not host.waiting and not host.desk_processes and not host.desks
