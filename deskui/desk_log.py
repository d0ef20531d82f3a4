"""The desk's own log: one file per desk process in `logs/` of its files folder (the demo's
own under --demo), rotating by size, kept for the site's number of days (site setting
log.days, 30 unless set; the host's DESKUI_LOG_DAYS overrides it), 0600, where the raw
driver text behind every trouble banner and every refusal goes (issues 23, 28: the banner
said "原因已记入日志" and no log was written; the banner names the file). No caller's number
and no customer's words: every line goes through `scrub`.

One file per desk, not one for the host: a hundred desks rotating one file would rename it
under each other and lose lines. A desk's file is named for its start and its process
(`desk-20261207-093012-4242.log`); at each start, the files of desks that stopped more than
the kept days ago are deleted, and again once the database says the site's setting (and by
the purge's timer), with the crash reports.

What a screen says is a catalog line; what happened in the driver's words is here, for
whoever looks after the desk. Never a password, never a customer's number or words.
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

LOG_FOLDER = "logs"
LOG_PREFIX = "desk-"
LOG_NAME = "desk-*.log"
"""The pattern of the desks' log files in LOG_FOLDER (a rotated one adds `.1`, `.2` ...)."""
DAYS_ENV = "DESKUI_LOG_DAYS"
KEEP_DAYS = 30
"""How long a stopped desk's log is kept unless the site sets log.days (or DESKUI_LOG_DAYS)."""
MAX_BYTES = 1024 * 1024
"""A log rotates at 1 MiB, keeping BACKUPS older ones: a desk's log never fills a disk."""
BACKUPS = 3
LOGGER = "deskui"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"

_SECRETS = (
    # postgresql+psycopg://user:SECRET@host/db -> user:***@
    (
        re.compile(r"(?P<keep>(?<![\w+.-])[a-z][\w+.-]{0,30}://[^:/@\s]*:)[^@\s]*(?=@)", re.I),
        "***",
    ),
    # password=SECRET, PGPASSWORD=SECRET, "password": "SECRET", passwd: SECRET, 密码=...
    (
        re.compile(
            r"(?P<keep>(?:pass(?:word|wd)?|pgpassword|deskui_password|secret|token|cookie"
            r"|密码)['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&]+",
            re.IGNORECASE,
        ),
        "***",
    ),
)

_PHONE = re.compile(
    r"(?<![A-Za-z0-9_/.\\-])(?<!pid )(?<!pid=)"
    r"(?!\d{4}-\d\d-\d\d)\+?\d(?:[ -]?\d){6,}(?!\d)"
)
"""A phone number as text holds it (`13912345678`, `+8613912345678`, `021-5555 0101`,
`0139 1234 5678`): seven digits or more, spaces or dashes between; not a date (`2026-12-07`),
a process's id said as one (`pid 4194301`), nor digits inside a word or a path
(`desk-20261207-093012-4242.log`, `v1234567`)."""

_WITHHELD = (
    # PostgreSQL's DETAIL names the row's values ("Failing row contains (..., their words)"),
    # its CONTEXT a statement's parameters ("unnamed portal parameter $1 = '...'")
    (
        re.compile(r"^(?P<keep>\s*(?:DETAIL|CONTEXT):).*$", re.MULTILINE),
        " (withheld: a row's values)",
    ),
    # SQLAlchemy's statement parameters: the values written (words, numbers, names)
    (re.compile(r"(?P<keep>\[parameters:)[^\n]*"), " withheld]"),
)
"""Where a database error repeats what was being written: never into a log (issue 28)."""

_handler: RotatingFileHandler | None = None


def scrub(text: str) -> str:
    """`text` with every password it may hold (a database URL's, a key=value's) as ***,
    every phone number masked as a role that need not see it reads it (`139****5678`), and
    the values a database error repeats withheld (issue 28: a log holds no customer's
    number or words)."""
    for pattern, mask in _SECRETS + _WITHHELD:
        text = pattern.sub(rf"\g<keep>{mask}", text)
    return mask_phones(text)


def mask_phones(text: str) -> str:
    """Every phone number in `text` as `masked_phone` shows it: `13912345678` -> `139****5678`."""
    from deskui.domain.accounts import masked_phone

    def masked(found: re.Match[str]) -> str:
        digits = "".join(ch for ch in found.group() if ch.isdecimal())
        if found.group().startswith("+"):
            return masked_phone("+" + digits)
        return masked_phone(digits)

    return _PHONE.sub(masked, text)


class _Scrubbed(logging.Formatter):
    """The message and any traceback scrubbed; the line's head (time, level, the process's
    id, which may be seven digits) is the desk's own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        said = record.message
        record.message = scrub(said)
        try:
            return super().formatMessage(record)
        finally:
            record.message = said

    def formatException(self, ei: Any) -> str:
        return scrub(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return scrub(super().formatStack(stack_info))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file (the current and each rotated one) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature
        path = Path(self.baseFilename)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(handle)
        from deskui.locations import PRIVATE_FILE, tighten

        tighten(path, PRIVATE_FILE)  # an older log, made looser by hand
        return super()._open()


def keep_days(environ: Mapping[str, str] | None = None, site_days: int | None = None) -> int:
    """The days the desks' logs are kept: the host's DESKUI_LOG_DAYS (1 to 3650) when set,
    else the site setting log.days (`site_days`, once the database said it), else 30."""
    text = (os.environ if environ is None else environ).get(DAYS_ENV, "").strip()
    try:
        days = int(text)
    except ValueError:
        days = 0
    if 1 <= days <= 3650:
        return days
    if site_days is not None and 1 <= site_days <= 3650:
        return site_days
    return KEEP_DAYS


CRASH_NAME = "crash-*.log"
"""The crash reports deskui/crash.py writes into the files folder."""


def prune_desk_files(
    folder: Path, site_days: int | None = None, now: float | None = None
) -> list[Path]:
    """The desks' logs (`logs/`) and crash reports in the files folder `folder` older than
    `keep_days` deleted (a running desk's log kept): at a desk's start, once the site's
    setting is known, and by the purge's timer (`deskui privacy purge`); the deleted."""
    import time

    days = keep_days(site_days=site_days)
    deleted = prune_logs(folder / LOG_FOLDER, days, now) if (folder / LOG_FOLDER).is_dir() else []
    limit = (time.time() if now is None else now) - days * 86400
    for path in folder.glob(CRASH_NAME):
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_mtime >= limit:
                continue
            path.unlink()
        except OSError:
            continue
        deleted.append(path)
    return deleted


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another account's process: alive
        return True
    return True


def prune_logs(folder: Path, days: int, now: float | None = None) -> list[Path]:
    """Delete the desks' logs in `folder` last written more than `days` ago, but never one
    of a desk still running (an idle desk may write nothing for weeks); the deleted."""
    import time

    limit = (time.time() if now is None else now) - days * 86400
    deleted: list[Path] = []
    for path in folder.glob(f"{LOG_NAME}*"):
        try:
            pid = int(path.name.split(".log", 1)[0].rsplit("-", 1)[1])
        except (IndexError, ValueError):
            continue
        try:
            if path.stat().st_mtime >= limit or (pid != os.getpid() and _alive(pid)):
                continue
            path.unlink()
        except OSError:
            continue
        deleted.append(path)
    return deleted


def start_log(folder: Path, max_bytes: int = MAX_BYTES) -> Path:
    """Log the desk's `deskui.*` loggers into a file of this process in `folder/logs` from
    now on (folders made 0700), after deleting the logs older than the site keeps them; a
    desk started again in the same process (tests) moves its log along."""
    global _handler
    import time

    from deskui.locations import private_folder

    logs = private_folder(folder / LOG_FOLDER)
    logger = logging.getLogger(LOGGER)
    if _handler is not None:
        if Path(_handler.baseFilename).parent == logs.absolute():
            return Path(_handler.baseFilename)
        logger.removeHandler(_handler)
        _handler.close()
    prune_logs(logs, keep_days())
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = logs / f"{LOG_PREFIX}{stamp}-{os.getpid()}.log"
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8", delay=False
    )
    handler.setFormatter(_Scrubbed(FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    _handler = handler
    return path.absolute()


def log_path() -> Path | None:
    """The log file the desk writes now (None before `start_log`)."""
    return Path(_handler.baseFilename) if _handler is not None else None


def stop_log() -> None:
    """Close the log (a test's desk ends; the next one opens its own)."""
    global _handler
    if _handler is not None:
        logging.getLogger(LOGGER).removeHandler(_handler)
        _handler.close()
        _handler = None
