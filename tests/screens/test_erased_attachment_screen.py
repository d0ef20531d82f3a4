"""An attachment erased on the person's request (issue 28) as the agent then sees it: the
list says it was erased, with its type, size, who attached it and when (the record's facts),
never its old name; saving it out is refused in words and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.frontdesk_store import AttachmentRules
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.services import privacy
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_team_desk_files_screen import _open_attachments
from tests.services.test_privacy_service import _actors, add_person

LETTER = "欧阳晴雪的病历.pdf"


async def test_an_erased_attachment_shows_as_erased_and_cannot_be_saved_out(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    later = FIXED_NOW + timedelta(minutes=10)
    ids = add_person(demo_database, later)
    people = _actors(demo_database)
    with UnitOfWork(demo_database) as uow:
        uow.frontdesk.add_attachment_content(
            ids["ticket"], LETTER, b"%PDF-1.4\n" + b"x" * 2048, people["王芳"].id, later,
            AttachmentRules(),
        )  # fmt: skip
        uow.commit()
    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(demo_database) as uow:
        privacy.erase_person(uow, people["刘洋"], privacy.ErasePerson(who, "来函"), later)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_attachments(pilot, ids["ticket"])
        text = screen_text(app)
        assert "（已应本人要求删除）" in text and "2.0 KB" in text and "王芳" in text
        assert "病历" not in text
        target = tmp_path / "out"
        target.mkdir()
        await pilot.press(*str(target), "ctrl+o")
        await settle(pilot)
        assert "该附件已应本人要求删除" in screen_text(app)
    assert list(target.iterdir()) == []
