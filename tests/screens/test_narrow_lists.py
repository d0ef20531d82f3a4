"""Lists at 80x24 (an agent's small terminal): the columns that say what and when stay whole,
what leaves the list is in the detail pane."""

from __future__ import annotations

import pytest

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import at_desk, screen_lines, settle

SMALL = (80, 24)


@pytest.mark.parametrize(
    ("keys", "titles"),
    [
        (("f9",), ("时间", "类型", "来自 / 寄往", "签收期限", "提示")),
        (("f4",), ("倒计时", "截止", "目的", "客户", "说明")),
        (("f4", "2"), ("倒计时", "截止", "目的", "负责人", "说明")),
        (("f5",), ("剩余", "期限", "事项", "负责人", "下一步")),
        (("f5", "tab"), ("剩余", "确认", "事项", "负责人", "下一步")),
        (("f3",), ("倒计时", "客户", "进行到", "事项")),
        (("f7",), ("倒计时", "环节", "客户", "客户原话")),
        (("f10",), ("倒计时", "状态", "客户", "跟进", "合作意向")),
        (("f10", "2"), ("倒计时", "确认", "客户", "礼品", "确认回访")),
    ],
    ids=["f9", "f4", "f4-shared", "f5", "f5-take-over", "f3", "f7", "f10", "f10-gifts"],
)
async def test_a_narrow_list_keeps_what_and_when_whole(
    demo_database: Database, clock: FixedClock, keys: tuple[str, ...], titles: tuple[str, ...]
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SMALL) as pilot:
        await at_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        header = next(line for line in screen_lines(app) if titles[0] in line)
        words = header.split()
        for title in titles:
            assert title in header, header
        assert not any(word.endswith("…") for word in words), header  # no title cut


async def test_what_leaves_a_narrow_list_is_in_the_detail_pane(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SMALL) as pilot:
        await at_desk(pilot)
        await pilot.press("f9")
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if "签收期限" in line)
        assert "签收" not in header.split() and "类别" not in header.split()
        assert any("包裹  样品  恒通网络  转交 陈静" in line for line in lines[-5:]), lines[-5:]
        await pilot.press("escape", "f5")
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if "下一步" in line)
        assert "客户" not in header.split()
        # the first item's customer, gone from the list, heads the detail
        assert any("西安晨光餐饮店" in line for line in lines[-5:]), lines[-5:]
