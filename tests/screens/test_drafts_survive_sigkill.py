"""What is typed survives the process dying (DESIGN.md 5; issue 13): the app runs in a real
subprocess on a file database, types into a form and waits past the draft's half second;
SIGKILL ends it (no clean-up runs); a new app on the same database opens the same form and
finds the text, with the notice that it was restored."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from deskui.data.database import Database
from deskui.i18n import t
from tests.screens.desk_pilot import SIZE, at_desk
from tests.screens.kill_driver import FORMS, TYPED, app_for, field_text

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0
"""Time the driver may take to start and type, on a loaded CI machine."""


def _typed_then_killed(url: str, form: str, data_dir: Path) -> None:
    env = {**os.environ, "DESKUI_DATA_DIR": str(data_dir)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "tests.screens.kill_driver", url, form],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([driver.stdout], [], [], START_SECONDS)
        line = driver.stdout.readline() if ready else ""  # type: ignore[union-attr]
        if line.strip() != TYPED:
            driver.kill()
            _, errors = driver.communicate()
            pytest.fail(f"the driver did not type: {line!r}\n{errors[-3000:]}")
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=10)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert driver.returncode == -signal.SIGKILL


@pytest.mark.parametrize("form", list(FORMS))
async def test_the_text_typed_is_there_after_sigkill_and_a_restart(
    demo_database: Database, tmp_path: Path, form: str
) -> None:
    url = demo_database.url.render_as_string(hide_password=False)
    _typed_then_killed(url, form, tmp_path / "data")
    spec = FORMS[form]
    app = app_for(url, spec)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await spec.open(pilot)
        assert spec.text in field_text(app.screen, spec.field)
        notices = " ".join(str(n.message) for n in app._notifications)
        assert t("drafts.restored") in notices or t("intake.draft_restored") in notices
