"""The desk's own log: `deskui.log` in its files folder (the demo's own under --demo),
rotating by size, 0600, where the raw driver text behind every trouble banner and every
refusal goes (issue 23: the banner said "原因已记入日志" and no log was written).

What a screen says is a catalog line; what happened in the driver's words is here, for
whoever looks after the desk. Never a password: every line goes through `scrub`.
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "deskui.log"
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

_handler: RotatingFileHandler | None = None


def scrub(text: str) -> str:
    """`text` with every password it may hold (a database URL's, a key=value's) as ***."""
    for pattern, mask in _SECRETS:
        text = pattern.sub(rf"\g<keep>{mask}", text)
    return text


class _Scrubbed(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file (the current and each rotated one) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature
        path = Path(self.baseFilename)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(handle)
        from deskui.locations import PRIVATE_FILE, tighten

        tighten(path, PRIVATE_FILE)  # an older log, made looser by hand
        return super()._open()


def start_log(folder: Path, max_bytes: int = MAX_BYTES) -> Path:
    """Log the desk's `deskui.*` loggers into `folder/deskui.log` from now on (folder made
    0700); a desk started again in the same process (tests) moves its log along."""
    global _handler
    from deskui.locations import private_folder

    path = private_folder(folder) / LOG_NAME
    logger = logging.getLogger(LOGGER)
    if _handler is not None:
        if Path(_handler.baseFilename) == path.absolute():
            return path
        logger.removeHandler(_handler)
        _handler.close()
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8", delay=False
    )
    handler.setFormatter(_Scrubbed(FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    _handler = handler
    return path


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
