"""CSV as the desk writes it (issue 23: CSV / formula injection): UTF-8, no cell that a
spreadsheet would run as a formula, and on a terminal no control character that could clear,
restyle or rename it."""

from __future__ import annotations

import csv
import re
from typing import IO, Any

from deskui.documents import Table
from deskui.domain.visible_text import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may start a formula with (OWASP, CSV injection)."""
_PHONE = re.compile(r"\+[1-9][0-9]{5,14}")  # E.164: +8613812345678
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet opening `text` as a cell could run it: it starts like a formula
    and is not plainly a phone number (E.164) or a number, which stay the keys scripts read."""
    if not text.startswith(FORMULA_STARTS):
        return False
    return not (_PHONE.fullmatch(text) or _NUMBER.fullmatch(text))


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell as data: text a spreadsheet would read as a formula gets a leading `'`
    (`'=HYPERLINK(...)`), as OWASP describes; anything else is written as it is."""
    if isinstance(value, str) and reads_as_formula(value):
        return "'" + value
    return value


def write_csv(table: Table, stream: IO[str], *, terminal: bool = False) -> None:
    """The rows as stored, but that no cell starts a formula (`spreadsheet_cell`); on a
    `terminal`, control characters are shown as their escapes (`\\x1b[2J`), so a name holding
    an escape sequence cannot clear, restyle or rename the agent's terminal (issue 23)."""
    headers, rows = table

    def shown(value: Any) -> Any:
        value = spreadsheet_cell(value)
        return visible(value) if terminal and isinstance(value, str) else value

    writer = csv.writer(stream)
    writer.writerow([shown(header) for header in headers])
    writer.writerows([shown(value) for value in row] for row in rows)
