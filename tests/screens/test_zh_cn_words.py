"""No English word, seed reference or catalog key on a zh-CN screen: over every snapshot's text
and every screen (and dialog) a walk through the desk visits, as an agent and as a lead."""

from __future__ import annotations

import re
from pathlib import Path

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle
from tests.screens.screen_walk import LEAD_STOPS, STOPS, walk
from tests.snapshot_text import svg_lines

ALLOWED = frozenset(
    {
        # key names, as the footer and help show them
        "Esc", "esc", "Tab", "tab", "Enter", "enter", "Space", "space", "Ctrl", "ctrl",
        "Shift", "shift", "Alt", "Home", "End", "PgUp", "PgDn", "Backspace", "Del",
        # the product and the formats it writes
        "deskui", "PDF", "CSV", "XLSX", "TXT",
    }
)  # fmt: skip
"""Runs of three or more ASCII letters a Chinese screen may show."""

SNAPSHOTS = Path(__file__).parent.parent / "snapshots" / "__snapshots__"
EMAIL = re.compile(r"\S+@\S+")  # user data (a contact's address) is shown as it was typed
RUN = re.compile(r"[A-Za-z]{3,}")
CATALOG_KEY = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?![\w.])")
ENGLISH = re.compile(r"_en(?![a-z])|english")
"""Snapshots of the English interface: their names say so."""


def offences(text: str) -> list[str]:
    """What on a zh-CN screen is English or internal."""
    text = EMAIL.sub("", text)
    found = [run for run in RUN.findall(text) if run not in ALLOWED]
    found += [key for key in CATALOG_KEY.findall(text)]
    if "seed" in text.lower():
        found.append("seed")
    return found


def test_the_check_finds_english_seed_references_and_catalog_keys() -> None:
    assert offences("按 Esc 返回  ^p 命令面板  导出 PDF") == []
    assert offences("🔎 Search for commands…") == ["Search", "for", "commands"]
    assert offences("National Day假期") == ["National", "Day"]
    assert offences("重复投诉（seed 001:6.1）") == ["seed", "seed"]
    assert "intake.history_empty" in offences("没有 intake.history_empty")
    assert "a.b" in offences("键 a.b")  # a key too short to be a word is still a key
    assert offences("负责人 林勇 contact78_0@example.cn") == []


def test_no_zh_cn_snapshot_shows_english_or_internals() -> None:
    pictures = [path for path in SNAPSHOTS.rglob("*.svg") if not ENGLISH.search(path.name)]
    assert len(pictures) >= 60  # both sizes of every zh-CN screen
    found = {
        path.name: bad
        for path in pictures
        if (bad := offences("\n".join(svg_lines(path.read_text(encoding="utf-8")))))
    }
    assert found == {}


async def _walked(database: Database, clock: FixedClock, agent: str, stops: tuple) -> dict:
    app = make_app(make_settings(database, agent=agent), clock, database)
    found: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        async for stop in walk(pilot, stops):
            if bad := offences(screen_text(app)):
                found[stop] = bad
    return found


async def test_no_screen_an_agent_walks_through_shows_english_or_internals(
    demo_database: Database, clock: FixedClock
) -> None:
    assert await _walked(demo_database, clock, "王芳", STOPS) == {}


async def test_no_screen_only_a_lead_is_offered_shows_english_or_internals(
    demo_database: Database, clock: FixedClock
) -> None:
    assert await _walked(demo_database, clock, "张伟", LEAD_STOPS) == {}


async def test_an_open_choice_says_its_esc_key_in_chinese(
    demo_database: Database, clock: FixedClock
) -> None:
    """Textual's open choice list put `esc Dismiss menu` in the intake's footer."""
    from textual.widgets import Select

    from deskui.widgets.key_footer import KeyFooter

    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#category", Select).focus()
        await pilot.press("space")  # opens the choice: its list has the focus
        await settle(pilot)
        assert app.screen.query_one("#category", Select).expanded
        footer = [key.description for key in app.screen.query_one(KeyFooter).shown_keys()]
        assert "收起列表" in footer
        assert offences(" ".join(footer)) == []
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query_one("#category", Select).expanded
