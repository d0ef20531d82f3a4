"""The banner wraps Chinese between characters and ASCII words whole, as a reader expects."""

from __future__ import annotations

from rich.cells import cell_len

from deskui.widgets.banner import wrap_cells

NOTICE = "2027 年官方节假日安排尚未载入：暂按周末和本站设置计算工作日，组长可录入官方安排。"


def test_a_year_stays_on_the_line_of_the_sentence_it_starts() -> None:
    lines = wrap_cells(NOTICE, 78)
    assert lines[0].startswith("2027 年官方节假日") and len(lines) == 2
    assert all(cell_len(line) <= 78 for line in lines)
    assert "".join(lines) == NOTICE  # nothing lost, nothing added


def test_closing_punctuation_never_starts_a_line_and_ascii_words_stay_whole() -> None:
    # 10 cells: "一二三四五" fills the line, the comma takes "五" down with it
    assert wrap_cells("一二三四五，六七", 10) == ["一二三四", "五，六七"]
    assert wrap_cells("按 Ctrl+P 打开命令面板", 12) == ["按 Ctrl+P 打", "开命令面板"]
    assert wrap_cells("请按 F10 查看", 6) == ["请按", "F10 查", "看"]
