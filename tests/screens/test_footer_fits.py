"""The footer at 120, 100 and 80 columns: whole keys only, nothing drawn over another."""

from __future__ import annotations

from rich.cells import cell_len

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.widgets.key_footer import FooterKey, KeyFooter, fitting_keys
from tests.conftest import make_settings
from tests.screens.desk_pilot import at_desk, screen_lines
from tests.screens.screen_walk import walk

WIDTHS = (120, 100, 80)


def _labels(screen: object) -> list[str]:
    """What each key the screen shows would read, whole: "f1 帮助", "^p 命令面板"."""
    app = screen.app  # type: ignore[attr-defined]
    labels = []
    for active in screen.active_bindings.values():  # type: ignore[attr-defined]
        binding = active.binding
        if binding.show or binding.key == app.COMMAND_PALETTE_BINDING:
            labels.append(f"{app.get_key_display(binding)} {binding.description}")
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
            for width in WIDTHS:
                await pilot.resize_terminal(width, 36)
                await pilot.pause()
                footer = screen_lines(app)[-1]
                assert cell_len(footer) == width, (stop, width, footer)
                assert "f1 帮助" in footer, (stop, width, footer)
                assert footer.rstrip().endswith("^p 命令面板"), (stop, width, footer)
                rest = footer
                for label in sorted(_labels(app.screen), key=cell_len, reverse=True):
                    rest = rest.replace(label, "", 1)
                # once every whole key is taken out, only the spaces between them are left
                assert set(rest) <= {" ", "│"}, (stop, width, footer)
                assert len(footer.split()) >= 6, (stop, width, footer)  # three keys at least
            await pilot.resize_terminal(120, 36)
            await pilot.pause()
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
