"""When the desk stops on an error nobody expected: the traceback goes to a log file in the
data folder (the demo's own folder for --demo), and the terminal gets one line saying where.

An agent cannot read a traceback, and one printed on the terminal is gone with the next
command; a file keeps it for whoever looks after the desk.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from deskui.config import Settings
from deskui.desk_log import scrub
from deskui.locations import PRIVATE_FILE, private_folder

CRASH_STATUS = 70
"""The exit status of a desk that stopped on an unexpected error (EX_SOFTWARE, sysexits.h):
not 0 (it did not end as asked), not 2 (bad input) nor 130 (Ctrl+C)."""


def crash_folder(settings: Settings) -> Path:
    """The demo's own folder for --demo, else the data folder (`locations.files_dir`)."""
    from deskui.locations import files_dir

    return files_dir(settings)


def describe(error: BaseException) -> str:
    """The traceback of `error`; a failed worker's own error, not Textual's wrapper of it."""
    from textual.worker import WorkerFailed

    if isinstance(error, WorkerFailed):
        error = error.error
    return "".join(traceback.format_exception(error))


def write_crash_log(folder: Path, text: str, local_now: datetime) -> Path:
    """`crash-YYYYMMDD-HHMMSS.log` (local time) in `folder`, or in the system's temporary
    folder when `folder` cannot be written; never overwrites an earlier log."""
    header = (
        f"deskui stopped on an unexpected error\n"
        f"desk time: {local_now.isoformat()}\n"
        f"system time: {datetime.now(UTC).isoformat()}\n\n"
    )
    stem = f"crash-{local_now:%Y%m%d-%H%M%S}"
    for place in (folder, Path(tempfile.gettempdir())):
        try:
            private_folder(place) if place == folder else place.mkdir(exist_ok=True)
            for n in range(100):
                path = place / (f"{stem}.log" if n == 0 else f"{stem}-{n}.log")
                try:  # 0600 from the start: a traceback may quote a customer's words
                    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
                except FileExistsError:
                    continue
                with os.fdopen(handle, "w", encoding="utf-8") as log:
                    log.write(header + scrub(text))
                return path
        except OSError:
            continue
    raise OSError("no folder to write the crash log in")


def append(path: Path, text: str) -> None:
    """Add a later finding (a draft that could not be written) to the log."""
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(scrub(text))
    except OSError:
        pass  # the log itself is already written; nothing better to do at this point
