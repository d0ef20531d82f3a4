"""Files a demo desk writes (written replies, handover reports) stay in the demo's own
folder, named in the site's local time (issue 13: the demo leaves no trace)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.reply_composer import ReplyComposerScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.screens.test_complaint_screens import LETTER, _row_of, _ticket
from tests.screens.test_handover_screen import _hand_over_as_li_na


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


async def test_a_demo_reply_and_handover_report_stay_in_the_demo_folder(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    demo_folder = tmp_path / "deskui-demo-x"
    demo_folder.mkdir()
    settings = replace(
        make_settings(demo_database, agent="李娜"), demo=True, files_folder=str(demo_folder)
    )
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _hand_over_as_li_na(pilot)
        await pilot.press("p")
        await settle(pilot)
    # DESKUI_DATA_DIR (tests/conftest.py) stands for the user's real data folder
    assert not (tmp_path / "data").exists() or _files(tmp_path / "data") == []
    reports = _files(demo_folder / "reports")
    # handed over at 09:00 in Shanghai (01:00 UTC): the name says 0900
    assert len(reports) == 2 and all(name.startswith("handover-20261123-0900-") for name in reports)


async def test_a_demo_written_reply_is_named_in_local_time_inside_the_demo_folder(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    demo_folder = tmp_path / "deskui-demo-y"
    settings = replace(make_settings(demo_database), demo=True, files_folder=str(demo_folder))
    ticket_id = _ticket(demo_database, LETTER)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*["down"] * _row_of(demo_database, "王芳", ticket_id), "w")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposerScreen)
        await pilot.press("ctrl+e")
        await settle(pilot)
    assert not (tmp_path / "data").exists() or _files(tmp_path / "data") == []
    files = _files(demo_folder)
    # the desk's own log, in the demo's folder and gone with it
    assert re.fullmatch(r"logs/desk-\d{8}-\d{6}-\d+\.log", files.pop(0))
    assert files == [
        f"replies/complaint-{ticket_id}-20261123-0900.pdf",
        f"replies/complaint-{ticket_id}-20261123-0900.txt",
    ]
