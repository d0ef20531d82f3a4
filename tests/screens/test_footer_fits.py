"""The footer at 120, 100 and 80 columns: whole keys only, nothing drawn over another."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.widgets.key_footer import FooterKey, KeyFooter, fitting_keys, short_description
from tests.conftest import make_settings
from tests.screens.desk_pilot import at_desk, screen_lines
from tests.screens.screen_walk import walk

WIDTHS = (120, 100, 80)


def _labels(screen: object) -> list[tuple[str, str]]:
    """What each key the screen shows would read, whole, as drawn roomy and tight: ("f1 帮助",
    "f1帮助"), ("f7 部门待办", "f7部门")."""
    app = screen.app  # type: ignore[attr-defined]
    labels = []
    for active in screen.active_bindings.values():  # type: ignore[attr-defined]
        binding = active.binding
        if binding.show or binding.key == app.COMMAND_PALETTE_BINDING:
            key = FooterKey(binding.key, app.get_key_display(binding), binding.description, True)
            labels.append((key.label, key.tightened(short_description(binding)).label))
    return labels


async def test_every_screens_footer_shows_whole_keys_at_120_100_and_80_columns(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    checked = 0
    async with app.run_test(size=(120, 36)) as pilot:
        await at_desk(pilot)
        async for stop in walk(pilot):
            if not app.screen.query(KeyFooter):
                continue  # a dialog: its screen's footer is checked at that screen's stop
            # every width at every stop, in turn from the width the stop was opened at (120
            # down to 80, then 80 up to 120 at the next): two resizes a stop, not four
            for width in WIDTHS if checked % 2 == 0 else WIDTHS[::-1]:
                if app.size.width != width:
                    await pilot.resize_terminal(width, 36)
                    await pilot.pause()
                footer = screen_lines(app)[-1]
                assert cell_len(footer) == width, (stop, width, footer)
                assert "f1 帮助" in footer or "f1帮助" in footer, (stop, width, footer)
                end = footer.rstrip()
                assert end.endswith(("^p 命令面板", "^p命令面板")), (stop, width, footer)
                rest = footer
                for roomy, tight in sorted(
                    _labels(app.screen), key=lambda each: -cell_len(each[0])
                ):
                    rest = rest.replace(roomy if roomy in rest else tight, "", 1)
                # once every whole key is taken out, only the spaces between them are left
                assert set(rest) <= {" ", "│"}, (stop, width, footer)
                assert len(footer.split()) >= 6, (stop, width, footer)  # three keys at least
            checked += 1
    assert checked >= 15


def _key(label: str) -> FooterKey:
    display, _, description = label.partition(" ")
    return FooterKey(display, display, description, True)


def test_keys_that_do_not_fit_are_left_out_from_the_end_help_last() -> None:
    keys = [_key("⏎ 打开"), _key("a 新增"), _key("f1 帮助"), _key("f2 来电"), _key("f3 投诉")]
    assert fitting_keys(keys, {2}, 100) == keys
    # 6 + 1 + 6 + 1 + 7 = 21 cells: the two last keys go, help stays
    assert [key.label for key in fitting_keys(keys, {2}, 21)] == ["⏎ 打开", "a 新增", "f1 帮助"]
    # help goes only once every other key has gone
    assert [key.label for key in fitting_keys(keys, {2}, 10)] == ["f1 帮助"]
    assert fitting_keys(keys, {2}, 3) == []


async def test_at_120_columns_the_desk_shows_f9_f10_and_ctrl_k_and_the_orders_t(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 26: the desk's footer left out F9, F10 and Ctrl+K at 120 columns, the orders'
    footer `t`; drawn tighter (short words, no space before Chinese), they all fit."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=(120, 36)) as pilot:
        await at_desk(pilot)
        footer = screen_lines(app)[-1]
        for key in ("f9收发", "f10关系", "^k资料", "f1帮助"):
            assert key in footer, footer
        await pilot.press("f5", "o")
        await at_orders(pilot)
        footer = screen_lines(app)[-1]
        assert "t退换货" in footer and "f1帮助" in footer, footer


async def at_orders(pilot: Any) -> None:
    from deskui.screens.orders import OrdersScreen
    from tests.screens.desk_pilot import settle

    await settle(pilot)
    assert isinstance(pilot.app.screen, OrdersScreen), pilot.app.screen
