"""The document writers, one home per format (issue 24): the same Document as a workbook and
as a PDF, onto a file or a stream (`deskui report team --format pdf | ...`)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from deskui.documents import Block, Document, Section
from deskui.documents.pdf_file import write_letter, write_pdf
from deskui.documents.xlsx_file import sheet_name, text_width, write_book

DOCUMENT = Document(
    "报表",
    [
        Section("投诉/建议", [Block(["类别", "数"], [["=1+2", 3]]), Block(["记录"], [["A\nB"]])],
                top=["报表"], widths=(20, 8), freeze="A3"),
        Section("投诉/建议", [Block(["客户名称很长很长", "数"], [["x", 1]])], fit=True),
        Section("空", [Block(["类别"], [], empty_line="没有数据")]),
    ],
    meta="<b>交接</b>",
)  # fmt: skip


def test_a_workbook_has_a_sheet_per_section_with_text_kept_as_text(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    write_book(DOCUMENT, target)
    book = load_workbook(target)
    assert book.sheetnames == ["投诉建议", "投诉建议(2)", "空"]
    first = book["投诉建议"]
    assert list(first.iter_rows(values_only=True)) == [
        ("报表", None), ("类别", "数"), ("=1+2", 3), (None, None), ("记录", None), ("A\nB", None)
    ]  # fmt: skip
    assert first["A3"].data_type == "s"  # shown, never computed
    assert first["A2"].font.bold and first.freeze_panes == "A3"
    assert first.column_dimensions["A"].width == 20
    fitted = book["投诉建议(2)"]
    assert fitted.column_dimensions["A"].width == text_width("客户名称很长很长") + 2 == 18


def test_a_sheet_name_is_cut_cleaned_and_unique() -> None:
    used: set[str] = set()
    assert sheet_name("a" * 40, used) == "a" * 31
    assert sheet_name("a" * 40, used) == "a" * 28 + "(2)"
    assert sheet_name("[]:*?/\\", used) == "sheet"


def test_a_pdf_goes_to_a_file_or_a_stream(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    write_pdf(DOCUMENT, target)
    assert target.read_bytes().startswith(b"%PDF")
    stream = io.BytesIO()
    write_pdf(DOCUMENT, stream)
    assert stream.getvalue().startswith(b"%PDF")
    assert not list(Path.cwd().glob("<_io.*"))  # no file named after the stream


def test_a_letter_is_written_where_asked(tmp_path: Path) -> None:
    text = "您好：\n\n<script>第一段</script>\n第二行"
    path = write_letter(text, tmp_path / "r" / "reply.pdf", "回复")
    assert path.read_bytes().startswith(b"%PDF")
