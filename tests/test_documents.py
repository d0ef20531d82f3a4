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


def _fonts(path: Path) -> list[dict[str, object]]:
    """Every font of every page, as the PDF's own dictionaries say them (descendants too)."""
    from pypdf import PdfReader

    found: list[dict[str, object]] = []
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            found.append(font)
            found += [d.get_object() for d in font.get("/DescendantFonts", [])]
    return found


def test_a_letter_carries_its_chinese_font_in_the_file(tmp_path: Path) -> None:
    """Issue 26: STSong-Light is a name a reader fills with a font of its own (or none); the
    letter now carries a TrueType CJK font (FontFile2), subset to the glyphs it uses."""
    from deskui.screens.reply_composer import export_pdf

    text = "尊敬的王女士：\n\n您于2026年11月22日反映的问题，我们已经收到。\n\n客户服务部  张伟"
    path = export_pdf(text, tmp_path / "reply.pdf", "书面回复 · 投诉 #1")
    data = path.read_bytes()
    assert b"STSong-Light" not in data
    embedded = [
        font
        for font in _fonts(path)
        if "/FontDescriptor" in font and "/FontFile2" in font["/FontDescriptor"].get_object()
    ]
    assert embedded, [f.get("/BaseFont") for f in _fonts(path)]
    names = {str(font["/BaseFont"]) for font in embedded}
    assert all("+WenQuanYiMicroHei" in name for name in names), names  # a subset (XXXXXX+)
    assert len(data) < 200_000  # the glyphs used, not the 5 MB font
    from pypdf import PdfReader

    assert "客户服务部" in PdfReader(path).pages[0].extract_text()  # maps back to its text


def test_a_report_carries_the_same_font(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    write_pdf(DOCUMENT, target)
    assert b"STSong-Light" not in target.read_bytes()
    assert any(
        "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"].get_object()
        for f in _fonts(target)
    )
