"""A database fault said in one line of plain words: what is wrong and what to do. The raw
driver text goes to the desk's log (deskui/desk_log.py), never to the screen (issues 13, 23)."""

from __future__ import annotations

import logging
import threading

from deskui.i18n import t

log = logging.getLogger("deskui.database")

write_fault = threading.Event()
"""Set when a read-only or full database was said on a banner: the app's tick then asks it,
cheaply, whether it takes writes again, and clears the banners as soon as it does (issue 23:
a SQLite file made writable again kept F4 saying 只能读 until a restart)."""


RECHECKED = frozenset({"read_only", "disk_full"})
"""Faults that reads do not reveal ending (the change poll answers throughout): the tick
asks for a write to learn they ended. A server away or a lock end by the poll and the
pending saves' retries."""


def trouble_line(error: BaseException) -> str:
    """The catalog's line for the kind of fault `error` is; logs what the driver said."""
    from deskui.services.errors import trouble_of

    kind = trouble_of(error)
    log.warning("database trouble (%s): %s", kind, driver_text(error))
    if kind in RECHECKED:
        write_fault.set()
    line = t(f"trouble.{kind}", log=log_name())
    if kind == "unknown":  # its line names the log already
        return line
    return f"{line}{t('trouble.see_log', log=log_name())}"


def driver_text(error: BaseException) -> str:
    """What the driver said, and the statement it said it of, without the statement's
    values (a password hash, a customer's phone): SQLAlchemy's own text carries them. The
    driver's own lines that repeat values (PostgreSQL's DETAIL "Failing row contains (...,
    the customer's words)", its CONTEXT's parameters) the log's scrub withholds (issue 28)."""
    original = getattr(error, "orig", None)
    if original is None:
        return f"{type(error).__name__}: {error}"
    statement = " ".join(str(getattr(error, "statement", "") or "").split())[:300]
    text = f"{type(error).__name__}: {type(original).__name__}: {original}"
    return f"{text} [SQL: {statement}]" if statement else text


def log_name() -> str:
    """The log file a banner points to (the pattern of the desks' logs before it is open)."""
    from deskui.desk_log import LOG_FOLDER, LOG_NAME, log_path

    return str(log_path() or f"{LOG_FOLDER}/{LOG_NAME}")


def log_refusal(service: object, error: BaseException) -> None:
    """A refused command in the log: which service, and why in the refusal's own words."""
    name = getattr(service, "__name__", type(service).__name__)
    values = logged_values(getattr(error, "values", {}) or {})
    cause = error.__cause__
    logging.getLogger("deskui.refusals").info(
        "refused %s: %s: %s %s%s",
        name,
        type(error).__name__,
        error,
        values or "",
        f" (cause: {driver_text(cause)})" if cause is not None else "",
    )


LOGGED_AS_SAID = frozenset({"path", "size", "limit", "max", "min", "id", "field", "kind"})
"""A refusal's values the log keeps as they are: the file refused, sizes, limits, ids (what
whoever looks after the desk needs, issue 23); any number in them is masked all the same."""


def logged_values(values: object) -> dict[str, object]:
    """A refusal's values as the log keeps them: numbers and the values LOGGED_AS_SAID as
    they are, any other text by its length only (a refusal may quote a customer's name,
    number or words; issue 28)."""
    if not isinstance(values, dict):
        return {}
    return {
        key: value
        if isinstance(value, int | float) or value is None or key in LOGGED_AS_SAID
        else f"<{len(str(value))} characters>"
        for key, value in values.items()
    }


def file_trouble(error: BaseException) -> str:
    """A file the desk could not write, in words: the OS's own (English) text is logged."""
    logging.getLogger("deskui.files").warning("file not written: %s", driver_text(error))
    return t("trouble.file_logged", log=log_name())


def error_line(error: BaseException) -> str:
    """Whatever a worker met, in the catalog's words: a refusal by its key and values, a
    denial as who may not do what, anything else as a database fault (the raw text logged).
    Never the exception's own text on screen (issue 23)."""
    from deskui.i18n import has_key

    if getattr(error, "action", None) is not None:  # a Denied
        from deskui.screens.runner import denied_line

        return denied_line(error)
    key = getattr(error, "key", None)
    if not isinstance(key, str):
        key = str(error) if error.args and isinstance(error.args[0], str) else None
    if isinstance(key, str) and has_key(key):
        logging.getLogger("deskui.refusals").info("refused: %s", driver_text(error))
        return t(key, **dict(getattr(error, "values", {}) or {}))
    return trouble_line(error)
