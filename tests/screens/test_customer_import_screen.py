"""Ctrl+K, i: what the import says for the files that once reported "0 rows have problems"
while dropping rows, or passed a NUL byte the database then refused (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.profiles import ImportModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.screens.test_profiles_screen import _customers, _open


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "文件是空的：没有表头，也没有数据行"),
        ("公司名称,地址\n", "文件只有表头，没有数据行：没有可导入的内容"),
        ("客户,电话号码\n成都瑞丰,13812345678\n", "可导入 0 行，有问题 1 行"),
        ("公司名称,地址\n坏\x00名字,一环路\n成都瑞丰,二环路,多余\n", "可导入 0 行，有问题 2 行"),
    ],
    ids=["empty", "header-only", "no-known-columns", "nul-and-extra"],
)
async def test_the_import_says_what_it_will_not_import(
    demo_database: Database, clock: FixedClock, tmp_path: Path, content: str, said: str
) -> None:
    sheet = tmp_path / "customers.csv"
    sheet.write_text(content, encoding="utf-8")
    app = make_app(make_settings(demo_database), clock, demo_database)
    before = _customers(demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportModal)
        app.screen.query_one("#import-path", Input).value = str(sheet)
        await pilot.press("enter")
        await settle(pilot)
        summary = str(app.screen.query_one("#import-summary", Static).render())
        bad = str(app.screen.query_one("#import-bad", Static).render())
        assert summary.startswith(said), summary
        if "\x00" in content:
            assert "空字符" in bad and "多出格子" in bad
        await pilot.press("ctrl+s")  # nothing to import: said, and nothing written
        await settle(pilot)
        assert isinstance(app.screen, ImportModal)
        assert "没有可导入的行" in str(app.screen.query_one("#import-summary", Static).render())
    assert _customers(demo_database) == before
