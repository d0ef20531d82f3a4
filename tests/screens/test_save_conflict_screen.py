"""Two desks on one complaint (issue 13): another desk saves while this agent types; this
agent's save shows the conflict view with both notes and who saved, never overwriting
silently; the form still holds what was typed, and Ctrl+S there saves it knowingly."""

from __future__ import annotations

from datetime import timedelta

from deskui.app import make_app
from deskui.data.complaint_store import StepSave
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.complaint import ComplaintScreen
from deskui.screens.conflict import ConflictModal
from deskui.widgets.banner import Banner
from deskui.widgets.guarded_text import GuardedArea, GuardedText
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_complaint_screens import ANGRY, _open_from_list, _ticket

THEIRS = "李娜已电话安抚客户"
MINE = "王芳记下客户要求上门"


def _saved_elsewhere(db: Database, ticket_id: int, version: int) -> None:
    """李娜's desk saves the first step of the same complaint, from the same version."""
    with UnitOfWork(db) as uow:
        lina = next(a.id for a in uow.agents.agents() if a.name == "李娜")
        save = StepSave(
            "complaint", "thank", ("calm", "thank"), {"note": THEIRS}, expected_version=version
        )
        uow.complaints.save_complaint_step(ticket_id, lina, save, FIXED_NOW + timedelta(minutes=2))
        uow.commit()


async def test_a_complaint_saved_by_two_desks_shows_both_notes_and_keeps_the_typing(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "王芳", ticket_id)
        screen = app.screen
        assert isinstance(screen, ComplaintScreen) and screen.case is not None
        _saved_elsewhere(demo_database, ticket_id, screen.case.version)
        screen.query_one("#note GuardedArea", GuardedArea).focus()
        await pilot.press(*MINE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "李娜 于 2026-11-23 09:02 保存了这条记录" in text
        assert THEIRS in text and MINE in text
        assert "数据库" not in text  # a conflict is not a database fault
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and "▶ 1 平息情绪" in screen_text(app)
        assert screen.query_one("#note", GuardedText).text == MINE
        with UnitOfWork(demo_database) as uow:
            assert uow.complaints.complaint(ticket_id).answers["note"] == THEIRS  # not overwritten
            assert uow.drafts.load_draft(app.agent.id, "complaint", str(ticket_id)) is not None
        # saving again shows the conflict again; Ctrl+S there saves mine over theirs
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "▶ 2 感谢" in screen_text(app)
        assert screen.query_one("#complaint-trouble", Banner).message == ""
    with UnitOfWork(demo_database) as uow:
        assert uow.complaints.complaint(ticket_id).answers["note"] == MINE


async def test_a_written_reply_saved_by_another_desk_shows_both_replies(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.data.complaint_store import ReplyFactsSave
    from deskui.screens.reply_composer import ReplyComposerScreen
    from tests.screens.test_complaint_screens import LETTER, _row_of

    ticket_id = _ticket(demo_database, LETTER)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*["down"] * _row_of(demo_database, "王芳", ticket_id), "w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReplyComposerScreen) and screen.case is not None
        with UnitOfWork(demo_database) as uow:  # 李娜 saves the reply first
            lina = next(a.id for a in uow.agents.agents() if a.name == "李娜")
            theirs = ReplyFactsSave(
                "审批延误", "", None, None, "", THEIRS, expected_version=screen.case.version
            )
            uow.complaints.save_reply_facts(ticket_id, lina, theirs, FIXED_NOW)
            uow.commit()
        await pilot.press(*"业务员未及时提交优惠审批")
        reply = screen.query_one("#reply GuardedArea", GuardedArea)
        reply.focus()
        await pilot.pause()
        reply.move_cursor((0, 0))  # the letter's start: shown in the dialog
        await pilot.press(*MINE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "李娜 于 2026-11-23 09:00 保存了这条记录" in text
        assert THEIRS in text and MINE in text and "审批延误" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#reply", GuardedText).text.startswith(MINE)  # kept as typed
    with UnitOfWork(demo_database) as uow:
        assert uow.complaints.complaint(ticket_id).reply_text == THEIRS


async def test_the_lead_saving_a_reply_then_the_complaint_step_is_not_told_someone_saved_first(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 26: 张伟 saved the written reply (Ctrl+R from the complaint, Ctrl+S, Esc), then
    finished the step: "这条记录已被别人先保存 张伟", about himself. Both forms save the one
    complaint record; the step now saves, and so does the reply after it."""
    from deskui.screens.reply_composer import ReplyComposerScreen

    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "张伟", 1)
        complaint = app.screen
        assert isinstance(complaint, ComplaintScreen) and complaint.case is not None
        await pilot.press("ctrl+r")
        await settle(pilot)
        reply = app.screen
        assert isinstance(reply, ReplyComposerScreen)
        await pilot.press(*"设备批次问题", "ctrl+s")
        await settle(pilot)
        assert "回复已保存" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is complaint
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictModal), screen_text(app)
        assert "别人" not in screen_text(app)
        assert "▶ 2 感谢" in screen_text(app)
        # and back the other way: the step saved here, the reply opened again saves too
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictModal), screen_text(app)
        assert "回复已保存" in screen_text(app)
    with UnitOfWork(demo_database) as uow:
        record = uow.complaints.complaint(1)
        assert record.cause == "设备批次问题" and record.step == "thank"


async def test_a_record_the_agent_saved_at_another_desk_is_said_as_theirs_not_someone_elses(
    demo_database: Database, clock: FixedClock
) -> None:
    """The same agent at two desks still meets the version check (nothing is overwritten
    silently), but the view says it was their own save, not another colleague's."""
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "张伟", 1)
        screen = app.screen
        assert isinstance(screen, ComplaintScreen) and screen.case is not None
        with UnitOfWork(demo_database) as uow:  # 张伟's other desk saves the step first
            zhang = next(a.id for a in uow.agents.agents() if a.name == "张伟")
            save = StepSave(
                "complaint",
                "thank",
                ("calm", "thank"),
                {"note": THEIRS},
                expected_version=screen.case.version,
            )
            uow.complaints.save_complaint_step(1, zhang, save, FIXED_NOW + timedelta(minutes=2))
            uow.commit()
        screen.query_one("#note GuardedArea", GuardedArea).focus()
        await pilot.press(*MINE, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = screen_text(app)
        assert "这条记录你已在别处先保存过" in text and "你先前保存的" in text
        assert "你于 2026-11-23 09:02 在另一个窗口或另一台电脑上保存了这条记录" in text
        assert "别人" not in text and "对方" not in text
        assert THEIRS in text and MINE in text
    with UnitOfWork(demo_database) as uow:
        assert uow.complaints.complaint(1).answers["note"] == THEIRS
