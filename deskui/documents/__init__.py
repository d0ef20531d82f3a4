"""Every file the desk writes for people to read or a spreadsheet to open has one home per
format (issue 24): `csv_file` (CSV that no spreadsheet reads as a formula), `xlsx_file` (text
cells typed as text) and `pdf_file` (a Chinese font embedded, text escaped), over
the format-neutral `Document` below.

A package apart from the layers because every layer writes a file: the data layer's exports
and handover report, the team report of the CLI and the measures screen, a screen's written
reply. It imports no layer of deskui (only the domain's visible_text), and no Textual or rich,
so the data layer may use it (import-linter checks both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Table = tuple[list[str], list[list[Any]]]
"""Headers and rows: what an export writes, one sheet or one CSV."""


@dataclass(frozen=True, slots=True)
class Block:
    """A table of a section: its header line and rows."""

    headers: list[str]
    rows: list[list[Any]]
    pdf_widths: list[float] | None = None
    """Column widths in points on the PDF page; None: the page shared alike."""
    empty_line: str | None = None
    """PDF: said in the first cell when there are no rows (None: the table is left empty)."""
    bold_headers: bool = True


@dataclass(frozen=True, slots=True)
class Section:
    """One sheet of a workbook, one headed part of a PDF."""

    title: str
    """The sheet's name (cut to Excel's 31 characters, unique in the book) and PDF heading."""
    blocks: list[Block]
    top: list[Any] | None = None
    """XLSX: a first row above the blocks (the document's title, who and when)."""
    widths: tuple[float, ...] = ()
    """XLSX: column widths from column A."""
    fit: bool = False
    """XLSX: then every column as wide as the first block's widest text (a lead's sheet)."""
    freeze: str | None = None
    """XLSX: the first cell below the frozen rows (A2 keeps the header line in view)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A titled document of sections: a workbook or a landscape A4 PDF."""

    title: str
    sections: list[Section] = field(default_factory=list)
    meta: str | None = None
    """PDF: a line under the title (who handed over to whom, when)."""
