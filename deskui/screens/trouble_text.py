"""A database fault said in one line of plain words: what is wrong and what to do. The raw
driver text goes to the log, never to the screen (issue 13)."""

from __future__ import annotations

import logging

from deskui.i18n import t

log = logging.getLogger("deskui.database")


def trouble_line(error: BaseException) -> str:
    """The catalog's line for the kind of fault `error` is; logs what the driver said."""
    from deskui.services.errors import trouble_of

    kind = trouble_of(error)
    log.warning("database trouble (%s): %s", kind, error)
    return t(f"trouble.{kind}")
