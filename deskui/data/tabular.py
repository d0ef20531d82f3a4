"""Read a customer sheet (.csv or .xlsx) into rows keyed by its header line."""

from __future__ import annotations

import csv
from pathlib import Path


class TableError(ValueError):
    """The file cannot be read as a table; the message is a catalog key."""


def read_table(path: str | Path) -> list[dict[str, object]]:
    """Rows of the first sheet as dicts by header; CSV in UTF-8 with or without a BOM."""
    path = Path(path)
    if not path.is_file():
        raise TableError("profiles.import.no_file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise TableError("profiles.import.bad_type")


def _read_csv(path: Path) -> list[dict[str, object]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # utf-8-sig reads both
            return [dict(row) for row in csv.DictReader(handle)]
    except UnicodeDecodeError as error:
        raise TableError("profiles.import.not_utf8") from error


def _read_xlsx(path: Path) -> list[dict[str, object]]:
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
            return []
        names = [str(cell).strip() if cell is not None else "" for cell in header]
        return [
            {name: value for name, value in zip(names, line, strict=False) if name}
            for line in lines
        ]
    finally:
        book.close()
