"""A fast random key walk never ends the desk (issue 23): a walk of 200 keys over F1-F10,
Ctrl+K, Esc, Tab, Enter and the arrows ended with exit 70 after 122 keys.

Each walk is 300 keys in bursts of 25 with no pause between the keys of a burst (F1-F10,
Ctrl+K, Ctrl+P, Esc, Tab, Shift+Tab, Enter, the arrows, the screens' letters a r h l w s m x c
and 1-5, Ctrl+S, Ctrl+D), hostile text typed or pasted into whatever has focus (markup, ESC
sequences, formulas, NUL, a bidi override, 2,000 characters); one walk per role (agent, lead,
manager, department member) at 80x24 and at 120x36, each its own seed: 2,400 keys, about 60 s
of test time on two cores. Any uncaught error, exit, failed worker or key the desk lost
fails it, with the keys that led there.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.databases import DEMO, sqlite_template
from tests.screens.desk_pilot import settle
from tests.screens.key_burst import burst, handled
from tests.screens.key_walk import Walk, chunks, label, quits_counted, walk_keys, watch

ROLES = ("王芳", "张伟", "刘洋", "赵磊")
"""The demo's agent, lead, manager and department member."""
SIZES = ((80, 24), (120, 36))
KEYS_PER_WALK = 300
BURST = 25


@pytest.fixture
def demo_file() -> Path:
    """The demo this process seeded once (tests/databases.py); each walk gets a copy (its
    saves stay its own)."""
    return sqlite_template(DEMO)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("role", ROLES)
async def test_a_fast_key_walk_never_ends_the_desk(
    demo_file: Path, tmp_path: Path, clock: FixedClock, role: str, size: tuple[int, int]
) -> None:
    seed = 23_000 + ROLES.index(role) * len(SIZES) + SIZES.index(size)
    shutil.copyfile(demo_file, tmp_path / "walk.db")
    database = Database(f"sqlite:///{tmp_path / 'walk.db'}")
    app = make_app(make_settings(database, agent=role), clock, database)
    walk = Walk()
    screens: set[str] = set()

    def where() -> str:
        return f"seed {seed}, the last keys: {' '.join(walk.keys[-40:])}"

    try:
        async with app.run_test(size=size, message_hook=watch(walk)) as pilot:
            quits_counted(app, walk)
            await settle(pilot)
            for keys in chunks(walk_keys(random.Random(seed)), BURST, KEYS_PER_WALK):
                walk.keys += [label(key) for key in keys]
                burst(app, keys)
                await handled(pilot, settled=False)
                screens.add(type(app.screen).__name__)
                if walk.failures or not app.is_running:
                    break
            await settle(pilot)  # what the last keys started fails here, if it fails
            assert app.is_running and app.return_code is None, where()
    except Exception as error:
        raise AssertionError(f"the desk stopped: {error!r}; {where()}") from error
    finally:
        database.dispose()
    assert not walk.failures, f"{walk.failures}; {where()}"
    assert app.lost_key_trails == 0, f"a key's trail was lost; {where()}"
    assert len(walk.keys) == KEYS_PER_WALK
    assert len(screens) >= 5, f"the walk stayed on {screens}"  # it walked the desk
