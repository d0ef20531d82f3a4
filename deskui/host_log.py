"""The log of the host's two services, `deskui web` and `deskui phone serve`, for the host's
journal (issue 28): one line per event on stdout (systemd's journal stamps and keeps it), a
line break or a control character in what is logged shown as its escape so no event spans
two lines or drives a terminal, and every password scrubbed as the desk's own log scrubs it.
"""

from __future__ import annotations

import logging
import sys

from deskui.desk_log import scrub
from deskui.domain.visible_text import visible


class OneLine(logging.Formatter):
    """A record, a traceback included, as one line without secrets."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(scrub(super().format(record)), one_line=True)


def log_to_stdout(logger: logging.Logger, prefix: str, level: int = logging.INFO) -> None:
    """`logger`'s records as `prefix: message` lines on stdout, flushed line by line."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(OneLine(f"{prefix}: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
