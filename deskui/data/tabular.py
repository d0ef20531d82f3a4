"""Read a customer sheet (.csv or .xlsx) into rows keyed by its header line (writing a sheet
is deskui/documents' job)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from deskui.domain.refusal import Refusal


class TableError(Refusal, ValueError):
    """The file cannot be read as a table; the message is a catalog key."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's header line and its rows by header; cells beyond the header (or under an
    empty header cell) are kept under the key None, as `csv.DictReader` keeps them."""

    headers: tuple[str, ...] = ()
    rows: list[dict[str | None, object]] = field(default_factory=list)


def read_table(path: str | Path) -> list[dict[str | None, object]]:
    """Rows of the first sheet as dicts by header; CSV in UTF-8 with or without a BOM."""
    return read_sheet(path).rows


def read_sheet(path: str | Path) -> Sheet:
    """The first sheet, header line included (an empty file has none)."""
    path = Path(path)
    if not path.is_file():
        raise TableError("profiles.import.no_file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise TableError("profiles.import.bad_type")


def _read_csv(path: Path) -> Sheet:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # utf-8-sig reads both
            reader = csv.DictReader(handle)
            rows: list[dict[str | None, object]] = [dict(row) for row in reader]
            return Sheet(tuple(reader.fieldnames or ()), rows)
    except UnicodeDecodeError as error:
        raise TableError("profiles.import.not_utf8") from error
    except csv.Error as error:  # a NUL byte in old Pythons, a broken quote
        raise TableError("profiles.import.bad_csv") from error


def _read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a damaged file
        raise TableError("profiles.import.bad_xlsx") from error
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            return Sheet()
        names = [str(cell).strip() if cell is not None else "" for cell in header]
        return Sheet(tuple(names), [_by_header(names, line) for line in lines])
    finally:
        book.close()


def _by_header(names: list[str], line: tuple[object, ...]) -> dict[str | None, object]:
    row: dict[str | None, object] = {}
    extra: list[object] = []
    for index, value in enumerate(line):
        name = names[index] if index < len(names) else ""
        if name:
            row.setdefault(name, value)
        elif value is not None and str(value).strip():
            extra.append(value)
    if extra:
        row[None] = extra
    return row
