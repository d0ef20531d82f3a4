"""XLSX as the desk writes it: every text cell typed as text (so `=1+2` is shown, never
computed), the characters XML cannot hold written as their escapes, a sheet per section."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import IO, Any

from deskui.documents import Block, Document, Section, Table
from deskui.domain.visible_text import visible

_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""C0 characters an XLSX (XML 1.0) cannot hold."""
Target = str | Path | IO[bytes]


def append_text_row(sheet: Any, values: list[Any]) -> None:
    """Append a row to an openpyxl sheet with every text cell typed as text, so `=1+2` is
    shown, not computed, and needs no `'`; the C0 characters XML cannot hold are written as
    their escapes (`\\x1b`), which openpyxl would otherwise refuse."""
    sheet.append([_NOT_IN_XML.sub(_escaped, v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _escaped(match: re.Match[str]) -> str:
    return visible(match.group(), one_line=True)


def write_tables(tables: dict[str, Table], target: Target) -> None:
    """One sheet per table (an export): the header line frozen in view, then the rows."""
    sections = [
        Section(name, [Block(list(headers), [list(r) for r in rows], bold_headers=False)],
                freeze="A2")
        for name, (headers, rows) in tables.items()
    ]  # fmt: skip
    write_book(Document("", sections), target)


def write_book(document: Document, target: Target) -> None:
    """A sheet per section: its top row, then each block's header line (bold) and rows, a
    blank row between blocks."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in document.sections:
        page = book.create_sheet(sheet_name(section.title, used))
        if section.top is not None:
            append_text_row(page, list(section.top))
        for n, block in enumerate(section.blocks):
            if n:
                page.append([])
            append_text_row(page, list(block.headers))
            if block.bold_headers:
                for cell in page[page.max_row]:
                    cell.font = Font(bold=True)
            for row in block.rows:  # record text stays text, never a formula
                append_text_row(page, list(row))
        if section.freeze:
            page.freeze_panes = section.freeze
        for column, width in enumerate(section.widths, start=1):
            page.column_dimensions[get_column_letter(column)].width = width
        if section.fit and section.blocks:
            first = section.blocks[0]
            lines = [first.headers, *first.rows]
            for column, values in enumerate(zip(*lines, strict=False), start=1):
                widest = max(text_width(str(value)) for value in values)
                page.column_dimensions[get_column_letter(column)].width = max(10, widest + 2)
    book.save(target)


def text_width(text: str) -> int:
    """Columns `text` takes in a spreadsheet's fixed font: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(title: str, used: set[str]) -> str:
    """Excel's sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name
