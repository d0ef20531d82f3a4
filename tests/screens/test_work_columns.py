"""The columns every list of deadlines shares: narrow terminals keep what each one is about."""

from __future__ import annotations

from deskui.screens.work_columns import SUBJECT_CELLS, deadline_columns
from deskui.widgets.work_list import column_widths

ZONE = "Asia/Shanghai"


def test_wide_lists_keep_every_fixed_width() -> None:
    for with_owner in (False, True):
        columns = deadline_columns(ZONE, with_owner=with_owner)
        widths = column_widths(columns, 160)
        assert widths[:-1] == [column.width for column in columns[:-1]]


def test_a_narrow_team_view_keeps_the_subject_and_whole_customer_names() -> None:
    columns = deadline_columns(ZONE, with_owner=True)
    widths = column_widths(columns, 98)  # 100 columns less the scrollbar
    assert widths[-1] >= SUBJECT_CELLS
    assert widths[4] >= 20  # a ten-character company name
    assert widths[5] >= 6  # "负责人"
    assert widths[0] == 18  # the countdown never gave way here
