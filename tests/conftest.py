"""Shared fixtures: a frozen clock, databases on SQLite (always) and PostgreSQL (when given)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskui.config import Settings
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.databases import (
    DEMO,
    MIGRATED,
    close_postgres_schemas,
    postgres_schemas,
    sqlite_copy,
    sqlite_template,
)

# Monday of a normal working week, nine in the morning in Shanghai
FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


TEAM_ENVIRONMENT = (
    "DESKUI_TEAM",
    "DESKUI_INBOX_DIR",
    "DESKUI_EXPORT_DIR",
    "SSH_CONNECTION",
    "SSH_CLIENT",
    "SSH_TTY",
    "TEXTUAL_DRIVER",
)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the user's real data folder."""
    monkeypatch.setenv("DESKUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DESKUI_DATABASE_URL", raising=False)
    for name in TEAM_ENVIRONMENT:  # a single desk on its own machine, unless a test says
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _toasts_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast stays until the test ends: Textual times toasts out on the real clock, so a
    loaded machine would otherwise decide whether a snapshot still shows one."""
    from deskui.app import DeskApp

    monkeypatch.setattr(DeskApp, "NOTIFICATION_TIMEOUT", 3600.0)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` starts two workers per core: a Pilot test spends about 40% of its wall time
    waiting on the app's timers and pauses (the suite took 164% of two cores with four workers
    and 118% with two: 9:21 against 13:44 for 1,606 tests). PYTEST_XDIST_AUTO_NUM_WORKERS,
    when set, decides as xdist's own hook does."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return 2 * (os.cpu_count() or 1)


SLOW_FIRST: tuple[str, ...] = (
    "tests/screens/test_screen_switching.py::test_random_screen_switching_shows_the_screen_last_asked_for",
    "tests/screens/test_footer_fits.py::test_every_screens_footer_shows_whole_keys_at_120_100_and_80_columns",
    "tests/screens/test_department_sees_no_number.py::test_a_department_member_sees_no_whole_number_on_any_screen",
    "tests/screens/test_zh_cn_words.py::test_no_screen_an_agent_walks_through_shows_english_or_internals",
    "tests/screens/test_stored_text_on_screen.py::test_no_screen_paints_a_stored_control_character_and_each_shows_its_escape",
    "tests/test_web_browser.py",
    "tests/services/test_backup_service.py",
    "tests/screens/test_screen_switching.py::test_every_ordered_pair_of_screen_keys_keeps_the_desk_running",
    "tests/screens/test_department_screens.py::test_a_ticket_goes_to_technical_and_returns_to_its_owner_with_each_legs_time",
    "tests/screens/test_privacy_screens.py::test_no_screen_shows_an_erased_person",
    "tests/screens/test_key_walk.py::test_a_fast_key_walk_never_ends_the_desk",
    "tests/screens/test_complaint_screens.py::test_an_angry_callers_complaint_walks_through_all_seven_steps",
    "tests/test_cli.py::test_demo_export_is_deterministic",
    "tests/data/test_connections_held.py",
    "tests/screens/test_drafts_survive_sigkill.py::test_the_text_typed_is_there_after_sigkill_and_a_restart",
    "tests/screens/test_search_screen.py::test_markup_and_controls_in_ticket_words_show_as_typed",
    "tests/screens/test_ticket_life_screens.py::test_a_question_routed_to_technical_is_resolved_from_its_detail",
    "tests/screens/test_database_comes_back.py::test_a_form_open_while_the_server_is_away_keeps_its_typing_and_its_banner_clears",
    "tests/screens/test_zh_cn_words.py::test_no_screen_only_a_lead_is_offered_shows_english_or_internals",
    "tests/screens/test_screens_kept.py::test_every_screen_an_f_key_opens_is_the_same_screen_after_esc",
    "tests/screens/test_team_desk_files_screen.py",
    "tests/screens/test_complaint_screens.py::test_after_the_hand_over_to_the_lead_progress_shows_only_what_happened",
    "tests/screens/test_intake_kept.py::test_a_call_that_lands_while_the_intake_is_kept_is_not_shown_again",
    "tests/screens/test_complaint_screens.py::test_the_lead_takeover_shows_in_the_leads_queue_with_its_countdown",
    "tests/screens/test_intake_keys.py::test_every_intake_stop_shows_its_focus_in_both_themes",
)
"""The longest tests (a file: all of its tests), longest first, as CI's durations list them:
with several workers each starts its share of them first (pytest_collection_modifyitems)."""


def _slow_rank(nodeid: str) -> int | None:
    for rank, name in enumerate(SLOW_FIRST):
        if nodeid == name or nodeid.startswith((f"{name}[", f"{name}::")):
            return rank
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each xdist worker starts with its share of the longest tests (SLOW_FIRST), dealt in turn
    from the longest, so none of them starts late and leaves the run a tail on one core.

    xdist's worksteal hands worker k the k-th contiguous share of the collection at the start
    and later moves only the ends of shares: the dealt tests go at the head of each share. The
    workers order their collections alike (xdist checks that they match); a test's checks do
    not depend on the order (each has its own database and app)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if workers < 2 or config.getoption("dist", None) != "worksteal":
        return
    ranks = {item.nodeid: _slow_rank(item.nodeid) for item in items}
    slow = sorted(
        (item for item in items if ranks[item.nodeid] is not None),
        key=lambda item: ranks[item.nodeid],
    )  # stable: parameters keep their order
    if not slow:
        return
    rest = iter([item for item in items if ranks[item.nodeid] is None])
    heads: list[list[pytest.Item]] = [slow[k::workers] for k in range(workers)]
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for k, head in enumerate(heads):
        share = remaining // (workers - k)  # as xdist's WorkStealingScheduling.check_schedule
        remaining -= share
        ordered += head
        ordered += [next(rest) for _ in range(max(0, share - len(head)))]
    ordered += list(rest)
    assert len(ordered) == len(items)
    items[:] = ordered


@pytest.fixture(autouse=True, scope="session")
def _pilot_looks_every_5_ms() -> None:
    """With DESKUI_TEST_QUICK_WAITS=1, Pilot waits for a quiet app in 5 ms looks instead of
    Textual's 20 (tests/pilot_waits.py) in every test; the screen tests always do (quick_waits
    below). Earlier runs on a loaded machine found the walk-heavy screen files 13% faster but
    the intake files 12-16% slower, and one failed
    test_the_digit_that_completes_a_number_shows_the_card_found_ahead; the paired runs quoted
    at quick_waits found both faster, and tests/screens passed whole with them at load 5-14."""
    if os.environ.get("DESKUI_TEST_QUICK_WAITS") == "1":
        from tests import pilot_waits

        pilot_waits.install()


@pytest.fixture
def quick_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot waits in 5 ms looks for this test only (tests/pilot_waits.py), put back after it;
    every test under tests/screens asks for it (tests/screens/conftest.py). Measured in paired
    runs on the loaded machine (22:05-22:20 UTC, load 2-11): the agent's zh-CN walk 24 -> 15 s
    for the same CPU; tests/screens/test_intake_screen.py 83.5 -> 58.8 s (30.4 s of CPU
    each), where the earlier runs the note above quotes had found the intake files slower."""
    import textual.app
    import textual.pilot

    from tests import pilot_waits

    monkeypatch.setattr(textual.pilot, "wait_for_idle", pilot_waits.wait_for_idle)
    monkeypatch.setattr(textual.app, "wait_for_idle", pilot_waits.wait_for_idle)


@pytest.fixture(autouse=True)
def _polls_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tick holds its polls back for half a second after a key (wall clock); tests that
    press keys and then tick expect the tick to poll; test_live_changes tests the hold."""
    monkeypatch.setattr("deskui.app.TYPING_PAUSE", 0.0)


_cheap: dict[str, Any] = {}
"""argon2id at its lowest costs for every test but those marked `real_hashes`: the
library's recommended costs take some 100 ms a hash on two idle cores, and a sign-in that
meets an unknown name checks the kept dummy hash at those costs too."""


@pytest.fixture(autouse=True)
def _cheap_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every account's password hashed at argon2's lowest costs (and the dummy an unknown name is
    checked against made at the same costs), unless the test is marked `real_hashes`: the
    tests of the costs themselves. A desk process a test starts hashes at the real costs."""
    if request.node.get_closest_marker("real_hashes"):
        return
    from argon2 import PasswordHasher

    from deskui.services import accounts

    if not _cheap:
        _cheap["hasher"] = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        _cheap["dummy"] = _cheap["hasher"].hash("a name nobody has")
    monkeypatch.setattr(accounts, "_HASHER", _cheap["hasher"])
    monkeypatch.setattr(accounts, "_DUMMY", _cheap["dummy"])


def pytest_configure(config: pytest.Config) -> None:
    """Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on the machines the
    suite runs on): without it every xdist worker compiled deskui and rewrote the asserts of
    every test module again at each start (13.5 s of CPU to collect against 4.3 s with the
    files cached), and every desk or command a test starts compiled what it imports again.
    The files go to __pycache__ beside the sources (.gitignore); the xdist workers and the
    processes the tests start inherit the environment this leaves."""
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


HEAP_THAWED_EVERY = 100
"""Tests between passes over the whole heap, the frozen part too (_heap_frozen_again)."""
_tests_run = [0]


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules collection imported are frozen before the first test (_heap_frozen_again)."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After each test (its fixtures torn down) what it left is collected and what is still
    alive frozen: the modules and caches of the test process, which a full GC pass would
    otherwise walk again after every test (a quarter of a screen test's CPU went into them).
    Every HEAP_THAWED_EVERY tests the whole heap is unfrozen and collected first, so what was
    frozen alive and has died since in a cycle is freed too."""
    result = yield
    _tests_run[0] += 1
    if _tests_run[0] % HEAP_THAWED_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
    return result


@pytest.fixture(autouse=True)
def _heap_frozen_by_the_run(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desk freezes the heap when it starts and unfreezes it when it ends (deskui/memory.py):
    in a test process that made every test's end a full GC pass over the modules of the whole
    run. Here the run keeps the heap frozen instead (pytest_runtest_protocol) and a desk's
    IdleCollector neither freezes nor unfreezes; it still turns automatic full passes off
    and runs its idle ones. Tests marked `real_gc_freeze` get the desk's own freezing."""
    if request.node.get_closest_marker("real_gc_freeze"):
        return
    from deskui import memory

    monkeypatch.setattr(memory, "freeze_startup_objects", lambda: None)
    monkeypatch.setattr(memory, "thaw_startup_objects", lambda: None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


def _postgres_url() -> str | None:
    url = os.environ.get("DESKUI_TEST_DATABASE_URL")
    if not url and os.environ.get("DESKUI_REQUIRE_POSTGRES") == "1":
        pytest.fail("DESKUI_REQUIRE_POSTGRES=1 but DESKUI_TEST_DATABASE_URL is not set")
    return url


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """The migrated file this process copies (tests/databases.py): a session fixture, so it
    is built before the first test that needs it sets up anything of its own."""
    return sqlite_template(MIGRATED)


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The demo file this process copies, built as migrated_template is."""
    return sqlite_template(DEMO)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path
) -> Iterator[Database]:
    """A migrated database of the test's own on each backend, with no agent, as the
    migrations leave a new one: on SQLite a copy of the file this process migrated once, on
    PostgreSQL a schema of its own put back to that state after the test before the next
    gets it (tests/databases.py). tests/data/test_migrations.py runs the migrations
    themselves on each backend (fresh_database)."""
    if request.param == "sqlite":
        db = sqlite_copy(tmp_path / "test.db")
        yield db
        db.dispose()
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    with postgres_schemas(url).database() as db:
        yield db


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database migrated from nothing in this test on each backend (an empty SQLite file,
    an empty PostgreSQL schema): the migrations under test, not a copy of their result."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        db.upgrade()
        yield db
        db.dispose()
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL: set DESKUI_TEST_DATABASE_URL")
    with postgres_schemas(url).fresh_schema() as db:
        db.upgrade()
        yield db


@pytest.fixture
def demo_database(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    """The demo desk on SQLite, seeded at FIXED_NOW: the fixed data of screen tests (a copy of
    the demo this process seeded once)."""
    db = sqlite_copy(tmp_path / "demo.db", DEMO)
    yield db
    db.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Each process (each xdist worker) drops the PostgreSQL schemas it kept."""
    close_postgres_schemas()


def make_settings(
    db: Database, *, locale: str = "zh-CN", agent: str | None = "王芳", demo: bool | None = None
) -> Settings:
    """A desk's settings on `db`; `demo` as `--demo` would be given (issue 23: the demo's
    people sign in without a password only then). By default a database the demo seeded is
    opened as the demo opens it; `demo=False` opens it as a real desk would."""
    if demo is None:
        with UnitOfWork(db) as uow:
            demo = any(a.demo for a in uow.accounts.accounts())
    return Settings(
        database_url=db.url.render_as_string(hide_password=False),
        locale=locale,
        agent_name=agent,
        theme="textual-dark",
        demo=demo,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed snapshot test's log says which lines of the screen differ (CI has no report)."""
    report = yield
    snapshot = "snap_compare" in getattr(item, "fixturenames", ())
    if report.when == "call" and report.failed and snapshot:
        from pytest_textual_snapshot import node_to_report_path

        from tests.snapshot_text import report_diff

        diff = report_diff(node_to_report_path(item))
        if diff is not None:
            report.sections.append(("snapshot text, expected and actual", diff))
    return report
