"""Every screen an F-key opens is kept when the agent leaves it with Esc, and the key shows
that same screen again (issue 27: a frame, not a rebuild), as the agent expects to find it:
what changed meanwhile is shown with no key pressed but the F-key, the choices they made and
the row under the cursor stay, a form's typing stays and an earlier save's complaints go."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from deskui.app import DeskApp, make_app
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.navigation import KeptScreen
from deskui.screens.intake import ERROR_FIELDS
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, opened_intake, screen_text, settle

KEYS = ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f12", "ctrl+k", "ctrl+t")


def file_elsewhere(db: Database, owner: str, clock: FixedClock, words: str, kind: str) -> None:
    """ "Another desk" files a record for `owner`, in a unit of work of its own."""
    with UnitOfWork(db) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == owner)
        customer = uow.customers.customers()[0]
        ticket = NewTicket(
            customer_id=customer.id,
            kind=kind,
            category="usage",
            channel="phone",
            severity="critical",
            customer_words=words,
        )
        uow.tickets.open_ticket(ticket, agent.id, clock.now())
        uow.commit()


async def back_to_desk(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    await settle(pilot)


async def test_every_screen_an_f_key_opens_is_the_same_screen_after_esc(
    demo_database: Database, clock: FixedClock
) -> None:
    """The manager (offered every key, Ctrl+T and F12 too): each key's screen, left with
    Esc (the measures' and relations' own Esc too), comes back as the same object, on top."""
    app = make_app(make_settings(demo_database, agent="刘洋"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        desk = app.screen
        for key in KEYS:
            await pilot.press(key)
            await settle(pilot)
            first = app.screen
            assert isinstance(first, KeptScreen), (key, first)
            await back_to_desk(pilot)
            assert app.screen is desk, key
            assert first.is_attached, key  # waiting off the stack, not removed
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is first, key
            await back_to_desk(pilot)
        assert app.is_running and app.return_code is None


async def test_a_kept_list_shows_what_another_desk_saved_after_the_f_key_alone(
    demo_database: Database, clock: FixedClock
) -> None:
    """F3 and F6 left with Esc: another desk files a complaint for the lead meanwhile (the
    change feed's news reaches no screen off the stack); the F-key alone shows it: the complaint in
    F3's list, its deadline in the team's, the cursor on the deadline it was on (the last,
    now a row further down) in the view the lead had chosen, the keys going to that list."""
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        complaints = app.screen
        assert "离开时另一台坐席登记的投诉" not in screen_text(app)
        await back_to_desk(pilot)
        await pilot.press("f6", "2", "1", "end")  # the surveys view and back, the last row
        await settle(pilot)
        team = app.screen
        deadlines = team.query_one("#team-work", WorkList)
        row, index, count = deadlines.cursor_row, deadlines.cursor_index, deadlines.count
        assert row is not None and count is not None and index == count - 1
        await pilot.press("2")  # the surveys: the view the lead leaves the team screen in
        await back_to_desk(pilot)

        file_elsewhere(demo_database, "张伟", clock, "离开时另一台坐席登记的投诉", "complaint")
        app.poll_changes()  # the desk reads the change while the agent is at it: the kept
        await settle(pilot)  # screens hear nothing of it, and the F-key finds the feed quiet
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is complaints
        assert "离开时另一台坐席登记的投诉" in screen_text(app)
        await back_to_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen is team and team.view == "surveys"  # type: ignore[attr-defined]
        assert app.focused is team.query_one("#team-surveys", WorkList)
        await pilot.press("1")
        await settle(pilot)
        assert deadlines.count is not None and deadlines.count > count
        assert deadlines.cursor_index == index + 1  # due before the last: sorted above it
        followed = deadlines.cursor_row
        assert followed is not None
        assert (followed.subject_type, followed.subject_id) == (row.subject_type, row.subject_id)


async def test_the_intake_comes_back_with_its_typing_and_without_an_earlier_saves_complaints(
    demo_database: Database, clock: FixedClock
) -> None:
    """Ctrl+S on a call with no number says what is missing beside the field; Esc, F2: the
    typing is there (as its draft holds it), the complaints of that save are not (a form
    built afresh showed none), and the cursor is in the phone field."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        intake = await opened_intake(pilot)
        intake.query_one("#words", TextArea).focus()
        await pilot.press(*"wifi")
        await pilot.press("ctrl+s")
        await settle(pilot)

        def complaints() -> list[str]:
            return [str(intake.query_one(f"#err-{name}", Static).render()) for name in ERROR_FIELDS]

        assert any(complaints())
        await back_to_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is intake
        assert intake.query_one("#words", TextArea).text == "wifi"
        assert not any(complaints())
        assert app.focused is intake.query_one("#phone", Input)


def resumes(app: DeskApp, log: list[events.ScreenResume]) -> Any:
    def hook(message: Any) -> None:
        if isinstance(message, events.ScreenResume) and isinstance(app.screen, KeptScreen):
            log.append(message)

    return hook


async def test_a_kept_screen_is_styled_again_only_when_the_apps_styles_changed(
    demo_database: Database, clock: FixedClock
) -> None:
    """Shown again with nothing changed, the complaints list is not styled whole again (most
    of a switch's frame); after a rule for one of its widgets is added, or the theme changed,
    while it was away, it is, and shows them."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    seen: list[events.ScreenResume] = []
    async with app.run_test(size=SIZE, message_hook=resumes(app, seen)) as pilot:
        await at_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        complaints = app.screen
        title = complaints.query_one("#complaint-list-title", Static)
        await back_to_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is complaints
        assert seen and not seen[-1].refresh_styles  # nothing changed: not styled again

        await back_to_desk(pilot)
        stylesheet = app.stylesheet
        stylesheet.add_source(
            "#complaint-list-title { text-style: underline; }", read_from=("test", "rule")
        )
        stylesheet.reparse()  # as a screen opened for the first time adds its own rules
        assert not title.styles.text_style.underline
        await pilot.press("f3")
        await settle(pilot)
        assert seen[-1].refresh_styles
        assert title.styles.text_style.underline

        await back_to_desk(pilot)
        dark = title.styles.background
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert seen[-1].refresh_styles
        assert complaints.query_one("#list", WorkList).styles.background != dark


def held_lines(screen: Any) -> list[Any]:
    """Every line the screen's widgets keep from their last drawing (Textual's caches)."""
    lines: list[Any] = []
    for widget in screen.walk_children(with_self=True):
        lines += widget._styles_cache._cache.values()
        lines += widget._render_cache.lines
    return lines


async def test_a_kept_screen_holds_each_distinct_line_once_and_draws_the_same_when_back(
    demo_database: Database, clock: FixedClock
) -> None:
    """Left with Esc, the kept intake's widgets keep their lines (its next showing draws only
    what changed), but equal lines are one object (issue 27: at 320 rows a container's
    background was the same line 320 times, each with its caches); F2 shows it again as it
    was, and it is not drawn whole again."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=(120, 100)) as pilot:
        await at_desk(pilot)
        intake = await opened_intake(pilot)
        shown = screen_text(app)
        await back_to_desk(pilot)
        await settle(pilot)
        lines = held_lines(intake)
        assert len(lines) > 500  # still drawn: kept for a one-frame switch back
        assert len({id(line) for line in lines}) == len({tuple(line) for line in lines})
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is intake
        assert screen_text(app) == shown


async def test_a_widget_draws_a_line_equal_to_the_one_before_as_that_same_line(
    demo_database: Database, clock: FixedClock
) -> None:
    """The intake shown at 100 rows: each widget's line equal to the one above it is that
    same object (issue 27: a container's background was a new line for every row, with its
    own caches, before the screen was ever left)."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=(120, 100)) as pilot:
        await at_desk(pilot)
        intake = await opened_intake(pilot)
        assert app.screen is intake
        pairs = 0
        for widget in intake.walk_children(with_self=True):
            drawn = widget._styles_cache._cache
            for y in sorted(drawn):
                if y + 1 in drawn and tuple(drawn[y]) == tuple(drawn[y + 1]):
                    pairs += 1
                    assert drawn[y] is drawn[y + 1], (widget, y)
        assert pairs > 300  # backgrounds at 100 rows
