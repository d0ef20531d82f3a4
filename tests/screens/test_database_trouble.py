"""A database that will not open: a banner says why, and the desk stays up."""

from __future__ import annotations

from pathlib import Path

from deskui.app import make_app
from deskui.config import Settings
from deskui.data.database import Database, DatabaseError
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.widgets.banner import Banner
from tests.screens.desk_pilot import SIZE, screen_text, settle


class BrokenDatabase(Database):
    """Opens, but its migration fails as a full disk or a locked file would make it fail."""

    def upgrade(self) -> None:
        raise DatabaseError("database is locked by another program; retrying")


async def test_missing_folder_shows_the_trouble_banner_and_the_app_stays_up(
    tmp_path: Path, clock: FixedClock
) -> None:
    missing = tmp_path / "no-such-folder" / "desk.db"
    settings = Settings(database_url=f"sqlite:///{missing}", agent_name="王芳")
    app = make_app(settings, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#trouble", Banner)
        assert banner.display
        # one line of plain words: what is wrong and what to do; the raw text is logged
        from deskui.desk_log import log_path

        assert banner.message == (  # and where the driver's words are (issue 28)
            "找不到数据库文件或它所在的文件夹：请管理员检查数据库的位置。"
            f"原因已记入日志 {log_path()}。已输入的内容不会丢失。"
        )
        assert "folder does not exist" in Path(str(log_path())).read_text("utf-8")
        assert "找不到数据库文件" in screen_text(app)
        assert "folder does not exist" not in screen_text(app)
        assert app.is_running and isinstance(app.screen, DeskScreen)
        assert app.agent is None

        await pilot.press("f6")  # nothing to show yet: a bell, not a crash
        await pilot.press("f1", "escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DeskScreen)
    assert not missing.parent.exists()  # and nothing was created on the way


async def test_failed_upgrade_shows_the_trouble_banner_in_english(
    tmp_path: Path, clock: FixedClock
) -> None:
    database = BrokenDatabase(f"sqlite:///{tmp_path / 'locked.db'}")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'locked.db'}", locale="en", agent_name="王芳"
    )
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#trouble", Banner)
        assert banner.display
        assert banner.message.startswith("Another program is holding the database")
        assert "Another program is holding the database" in screen_text(app)
        assert "database is locked" not in screen_text(app)
        assert app.is_running and isinstance(app.screen, DeskScreen)
    database.dispose()


async def test_the_trouble_banner_keeps_the_cause_while_the_app_ticks(
    tmp_path: Path, clock: FixedClock
) -> None:
    database = BrokenDatabase(f"sqlite:///{tmp_path / 'locked.db'}")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'locked.db'}", agent_name="王芳")
    app = make_app(settings, clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._tick()  # the app's one timer, twice: a change poll is due
        app._tick()
        for _ in range(5):  # not settle(): the failing poll worker would raise out of it
            await pilot.pause(0.05)
        message = app.screen.query_one("#trouble", Banner).message
        assert message.startswith("数据库正被另一个程序占用"), message
    database.dispose()
