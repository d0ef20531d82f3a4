"""Stored text as it may reach a terminal (issue 23, DESIGN.md 13): a character that would
drive the terminal instead of being read is shown as its escape, the way Python's `repr`
writes it (`\\x1b[2J`, `\\x07`, `\\x9b`, `\\u202e`), and the record stays as it was stored.

One function, `visible`, for every path: the work list's cells, detail panes, dialogs,
notifications, the app's last-line filter under every widget, and the CLI on a terminal.
Pure: no Textual, no Rich.
"""

from __future__ import annotations

import re
import unicodedata

_ELSE = (
    "\x7f-\x9f"  # DEL and C1: 0x9b is CSI on its own, 0x9d OSC
    "\u061c\u200e\u200f"  # bidi marks (Arabic letter mark, LRM, RLM)
    "\u2028\u2029"  # line and paragraph separators: a line break a one-line cell hides
    "\u202a-\u202e"  # bidi embeddings and overrides: `txt.exe` shown as `exe.txt`
    "\u2066-\u2069"  # bidi isolates
)
# C0: ESC starts CSI (ESC[2J clears the screen) and OSC (ESC]0;… renames the terminal)
_ONE_LINE = re.compile(f"[\x00-\x1f{_ELSE}]")
_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_ELSE}]|\r(?!\n)")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """`text` with every character that drives a terminal shown as its escape.

    `one_line`: for a cell or a title that has one line to show, a tab and a line break
    are shown as `\\t` and `\\n` too; otherwise (a detail pane) they are kept, and a CR
    only where it ends a line (`\\r\\n`, as Windows files keep it)."""
    if text is None:
        return ""
    text = text if isinstance(text, str) else str(text)
    if one_line:
        return _ONE_LINE.sub(_escape, text)
    return _LINES.sub(_escape, text)


def drives_terminal(text: str, *, lines: bool = False) -> bool:
    """Whether `text` holds a character `visible(text, one_line=True)` would escape.

    `lines`: a text of several lines (a note, a reply), whose line breaks and tabs are text."""
    if lines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _ONE_LINE.search(text) is not None


_LOOKS_BLANK = frozenset("\u115f\u1160\u2800\u3164\uffa0")
"""Letters and symbols drawn as nothing (Hangul fillers, the blank Braille pattern)."""


def says_nothing(text: str) -> bool:
    """Whether `text` shows nothing to read: only spaces, line breaks and characters drawn
    as nothing (zero-width spaces and joiners, a byte-order mark, a soft hyphen: Unicode's
    format characters; the Hangul fillers). A required field holding only these is blank."""
    return all(
        ch.isspace() or ch in _LOOKS_BLANK or unicodedata.category(ch) == "Cf" for ch in text
    )
