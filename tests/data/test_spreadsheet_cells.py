"""No exported cell is read as a formula (issue 23, OWASP's CSV injection): CSV cells that
would start one get a leading `'`, phone numbers and numbers stay the keys scripts read;
XLSX writes text as text, without the `'`."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from deskui.documents.csv_file import reads_as_formula, spreadsheet_cell, write_csv
from deskui.documents.xlsx_file import write_tables as write_xlsx

ATTACKS = [
    '=HYPERLINK("http://x","y")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+2",
    "\r=1+2",
    "-",
    "+",
    "=",
    "+86 138 1234 5678",  # not E.164 as written: a spreadsheet may still compute it
    "-1e5+cmd",
]
KEPT = [
    "+8613812345678",
    "+12025550123",
    "-12.5",
    "+3",
    "12",
    "-0.5e3",
    "",
    "a=b",
    "深圳华强 =1+2",
    "'=already",
    " =1+2",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_cell_that_starts_a_formula_gets_a_leading_quote(text: str) -> None:
    assert reads_as_formula(text)
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("text", KEPT)
def test_phones_numbers_and_plain_text_stay_as_they_are(text: str) -> None:
    assert not reads_as_formula(text)
    assert spreadsheet_cell(text) == text


def test_values_that_are_not_text_stay_as_they_are() -> None:
    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell(None) is None


def test_csv_neutralises_header_and_rows_to_a_file_and_shows_escapes_on_a_terminal() -> None:
    table = (["id", "=name"], [[1, "=1+2"], [-2, "+8613812345678"], [3, "红\x1b[2J"]])
    stream = io.StringIO()
    write_csv(table, stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["id", "'=name"], ["1", "'=1+2"], ["-2", "+8613812345678"], ["3", "红\x1b[2J"]]
    terminal = io.StringIO()
    write_csv(table, terminal, terminal=True)
    assert "\x1b" not in terminal.getvalue()
    assert "'=1+2" in terminal.getvalue() and r"红\x1b[2J" in terminal.getvalue()


def test_xlsx_types_text_as_text_without_a_quote_and_keeps_numbers() -> None:
    target = io.BytesIO()
    rows = [['=HYPERLINK("http://x","y")', "+8613812345678", -12.5, "清屏\x1b[2J\x9b"]]
    write_xlsx({"customers": (["=name", "phone", "amount", "note"], rows)}, target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert (header[0].value, header[0].data_type) == ("=name", "s")
    assert (row[0].value, row[0].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (row[1].value, row[1].data_type) == ("+8613812345678", "s")
    assert (row[2].value, row[2].data_type) == (-12.5, "n")
    # XML cannot hold ESC: written as its escape, where openpyxl refused the whole export
    assert row[3].value == "清屏\\x1b[2J\x9b"


def test_the_leads_report_writes_a_records_formula_as_text() -> None:
    from deskui.lead_sheets import Sheet
    from deskui.report import write_xlsx as write_report

    target = io.BytesIO()
    records = [["#7", "=1+2", "李娜\x1b[31m", "2026-11-23 09:00", "", "-"]]
    write_report([Sheet("投诉", [["投诉", 1, 2, "50%"]], records)], "报表", target)
    page = load_workbook(io.BytesIO(target.getvalue())).active
    assert page is not None
    cells = {cell.value: cell.data_type for row in page.iter_rows() for cell in row}
    assert cells["=1+2"] == "s" and cells["-"] == "s"
    assert cells["李娜\\x1b[31m"] == "s"
    assert cells[1] == "n"
