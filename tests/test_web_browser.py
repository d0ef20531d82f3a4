"""`deskui web` in Debian's headless chromium with a CJK font (issue 23), driven over the
DevTools protocol: anonymous page loads start no desk; a bad password is refused on the page;
two agents sign in in two tabs (two browser profiles, as on two machines) and each sees their
own desk; a screenshot is kept. Needs /usr/bin/chromium and fonts-noto-cjk, which .ci/run
installs: without them this test fails, it does not skip."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, WSMsgType, web

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.services import accounts
from deskui.services.accounts import AddAgent
from deskui.web import host as web_host
from deskui.web.host import HostOptions, WebHost
from tests.conftest import FIXED_NOW

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
)
SHOTS = os.environ.get("DESKUI_WEB_SHOTS")
"""Where to keep the screenshots as well (to look at them); they always go to tmp_path."""


class DevTools:
    """A minimal DevTools-protocol client over one browser websocket (flattened sessions)."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            body = json.loads(message.data)
            future = self.waiting.pop(body.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(body)

    async def send(self, method: str, session: str | None = None, **params: Any) -> Any:
        number = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[number] = future
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.websocket.send_str(json.dumps(message))
        body = await asyncio.wait_for(future, 60)
        if "error" in body:
            raise RuntimeError(f"{method}: {body['error']}")
        return body.get("result", {})

    async def tab(self, url: str) -> str:
        """A new tab in a browser profile of its own; its session id."""
        context = (await self.send("Target.createBrowserContext"))["browserContextId"]
        target = (await self.send("Target.createTarget", url=url, browserContextId=context))[
            "targetId"
        ]
        session = (await self.send("Target.attachToTarget", targetId=target, flatten=True))[
            "sessionId"
        ]
        await self.send("Runtime.enable", session)
        return session

    async def evaluate(self, session: str, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", session, expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    async def until(self, session: str, expression: str, seconds: float = 60) -> Any:
        """Poll a page expression until it is truthy (the desk's start is a process start)."""
        for _ in range(int(seconds * 10)):
            with contextlib.suppress(RuntimeError):
                value = await self.evaluate(session, expression)
                if value:
                    return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"never true: {expression}")

    async def sign_in(self, session: str, name: str, password: str) -> None:
        await self.until(session, "document.readyState === 'complete' && !!document.forms[0]")
        await self.evaluate(
            session,
            f"document.getElementById('name').value = {json.dumps(name)};"
            f"document.getElementById('password').value = {json.dumps(password)};"
            "document.getElementById('submit').click(); true",
        )

    async def screenshot(self, session: str, path: Path) -> bytes:
        data = base64.b64decode(
            (await self.send("Page.captureScreenshot", session, format="png"))["data"]
        )
        path.write_bytes(data)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(SHOTS) / path.name)
        return data

    async def close(self) -> None:
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[DevTools]:
    process = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            assert process.poll() is None, "chromium ended at start"
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        async with (
            ClientSession() as client,
            client.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as websocket,
        ):
            tools = DevTools(websocket)
            try:
                yield tools
            finally:
                await tools.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Painted:
    """What each desk sent its browser tab, as text (escape sequences taken out)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: dict[int, bytearray] = {}
        real = web_host.DeskProcess.on_data
        sent = self.sent

        async def on_data(desk: web_host.DeskProcess, payload: bytes) -> None:
            sent.setdefault(id(desk), bytearray()).extend(payload)
            await real(desk, payload)

        monkeypatch.setattr(web_host.DeskProcess, "on_data", on_data)

    def text(self) -> list[str]:
        return [
            re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(data)).decode("utf-8", "replace")
            for data in self.sent.values()
        ]


def _desk_starts(database: Database) -> set[tuple[str, str]]:
    with UnitOfWork(database) as uow:
        return {(line.agent_name, line.outcome) for line in uow.audit.search(action="web_desk")}


def _fonts_with_chinese() -> str:
    return subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout


async def test_sign_in_and_two_desks_in_headless_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: apt-get install chromium"
    assert "Noto Sans CJK" in _fonts_with_chinese(), "apt-get install fonts-noto-cjk"
    database = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    database.upgrade()
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(
            uow, None, AddAgent("刘洋", Role.MANAGER, "manager-pass-1"), FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, "agent-pass-11"), FIXED_NOW)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    host = WebHost(
        database,
        FixedClock(FIXED_NOW),
        HostOptions(),
        web_host.desk_argv(False, "zh-CN", None),
        database.url.render_as_string(hide_password=False),
    )
    painted = Painted(monkeypatch)
    runner = web.AppRunner(host.application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/"
    try:
        async with chromium(tmp_path / "profile") as tools:
            # twenty anonymous tabs: a sign-in page each, and no desk process
            anonymous = [await tools.tab(url) for _ in range(20)]
            for session in anonymous:
                await tools.until(session, "!!document.getElementById('password')")
            assert host.spawned == 0 and not host.desk_processes
            for session in anonymous:
                await tools.send("Page.close", session)

            # a bad password: the page says so, and no desk starts
            stranger = await tools.tab(url)
            await tools.sign_in(stranger, "王芳", "not-her-password")
            said = await tools.until(stranger, "document.getElementById('message')?.textContent")
            assert said == "姓名或密码不对"
            await tools.screenshot(stranger, tmp_path / "web-bad-password.png")
            assert host.spawned == 0

            # two agents in two tabs, each at their own desk
            wang = await tools.tab(url)
            await tools.sign_in(wang, "王芳", "agent-pass-11")
            liu = await tools.tab(url)
            await tools.sign_in(liu, "刘洋", "manager-pass-1")
            for session in (wang, liu):
                await tools.until(
                    session, "document.body.classList.contains('-first-byte')", seconds=90
                )
            assert host.spawned == 2 and sorted(host.desks) == sorted([manager.id, manager.id + 1])
            for _ in range(600):  # each desk checks its hand-over once its database is open
                if _desk_starts(database) == {("王芳", "ok"), ("刘洋", "ok")} and all(
                    any(f"坐席：{name}" in text for text in painted.text())
                    for name in ("王芳", "刘洋")
                ):
                    break
                await asyncio.sleep(0.1)
            assert _desk_starts(database) == {("王芳", "ok"), ("刘洋", "ok")}
            # what went down each tab's websocket: one desk signed in as each of them
            desks = painted.text()
            assert len(desks) == 2
            assert sorted("坐席：王芳" in text for text in desks) == [False, True]
            assert sorted("坐席：刘洋" in text for text in desks) == [False, True]
            for session in (wang, liu):
                assert (
                    await tools.evaluate(session, "document.body.classList.contains('-closed')")
                    is False
                )
            await asyncio.sleep(2)  # the signed-in desk's next frame, for the screenshot
            shot = await tools.screenshot(wang, tmp_path / "web-desk-wangfang.png")
            assert shot.startswith(b"\x89PNG") and len(shot) > 20_000
            await tools.screenshot(liu, tmp_path / "web-desk-liuyang.png")
            connected = await tools.evaluate(  # the address the browser used, not --host's
                wang,
                "document.getElementById('terminal').dataset.sessionWebsocketUrl"
                " === 'ws://' + location.host + '/ws'",
            )
            assert connected is True
    finally:
        await runner.cleanup()
        database.dispose()
    print(f"screenshots in {tmp_path}", file=sys.stderr)


async def test_a_dropped_connection_comes_back_to_the_same_desk_in_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 28: the network under a browser's desk drops (the connection cut without a
    goodbye): the desk process waits, the page says it is reconnecting and comes back by
    itself, and the same desk (the same process, so the screen and what was typed) is painted
    whole again on it; no second desk starts."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: apt-get install chromium"
    database = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    database.upgrade()
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(
            uow, None, AddAgent("刘洋", Role.MANAGER, "manager-pass-1"), FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, "agent-pass-11"), FIXED_NOW)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    connections: list[Any] = []
    real = WebHost.handle_websocket

    async def watched(self: WebHost, request: web.Request) -> web.StreamResponse:
        connections.append(request.transport)
        return await real(self, request)

    monkeypatch.setattr(WebHost, "handle_websocket", watched)
    host = WebHost(
        database,
        FixedClock(FIXED_NOW),
        HostOptions(reattach_seconds=120),
        web_host.desk_argv(False, "zh-CN", None),
        database.url.render_as_string(hide_password=False),
    )
    painted = Painted(monkeypatch)
    runner = web.AppRunner(host.application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stopped = False
    try:
        async with chromium(tmp_path / "profile") as tools:
            wang = await tools.tab(f"http://127.0.0.1:{port}/")
            await tools.sign_in(wang, "王芳", "agent-pass-11")
            await tools.until(wang, "document.body.classList.contains('-first-byte')", 90)
            for _ in range(600):
                if any("坐席：王芳" in text for text in painted.text()):
                    break
                await asyncio.sleep(0.1)
            [desk] = host.desk_processes
            pid = desk.pid
            assert len(connections) == 1
            # F2, the incoming call's form, and a caller's number typed into it
            await tools.evaluate(wang, "document.querySelector('textarea')?.focus(); true")
            for event in ("rawKeyDown", "keyUp"):
                await tools.send("Input.dispatchKeyEvent", wang, type=event, key="F2",
                                 code="F2", windowsVirtualKeyCode=113)  # fmt: skip
            await asyncio.sleep(1)
            await tools.send("Input.insertText", wang, text="13912345678")
            for _ in range(600):
                if any("13912345678" in text for text in painted.text()):
                    break
                await asyncio.sleep(0.1)
            assert any("13912345678" in text for text in painted.text())

            await asyncio.sleep(2)  # the desk's first frames painted; only changes follow
            before = len(painted.sent[id(desk)])
            connections[0].abort()  # the network drops: no close frame, the TCP connection gone
            for _ in range(600):  # the page notices, says so, and comes back by itself
                if not host.waiting and len(connections) == 2 and desk.websocket is not None:
                    break
                await asyncio.sleep(0.1)
            assert len(connections) == 2 and not host.waiting
            [still] = host.desk_processes
            assert still is desk and desk.pid == pid and desk.running and host.spawned == 1
            for _ in range(600):  # the whole form again, the number typed in it
                again = bytes(painted.sent[id(desk)][before:])
                shown = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", again).decode("utf-8", "replace")
                if "来电登记" in shown and "13912345678" in shown:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the desk was not painted again after it came back")
            await tools.until(wang, "document.body.classList.contains('-first-byte')", 60)
            for state in ("-closed", "-reconnecting", "-restarted"):
                shown = await tools.evaluate(wang, f"document.body.classList.contains('{state}')")
                assert shown is False, state
            await tools.screenshot(wang, tmp_path / "web-desk-reattached.png")

            await runner.cleanup()  # deskui web itself restarts: the page says so
            stopped = True
            said = await tools.until(
                wang,
                "document.body.classList.contains('-restarted')"
                " && document.getElementById('restarted').innerText",
            )
            assert "工位服务已重启" in said and "请重新登录" in said
            assert not host.desk_processes
    finally:
        if not stopped:
            await runner.cleanup()
        database.dispose()
