"""`deskui phone serve`: the PBX's call events in the shape of Zammad's generic CTI push
(`POST /api/v1/cti/<token>`, JSON or form, `user[]` too), each stored through
`deskui.services.calls.record_call_event` before the reply (issue 25; DESIGN.md 12).

- The reply is `{}`, or `{"action": "reject", "reason": "busy"}` for a number on the site's
  block list (Zammad's answer, which a PBX script turns into a busy tone).
- Bad input gets a status and one log line, never a traceback: a wrong token 401 (compared
  in constant time, never logged), a body that is not JSON or a form 400, a body over 64 KB
  413, an event the domain refuses 422 (unknown event or direction, a `from` that is neither
  a phone number nor `anonymous`, control characters ...).
- One worker thread stores the events, so they land in the order they came. While the
  database is away they go to a journal (a 0600 file) in the same order, and are replayed
  when it is back, before any newer event.
- Every `SWEEP_SECONDS` the sweep closes calls left ringing past the site's time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from deskui.domain.calls import parse_event
from deskui.domain.refusal import Invalid
from deskui.phone.journal import Journal

if TYPE_CHECKING:
    from aiohttp import web

    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.domain.clock import Clock

MAX_BODY = 64 * 1024
"""A CTI post is a few hundred bytes; more is refused unread (413)."""
MAX_FIELDS = 100
SWEEP_SECONDS = 30.0
REPLAY_SECONDS = 1.0
TOKEN_ENV = "DESKUI_PHONE_TOKEN"
TOKEN_SETTING = "phone.token_sha256"
"""A site's stored token: only its SHA-256 (the settings are readable by every desk)."""
PATH = "/api/v1/cti/{token}"
HEALTH_SECONDS = 10.0
"""A health check waits this long for the storing thread before it answers 503."""
HEALTH_REUSE_SECONDS = 1.0
"""A health check's answer is reused this long: anonymous checks cannot hold the events up."""

log = logging.getLogger("deskui.phone")


class BadBody(Exception):
    """The body is neither a JSON object nor a form."""


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


def fields_of(content_type: str, body: bytes) -> dict[str, object]:
    """The post's fields: a JSON object, or a form (`user[]` repeated becomes a list)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadBody("not UTF-8") from error
    if content_type == "application/json" or text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise BadBody("not JSON") from error
        if not isinstance(value, dict):
            raise BadBody("JSON but not an object")
        return value
    if content_type not in ("", "application/x-www-form-urlencoded", "text/plain"):
        raise BadBody("neither JSON nor a form")
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS
        )
    except ValueError as error:
        raise BadBody("not a form") from error
    fields: dict[str, object] = {}
    users: list[str] = []
    for key, value in pairs:
        if not key:
            raise BadBody("a form field without a name")
        if key in ("user[]", "user"):
            users.append(value)
        else:
            fields[key] = value
    if users:
        fields["user"] = users
    if not fields:
        raise BadBody("an empty form")
    return fields


@dataclass(frozen=True, slots=True)
class Stored:
    reject: bool = False
    journaled: bool = False


class Bridge:
    """The HTTP front and its one storing thread."""

    def __init__(
        self,
        database_url: str,
        clock: Clock,
        journal: Journal,
        token: bytes,
        database: Database | None = None,
    ) -> None:
        self._url = database_url
        self._clock = clock
        self._journal = journal
        self._token = token
        self._database = database
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskui-phone")
        self._away = False
        self._health: BaseException | None = None
        self._health_at = -HEALTH_REUSE_SECONDS
        self._health_lock = asyncio.Lock()

    # -- the storing thread ------------------------------------------------------------------

    def _db(self) -> Database:
        if self._database is None:
            from deskui.data.database import Database

            database = Database(self._url)
            database.upgrade()
            self._database = database
        return self._database

    def _record(self, fields: dict[str, object], received_at: datetime) -> bool:
        from deskui.data.unit_of_work import UnitOfWork
        from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event

        with UnitOfWork(self._db()) as uow:
            command = RecordCallEvent(fields, received_at=received_at)
            return record_call_event(uow, PHONE_ACTOR, command, self._clock.now()).reject

    def _went_away(self, error: BaseException) -> None:
        if not self._away:
            log.warning(
                "database away (%s): journaling to %s", type(error).__name__, self._journal.path
            )
        self._away = True

    def replay(self) -> int:
        """Store the journal's events in order until it is empty or the database is still
        away; how many were stored."""
        from deskui.data.trouble import is_database_fault

        pending = self._journal.pending()
        done = 0
        try:
            for journaled in pending:
                try:
                    self._record(journaled.fields, journaled.received_at)
                except Invalid as error:  # a rule changed since it was accepted: dropped
                    log.warning("journaled event dropped: %s %s", error.field, error.key)
                except Exception as error:
                    if is_database_fault(error):
                        raise
                    # a fault of ours must not hold every later event back: said, dropped
                    log.error("journaled event dropped: %s", type(error).__name__)
                done += 1
        except Exception as error:
            self._went_away(error)
        finally:
            self._journal.drop_first(done)
        if done and not len(self._journal):
            log.warning("database back: %d journaled events stored", done)
            self._away = False
        return done

    def store(self, fields: dict[str, object], received_at: datetime) -> Stored:
        """Store one checked event, after whatever the journal holds; journal it when the
        database is away."""
        from deskui.data.trouble import is_database_fault

        if len(self._journal):
            self.replay()
        if len(self._journal):
            self._journal.append(received_at, fields)
            return Stored(journaled=True)
        try:
            return Stored(reject=self._record(fields, received_at))
        except Invalid:
            raise
        except Exception as error:
            if not is_database_fault(error):
                raise
            self._went_away(error)
            self._journal.append(received_at, fields)
            return Stored(journaled=True)

    def sweep(self) -> None:
        from deskui.data.trouble import is_database_fault
        from deskui.data.unit_of_work import UnitOfWork
        from deskui.services.calls import PHONE_ACTOR, SweepCalls, sweep_calls

        if len(self._journal):
            return  # the journal first: a hangup waiting there must not be swept as missed
        try:
            with UnitOfWork(self._db()) as uow:
                sweep_calls(uow, PHONE_ACTOR, SweepCalls(), self._clock.now())
        except Exception as error:
            if not is_database_fault(error):
                raise
            self._went_away(error)

    # -- HTTP ----------------------------------------------------------------------------------

    async def _run(self, job: Any, *args: object) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._worker, job, *args)

    async def post(self, request: web.Request) -> web.Response:
        from aiohttp import web

        peer = request.remote or "?"
        presented = request.match_info.get("token", "")
        if not hmac.compare_digest(token_digest(presented), self._token):
            log.warning("401 from %s: wrong token", peer)
            return web.json_response({"error": "unauthorized"}, status=401)
        length = request.content_length
        if length is not None and length > MAX_BODY:
            log.warning("413 from %s: a body of %d bytes", peer, length)
            return web.json_response({"error": "too large"}, status=413)
        body = bytearray()
        while len(body) <= MAX_BODY:
            chunk = await request.content.read(MAX_BODY + 1 - len(body))
            if not chunk:
                break
            body += chunk
        if len(body) > MAX_BODY:
            log.warning("413 from %s: a body over %d bytes", peer, MAX_BODY)
            return web.json_response({"error": "too large"}, status=413)
        try:
            fields = fields_of(request.content_type, bytes(body))
        except BadBody as error:
            log.warning("400 from %s: %s", peer, error)
            return web.json_response({"error": "bad request"}, status=400)
        try:
            parse_event(fields)
        except Invalid as error:
            named = ", ".join(f"{p.field} {p.key}" for p in error.problems)
            log.warning("422 from %s: %s", peer, named)
            refused = [{"field": p.field, "key": p.key} for p in error.problems]
            return web.json_response({"error": "unprocessable", "problems": refused}, status=422)
        try:
            stored: Stored = await self._run(self.store, fields, self._clock.now())
        except Invalid as error:
            log.warning("422 from %s: %s %s", peer, error.field, error.key)
            return web.json_response({"error": "unprocessable"}, status=422)
        except Exception as error:  # not the database being away: a fault of ours, said once
            log.error("500 from %s: %s", peer, type(error).__name__)
            return web.json_response({"error": "internal"}, status=500)
        if stored.reject:
            return web.json_response({"action": "reject", "reason": "busy"})
        return web.json_response({})

    async def health(self, _request: web.Request) -> web.Response:
        """200 when the database answers, 503 with one line when not (issue 28), asked in
        the storing thread (after the events before it); anonymous, saying nothing more."""
        import time

        from aiohttp import web

        async with self._health_lock:  # once a second at most: the PBX's events come first
            if time.monotonic() - self._health_at >= HEALTH_REUSE_SECONDS:
                try:
                    fault = await asyncio.wait_for(self._run(self._health_fault), HEALTH_SECONDS)
                except TimeoutError:
                    fault = TimeoutError("no answer in time")
                self._health_at = time.monotonic()
                if (fault is None) != (self._health is None):  # a change: an event to log
                    if fault is None:
                        log.info("health: the database answers")
                    else:
                        name = type(fault).__name__
                        log.warning("health: the database does not answer (%s)", name)
                self._health = fault
        fault = self._health
        body, status = ("ok\n", 200) if fault is None else ("database unavailable\n", 503)
        response = web.Response(text=body, status=status, content_type="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _health_fault(self) -> BaseException | None:
        from deskui.data.trouble import health_fault

        try:
            database = self._db()
        except Exception as error:  # the database away at start, and still
            return error
        return health_fault(database)

    async def _background(self, app: web.Application) -> Any:
        async def loop() -> None:
            since_sweep = 0.0
            while True:
                await asyncio.sleep(REPLAY_SECONDS)
                since_sweep += REPLAY_SECONDS
                try:
                    if len(self._journal):
                        await self._run(self.replay)
                    if since_sweep >= SWEEP_SECONDS:
                        since_sweep = 0.0
                        await self._run(self.sweep)
                except Exception as error:
                    log.error("background: %s", type(error).__name__)

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        self._worker.shutdown(wait=True)

    def application(self) -> web.Application:
        from aiohttp import web

        app = web.Application(client_max_size=MAX_BODY + 1)
        app.router.add_get("/healthz", self.health)
        app.router.add_post(PATH, self.post)
        app.router.add_post(PATH.removesuffix("{token}"), self.post)  # no token: 401
        app.router.add_post(PATH.removesuffix("/{token}"), self.post)
        app.cleanup_ctx.append(self._background)
        return app


def journal_path(settings: Settings) -> Path:
    """One journal per database, beside the desk's files (private to its account)."""
    from deskui.locations import files_dir, private_folder

    digest = hashlib.sha256(settings.database_url.encode("utf-8")).hexdigest()[:16]
    return private_folder(files_dir(settings)) / f"phone-journal-{digest}.jsonl"


def stored_token(database: Database) -> bytes | None:
    """The site's token digest from its settings (`deskui phone token` sets it)."""
    from deskui.data.unit_of_work import UnitOfWork

    with UnitOfWork(database) as uow:
        text = uow.settings.stored_settings().get(TOKEN_SETTING, "")
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        return None
    return digest if len(digest) == hashlib.sha256().digest_size else None


def warm_up(database: Database) -> None:
    """Import the storing side and open one connection before the first post: a PBX posts
    synchronously while its call waits (Kamailio's http_client), so the first event must
    be as quick as the rest."""
    from deskui.data.trouble import is_database_fault
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import calls  # noqa: F401  (imported now, not at the first post)

    try:
        with UnitOfWork(database) as uow:
            blocked = len(uow.rules.phone.block_list)
            uow.calls.find_call("cti", "")
        log.info("%d numbers on the site's block list", blocked)
    except Exception as error:
        if not is_database_fault(error):
            raise
