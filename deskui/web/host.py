"""`deskui web`'s server (issue 23): the aiohttp server textual-serve runs on, with sign-in
before any desk process.

- `GET /` shows the sign-in page (no process, no database write); a right password
  (`services.accounts.sign_in` on the desk's database: the same lock, the same audit) gives a
  session cookie (random, HttpOnly, SameSite=Strict, Secure behind https); a one-time password
  is changed on the page (`services.accounts.change_password`) before any desk starts.
- `GET /ws` with a signed-in session's cookie, from the page's own origin, within the limits on
  desks (per account and in all), spawns one desk with the terminal size clamped, and hands it
  who signed in in a 0600 file (deskui/web/grant.py): not in its argv or environment.
- Wrong sign-ins are throttled per client address (the proxy's X-Forwarded-For only from a
  `--trusted-proxy`), before the database is asked, so guessing names cannot lock the floor.

Nothing here logs a password, a cookie or a traceback's locals: textual-serve's own logging
(Rich tracebacks with locals) is never installed; a fault is logged by its type only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import secrets
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from aiohttp.typedefs import Handler
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import SignInOutcome
from deskui.domain.clock import SITE_TIMEZONE, Clock, site_zone
from deskui.services.accounts import (
    AccountRefused,
    DemoSignIn,
    SignedIn,
    SignIn,
    SignInRefused,
    change_password,
    demo_sign_in,
    needs_first_manager,
    sign_in,
)
from deskui.web import page
from deskui.web.grant import GRANT_ENV, runtime_folder, write_grant

log = logging.getLogger("deskui.web")

COOKIE = "deskui_session"
MAX_COLUMNS = 400
MAX_ROWS = 200
MIN_COLUMNS = 20
MIN_ROWS = 6
SESSION_HOURS = 12
HEALTH_SECONDS = 1.0
"""A health check's answer is reused this long: anonymous checks cannot load the database."""
THROTTLE_WINDOW = 15 * 60.0  # seconds
MAX_TRACKED_CLIENTS = 10_000
MAX_MESSAGE = 64 * 1024
STATIC = Path(textual_serve.__file__).parent / "static"
_ENV_KEPT_OUT = ("DESKUI_PASSWORD", "DESKUI_DATABASE_URL", GRANT_ENV)


@dataclass(frozen=True, slots=True)
class HostOptions:
    public_url: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    max_desks: int = 60
    max_desks_per_agent: int = 3
    client_attempts: int = 5
    locale: str = "zh-CN"
    site_timezone: str = SITE_TIMEZONE
    demo: bool = False
    """Started with --demo: the demo's people sign in with an empty password."""
    reattach_seconds: float = 60.0
    """How long a desk whose browser dropped its connection waits for the same signed-in
    browser to come back to it (issue 28); 0 ends it at once."""


@dataclass(slots=True)
class Session:
    signed: SignedIn
    must_change: bool
    started: float = field(default_factory=time.monotonic)


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size within 20x6 .. 400x200; anything not a number is 80x24."""

    def number(value: object, default: int) -> int:
        try:
            return int(str(value)[:8])
        except ValueError:
            return default

    columns = min(max(number(width, 80), MIN_COLUMNS), MAX_COLUMNS)
    rows = min(max(number(height, 24), MIN_ROWS), MAX_ROWS)
    return columns, rows


class Throttle:
    """Wrong sign-ins per client address in a sliding window; a client over the limit is
    answered without asking the database (no lock count, no password check)."""

    def __init__(self, attempts: int, window: float = THROTTLE_WINDOW) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
        return times

    def wait_minutes(self, client: str) -> int:
        """0 if the client may try; else the minutes until its oldest failure leaves."""
        now = time.monotonic()
        times = self._recent(client, now)
        if len(times) < self.attempts:
            return 0
        return max(1, int((times[0] + self.window - now) // 60) + 1)

    def failed(self, client: str) -> None:
        if client not in self._failures and len(self._failures) >= MAX_TRACKED_CLIENTS:
            oldest = min(self._failures, key=lambda c: self._failures[c][-1])
            del self._failures[oldest]
        self._failures.setdefault(client, deque()).append(time.monotonic())


def client_address(request: web.Request, trusted: Iterable[str]) -> str:
    """The client's address; behind a trusted proxy, the one its X-Forwarded-For appended
    (the rightmost address that is not itself a trusted proxy)."""
    remote = request.remote or "?"
    proxies = set(trusted)
    if remote not in proxies:
        return remote
    forwarded = request.headers.getall("X-Forwarded-For", [])
    hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a hop that is no address: trust nothing of the header
        if hop not in proxies:
            return hop
    return remote


class DeskProcess(AppService):
    """textual-serve's AppService (pinned at 1.1.3) starting deskui without a shell, with the
    hand-over's path as the only thing the environment says about who signed in."""

    def __init__(self, argv: list[str], grant: Path, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.grant = grant
        self.status: int | None = None
        self.session_token: str | None = None
        """The browser session that opened it: its downloads go to that session alone."""
        self.closed_by_desk = False
        """The desk itself closed its tab's connection (it ended): nothing to wait for."""
        self.websocket: web.WebSocketResponse | None = None

    def connect(self, websocket: web.WebSocketResponse) -> None:
        """Send the desk's screen down `websocket` from now on (at start, and again when the
        same browser comes back after a dropped connection)."""
        self.websocket = websocket
        self.remote_write_bytes = websocket.send_bytes
        self.remote_write_str = websocket.send_str

        async def close() -> None:
            self.closed_by_desk = True
            await websocket.close()

        self.remote_close = close

    def disconnect(self) -> None:
        """No browser for now: what the desk paints meanwhile is dropped (a reattached
        browser is sent the whole screen again)."""

        self.websocket = None

        async def nowhere(_data: Any) -> None:
            return None

        async def close() -> None:
            self.closed_by_desk = True

        self.remote_write_bytes = nowhere
        self.remote_write_str = nowhere
        self.remote_close = close

    async def repaint(self, width: int, height: int) -> None:
        """The whole screen to a page that came back: Textual paints all of it only on a
        change of size, and takes two changes within its debounce (1/120 s) as none, so
        the desk is resized by a row, the screenful it then paints awaited (a clock tick is
        a few bytes, a screen at least a byte for every other cell; 5 s at most), and
        resized back."""
        painted = asyncio.Event()
        enough = width * height // 2
        seen = 0
        send = self.remote_write_bytes

        async def counted(data: bytes) -> None:
            nonlocal seen
            seen += len(data)
            if seen >= enough:
                painted.set()
            await send(data)

        self.remote_write_bytes = counted
        try:
            await self.set_terminal_size(width, height - 1 if height > MIN_ROWS else height + 1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(painted.wait(), 5)
        finally:
            if self.remote_write_bytes is counted:
                self.remote_write_bytes = send
        await self.set_terminal_size(width, height)

    @property
    def running(self) -> bool:
        task = self._task
        return task is not None and not task.done() and not self.closed_by_desk

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in _ENV_KEPT_OUT:
            environment.pop(name, None)
        environment[GRANT_ENV] = str(self.grant)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def run(self) -> None:
        """AppService.run without echoing the desk's stderr into the host's log."""
        assert self._process is not None
        process = self._process
        stdout, stderr = process.stdout, process.stderr
        assert stdout is not None and stderr is not None

        async def drain_stderr() -> None:
            while await stderr.read(4096):
                pass

        stderr_task = asyncio.create_task(drain_stderr())
        try:
            for _ in range(10):
                line = await stdout.readline()
                if not line or line == b"__GANGLION__\n":
                    break
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == b"D":
                    await self.on_data(payload)
                elif kind == b"M":
                    await self.on_meta(payload)
                elif kind == b"P":
                    await self.on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            stderr_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stderr_task
            try:
                self.status = await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                self.status = await process.wait()
            with contextlib.suppress(OSError):
                self.grant.unlink()  # a desk that never read it leaves nothing behind

    async def stop(self) -> None:
        if self._task is not None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await self.send_meta({"type": "quit"})
            task, self._task = self._task, None
            await task


class WebHost:
    """The sign-in page, the sessions, the limits and the desks of one `deskui web`."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        options: HostOptions,
        desk_argv: list[str],
        database_url: str,
    ) -> None:
        self.database = database
        self.clock = clock
        self.options = options
        self.desk_argv = desk_argv
        self._database_url = database_url
        self.sessions: dict[str, Session] = {}
        self.desks: dict[int, int] = {}
        """Open desks per account id."""
        self.desk_processes: list[DeskProcess] = []
        self.throttle = Throttle(options.client_attempts)
        self.download_manager = DownloadManager()
        self.folder: Path | None = None
        self._first_manager: bool | None = None
        self._checks = asyncio.Semaphore(2)  # argon2 checks at once: the host keeps a core
        self.spawned = 0
        """Desk processes started since the host began (tests read it)."""
        self.waiting: dict[str, list[tuple[DeskProcess, asyncio.TimerHandle]]] = {}
        """Desks whose browser dropped its connection, by session, oldest first."""
        self._stopping_all = False
        self._endings: set[asyncio.Future[None]] = set()
        self._health_fault: BaseException | None = None
        self._health_at = -HEALTH_SECONDS
        self._health_lock = asyncio.Lock()

    # -- the application ---------------------------------------------------------------

    @web.middleware
    async def _faults(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A fault (the database down, say) is one log line naming its type, and a plain page:
        never a traceback, whose text or locals could hold a password or a cookie."""
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as error:
            log.error("%s %s failed: %s", request.method, request.path, type(error).__name__)
            return self._html(page.notice_page(self.options.locale, self._text("trouble")), 500)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024, middlewares=[self._faults])
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/healthz", self.handle_health),
                web.post("/sign-in", self.handle_sign_in),
                web.post("/password", self.handle_password),
                web.post("/sign-out", self.handle_sign_out),
                web.get("/ws", self.handle_websocket),
                web.get("/download/{key}", self.handle_download),
                web.static("/static", STATIC, show_index=False),
            ]
        )
        app.on_startup.append(self._started)
        app.on_shutdown.append(self._stopping)
        app.on_cleanup.append(self._cleaned)
        return app

    async def _started(self, _app: web.Application) -> None:
        self.folder = runtime_folder()

    async def _stopping(self, _app: web.Application) -> None:
        self._stopping_all = True
        for waiting in self.waiting.values():
            for _desk, timer in waiting:
                timer.cancel()
        self.waiting.clear()
        for desk in list(self.desk_processes):  # the pages say the host restarted
            if desk.websocket is not None and not desk.websocket.closed:
                with contextlib.suppress(Exception):
                    await desk.websocket.close(code=1012, message=b"restart")
        for desk in list(self.desk_processes):
            try:
                await desk.stop()
            except Exception as error:
                log.warning("desk did not stop cleanly: %s", type(error).__name__)

    async def _cleaned(self, _app: web.Application) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------

    def _html(self, body: str, status: int = 200) -> web.Response:
        response = web.Response(text=body, status=status, content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = (
            "same-origin"  # no-referrer makes a POST's Origin "null"
        )
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; "
            "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'"
        )
        return response

    def _text(self, key: str, **values: object) -> str:
        return page.text(self.options.locale, key, **values)

    def _session(self, request: web.Request) -> tuple[str, Session] | None:
        token = request.cookies.get(COOKIE, "")
        session = self.sessions.get(token) if token else None
        if session is None:
            return None
        if time.monotonic() - session.started > SESSION_HOURS * 3600:
            del self.sessions[token]
            return None
        return token, session

    def _origin_ok(self, request: web.Request) -> bool:
        """The Origin a browser sends is this page's own: `--public-url`'s, else the
        address the browser used (its Host header)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return False
        if self.options.public_url:
            wanted = urlsplit(self.options.public_url)
            return origin == f"{wanted.scheme}://{wanted.netloc}"
        host = request.headers.get("Host", "")
        return bool(host) and origin in (f"http://{host}", f"https://{host}")

    def _secure(self) -> bool:
        return bool(self.options.public_url and self.options.public_url.startswith("https:"))

    def _client(self, request: web.Request) -> str:
        return client_address(request, self.options.trusted_proxies)

    async def _in_thread(self, job: Callable[[], Any]) -> Any:
        async with self._checks:
            return await asyncio.get_running_loop().run_in_executor(None, job)

    async def _needs_first_manager(self) -> bool:
        if self._first_manager is False or self.options.demo:  # once a password, always so;
            return False  # a demo's people sign in without one

        def check() -> bool:
            with UnitOfWork(self.database) as uow:
                return needs_first_manager(uow)

        self._first_manager = await self._in_thread(check)
        return bool(self._first_manager)

    def _local(self, instant: datetime | None) -> str:
        if instant is None:
            return ""
        return instant.astimezone(site_zone(self.options.site_timezone)).strftime("%Y-%m-%d %H:%M")

    # -- pages ---------------------------------------------------------------------------

    async def handle_health(self, _request: web.Request) -> web.Response:
        """200 when the database answers, 503 with one line when not (issue 28): for the
        host's monitor and a proxy's check, anonymous, saying nothing of the database."""
        from deskui.data.trouble import health_fault

        async with self._health_lock:  # a flood of checks asks the database once a second
            if time.monotonic() - self._health_at >= HEALTH_SECONDS:
                fault = await asyncio.get_running_loop().run_in_executor(
                    None, health_fault, self.database
                )
                self._health_at = time.monotonic()
                if (fault is None) != (self._health_fault is None):  # a change: log it
                    if fault is None:
                        log.info("health: the database answers again")
                    else:
                        log.warning("health: the database does not answer: %s", _said(fault))
                self._health_fault = fault
        fault = self._health_fault
        body, status = ("ok\n", 200) if fault is None else ("database unavailable\n", 503)
        response = web.Response(text=body, status=status, content_type="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_index(self, request: web.Request) -> web.Response:
        found = self._session(request)
        locale = self.options.locale
        if found is not None:
            _token, session = found
            if session.must_change:
                return self._html(page.change_page(locale, session.signed.actor.name))
            return self._html(
                page.terminal_page(locale, session.signed.actor.name, self._websocket_url())
            )
        if await self._needs_first_manager():
            return self._html(page.notice_page(locale, self._text("no_account")))
        return self._html(page.sign_in_page(locale, demo=self.options.demo))

    def _websocket_url(self) -> str | None:
        if not self.options.public_url:
            return None  # the page builds it from location.host
        parts = urlsplit(self.options.public_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/ws"

    async def handle_sign_in(self, request: web.Request) -> web.StreamResponse:
        locale = self.options.locale
        if not self._origin_ok(request):
            return self._html(page.notice_page(locale, self._text("forbidden")), 403)
        client = self._client(request)
        wait = self.throttle.wait_minutes(client)
        form = await request.post()
        name = str(form.get("name", ""))[:80].strip()
        password = str(form.get("password", ""))[:200]
        if wait:
            message = self._text("throttled", minutes=wait)
            return self._html(
                page.sign_in_page(locale, demo=self.options.demo, name=name, message=message), 429
            )
        if await self._needs_first_manager():
            return self._html(page.notice_page(locale, self._text("no_account")), 403)
        if not name or not (password or self.options.demo):
            return self._html(
                page.sign_in_page(
                    locale, demo=self.options.demo, name=name, message=self._text("empty")
                )
            )

        def check() -> SignedIn:
            with UnitOfWork(self.database) as uow:
                if self.options.demo and not password:  # a demo person: only under --demo
                    demo = DemoSignIn(name, demo_process=True, entry="web")
                    return demo_sign_in(uow, None, demo, self.clock.now())
                attempt = SignIn(name, password, entry="web", client=client)
                return sign_in(uow, None, attempt, self.clock.now())

        try:
            signed: SignedIn = await self._in_thread(check)
        except SignInRefused as refused:
            self.throttle.failed(client)
            # an anonymous visitor learns nothing of which accounts still wait for a password
            hidden = refused.outcome == SignInOutcome.NO_PASSWORD
            key = "signin.refused.wrong" if hidden else refused.key
            message = page.text(locale, key, until=self._local(refused.until))
            log.info("sign-in refused (%s) from %s", refused.outcome, client)
            return self._html(
                page.sign_in_page(locale, demo=self.options.demo, name=name, message=message)
            )
        token = secrets.token_urlsafe(32)
        ended = time.monotonic() - SESSION_HOURS * 3600
        for old in [key for key, kept in self.sessions.items() if kept.started < ended]:
            del self.sessions[old]
        self.sessions[token] = Session(signed, signed.must_change_password)
        log.info("signed in: %s from %s", signed.actor.name, client)
        response = web.Response(status=303, headers={"Location": "./"})
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self._secure(),
            path="/",
            max_age=SESSION_HOURS * 3600,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_password(self, request: web.Request) -> web.StreamResponse:
        locale = self.options.locale
        found = self._session(request)
        if not self._origin_ok(request) or found is None:
            return self._html(page.notice_page(locale, self._text("forbidden")), 403)
        _token, session = found
        form = await request.post()
        new = str(form.get("new", ""))[:200]
        repeat = str(form.get("repeat", ""))[:200]
        name = session.signed.actor.name
        if new != repeat:
            return self._html(page.change_page(locale, name, message=self._text("mismatch")))

        def change() -> None:
            with UnitOfWork(self.database) as uow:
                change_password(uow, session.signed.actor, new, self.clock.now())

        try:
            await self._in_thread(change)
        except AccountRefused as refused:
            message = page.text(locale, refused.key, **refused.values)
            return self._html(page.change_page(locale, name, message=message))
        session.must_change = False
        return web.Response(status=303, headers={"Location": "./"})

    async def handle_sign_out(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_ok(request):
            return self._html(page.notice_page(self.options.locale, self._text("forbidden")), 403)
        found = self._session(request)
        if found is not None:
            for desk, timer in self.waiting.pop(found[0], []):  # nobody comes back to them
                timer.cancel()
                await self._end_desk(desk, found[1].signed.actor.id, found[1].signed.actor.name)
            self.sessions.pop(found[0], None)
        response = web.Response(status=303, headers={"Location": "./"})
        response.del_cookie(COOKIE, path="/")
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the desk delivers (Textual's deliver_binary), to its own session only."""
        found = self._session(request)
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        owner = getattr(meta.app_service, "session_token", None)
        if found is None or owner != found[0]:
            raise web.HTTPNotFound()
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (
            f"; charset={meta.encoding}" if meta.encoding else ""
        )
        name = Path(meta.file_name).name
        safe = "".join(c for c in name if c.isalnum() or c in "._-").lstrip(".") or "download"
        suffix = Path(safe).suffix if Path(safe).suffix.isascii() else ""
        plain = safe if safe.isascii() else f"download{suffix}"
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(safe)}"
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- the desk ------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_ok(request):
            raise web.HTTPForbidden(text="origin")
        found = self._session(request)
        if found is None or found[1].must_change:
            raise web.HTTPForbidden(text="sign in first")
        token, session = found
        actor = session.signed.actor
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        desk = self._waiting_desk(token)
        if desk is not None:  # the same browser back after a dropped connection
            desk.connect(websocket)
            log.info("desk pid %s reattached for %s", desk.pid, actor.name)
            await desk.repaint(width, height)
        else:
            refusal = self._over_limit(actor.id)
            if refusal:
                await websocket.send_bytes(f"\r\n  {refusal}\r\n".encode())
                await websocket.close()
                return websocket
            assert self.folder is not None
            grant = write_grant(self.folder, actor.id, actor.name, self._database_url)
            desk = DeskProcess(
                self.desk_argv,
                grant,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            desk.connect(websocket)
            desk.session_token = token
            self.desks[actor.id] = self.desks.get(actor.id, 0) + 1
            self.desk_processes.append(desk)
            self.spawned += 1
        try:
            if not desk.running:
                await desk.start(width, height)
                log.info("desk pid %s started for %s", desk.pid, actor.name)
            await self._pump(websocket, desk)
        except asyncio.CancelledError:
            pass
        except Exception as error:
            log.error("desk for a browser tab failed: %s", type(error).__name__)
        finally:
            if desk.running and not self._stopping_all and self.options.reattach_seconds > 0:
                self._wait_for_browser(token, desk, actor.id, actor.name)
            else:
                await self._end_desk(desk, actor.id, actor.name)
            if not websocket.closed:
                await websocket.close()
        return websocket

    def _waiting_desk(self, token: str) -> DeskProcess | None:
        """The oldest desk of this session still waiting for its browser, taken off the
        waiting list (a desk that ended meanwhile is ended here)."""
        waiting = self.waiting.get(token, [])
        while waiting:
            desk, timer = waiting.pop(0)
            timer.cancel()
            if desk.running:
                if not waiting:
                    self.waiting.pop(token, None)
                return desk
            self._later(self._end_desk(desk, None, ""))
        self.waiting.pop(token, None)
        return None

    def _wait_for_browser(self, token: str, desk: DeskProcess, agent_id: int, name: str) -> None:
        """The browser's connection dropped with the desk still running: it waits
        `reattach_seconds` for the same session to come back, then ends (issue 28)."""
        desk.disconnect()
        loop = asyncio.get_running_loop()

        def give_up() -> None:
            waiting = self.waiting.get(token, [])
            for held in list(waiting):
                if held[0] is desk:
                    waiting.remove(held)
            if not waiting:
                self.waiting.pop(token, None)
            self._later(self._end_desk(desk, agent_id, name))

        timer = loop.call_later(self.options.reattach_seconds, give_up)
        self.waiting.setdefault(token, []).append((desk, timer))
        log.info(
            "desk pid %s of %s lost its browser: waiting %g s for it",
            desk.pid, name, self.options.reattach_seconds,
        )  # fmt: skip

    async def _end_desk(self, desk: DeskProcess, agent_id: int | None, name: str) -> None:
        try:
            await desk.stop()
        except Exception as error:
            log.warning("desk did not stop cleanly: %s", type(error).__name__)
        if desk not in self.desk_processes:
            return
        self.desk_processes.remove(desk)
        log.info("desk pid %s of %s ended (status %s)", desk.pid, name, desk.status)
        owner = agent_id if agent_id is not None else self._owner(desk)
        if owner is None:
            return
        left = self.desks.get(owner, 1) - 1
        if left:
            self.desks[owner] = left
        else:
            self.desks.pop(owner, None)

    def _later(self, job: Any) -> None:
        task = asyncio.ensure_future(job)
        self._endings.add(task)
        task.add_done_callback(self._endings.discard)

    def _owner(self, desk: DeskProcess) -> int | None:
        session = self.sessions.get(desk.session_token or "")
        return session.signed.actor.id if session is not None else None

    def _over_limit(self, agent_id: int) -> str:
        if len(self.desk_processes) >= self.options.max_desks:
            return self._text("too_many_desks", limit=self.options.max_desks)
        if self.desks.get(agent_id, 0) >= self.options.max_desks_per_agent:
            return self._text("too_many_own", limit=self.options.max_desks_per_agent)
        return ""

    async def _pump(self, websocket: web.WebSocketResponse, desk: DeskProcess) -> None:
        """The browser's messages to the desk: keys, a clamped resize, ping, focus, blur."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await desk.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = clamp_size(data.get("width"), data.get("height"))
                await desk.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:64]])
            elif kind == "blur":
                await desk.blur()
            elif kind == "focus":
                await desk.focus()


def desk_argv(demo: bool, locale: str, now: str | None) -> list[str]:
    """Each desk's command line: this Python's deskui; never a database URL or a name."""
    argv = [sys.executable, "-m", "deskui", "--lang", locale]
    if demo:
        argv.append("--demo")
    if now:
        argv += ["--now", now]
    return argv


def _said(error: BaseException) -> str:
    """An error in the journal: its type and the first line of what it said."""
    words = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {words[0] if words else ''}"


def quiet_logging() -> None:
    """Plain lines on stdout for the host's journal, one per event (issue 28), no Rich
    tracebacks (textual-serve's show locals: passwords, cookies)."""
    from deskui.host_log import OneLine

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(OneLine("deskui web: %(name)s %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    log.setLevel(logging.INFO)
    os.environ.pop("DESKUI_PASSWORD", None)
