"""Each step of a complaint at 120x36 (seed 001:6.1-6.7): all seven in zh-CN, three in en,
the lead's apology and the written-reply composer. Frozen clock, demo data, dark theme, no
blinking cursor. Update with `--snapshot-update` only after looking at the report.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.complaint_store import StepSave
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.assignment import lead_taking_over
from deskui.domain.clock import FixedClock
from deskui.domain.model import TicketStatus
from deskui.domain.ticket_life import Transition
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle

ANGRY = "你们的网络从早上断到现在"
ORDER = ("calm", "thank", "apology", "commit", "gather", "fix", "resolved", "confirm")
STEP_ANSWERS: dict[str, dict[str, object]] = {
    "commit": {"promised_at": "2026-11-23 16:00"},
    "gather": {"promised_at": "2026-11-23 16:00"},
    "fix": {"cause": "光纤接头松动"},
    "confirm": {"action_taken": "已派人重新接好光纤", "fixed_now": "yes"},
}


def _at_step(db: Database, step: str, *, lead_takeover: bool = False) -> int:
    """Put the angry caller's complaint at `step`, as if the agent had walked there."""
    with UnitOfWork(db) as uow:
        ticket_id = uow.session.scalars(
            select(m.Ticket.id).where(m.Ticket.customer_words.startswith(ANGRY))
        ).one()
        agent = uow.session.scalars(select(m.Agent.id).where(m.Agent.name == "王芳")).one()
        path = ORDER[: ORDER.index(step) + 1]
        answers: dict[str, object] = {}
        for done in path:
            answers.update(STEP_ANSWERS.get(done, {}))
        if step == "confirm":
            answers["cause"] = "光纤接头松动"
        # the call is the first contact: in progress, as the service's ticket life decides
        save = StepSave("complaint", step, path, answers, status="in_progress", first_contact=True)
        uow.complaints.save_complaint_step(ticket_id, agent, save, FIXED_NOW)
        if lead_takeover:
            taken = Transition(TicketStatus.WITH_LEAD)
            lead = lead_taking_over(uow.agents.agent_team(agent), uow.agents.active_leads())
            assert lead is not None
            uow.complaints.hand_to_lead(ticket_id, agent, FIXED_NOW, taken, lead.id)
        uow.commit()
    return ticket_id


def _opening(ticket_id: int, *keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)  # the incoming handover, shown by a worker, first
        pilot.app.open_complaint(ticket_id)  # type: ignore[attr-defined]
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("step", ["calm", "thank", "apology", "commit", "gather", "fix", "confirm"])
def test_complaint_step_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock, step: str
) -> None:
    ticket_id = _at_step(demo_database, step)
    keys = ("ctrl+s",) if step == "gather" else ()  # the cause is missing: refused, and why
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening(ticket_id, *keys))


@pytest.mark.parametrize("step", ["calm", "gather", "confirm"])
def test_complaint_step_en(
    snap_compare: Any, demo_database: Database, clock: FixedClock, step: str
) -> None:
    ticket_id = _at_step(demo_database, step)
    app = make_app(make_settings(demo_database, locale="en", agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening(ticket_id))


def test_complaint_lead_apology_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _at_step(demo_database, "fix", lead_takeover=True)
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening(ticket_id))


def test_complaint_note_flagged_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _at_step(demo_database, "calm")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _opening(ticket_id)(pilot)
        pilot.app.screen.query_one("#note TextArea", TextArea).focus()
        await pilot.press(*"这个真的不行")
        await pilot.pause()

    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reply_composer_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        ticket_id = uow.session.scalars(
            select(m.Ticket.id).where(m.Ticket.customer_words.startswith("来信："))
        ).one()

    async def run_before(pilot: Pilot[Any]) -> None:
        from deskui.screens.reply_composer import ReplyComposerScreen

        await settle(pilot)
        pilot.app.push_screen(ReplyComposerScreen(ticket_id))
        await settle(pilot)
        pilot.app.screen.query_one("#cause", Input).focus()
        await pilot.press(*"业务员未及时提交优惠审批", "ctrl+g")
        await pilot.pause()

    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
