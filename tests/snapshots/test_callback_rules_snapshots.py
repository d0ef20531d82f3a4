"""The rest of issue 6 at 120x36 on the demo desk: the sales head's confirmation before the
script (with "not now" picked), this quarter's missing survey forms in the team view, the
promotions a lead recorded. The desk's notice of due callbacks is in test_desk_*.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


def _pressing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)  # the incoming handover is closed first
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()  # toasts come and go with timing: not part of the look
        await settle(pilot)

    return run_before


def test_callback_sales_confirmation_not_now(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    # the fourth row is the flagged customer's routine callback; 赵磊 → 暂不回访
    keys = ("f4", "down", "down", "down", "enter", "赵", "磊", "enter", "down", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing(*keys))


def test_team_missing_survey_forms(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f6", "2"))


def test_callback_promotions_en(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟", locale="en"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f4", "6"))
