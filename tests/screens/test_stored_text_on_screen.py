"""No stored text drives the terminal (issue 23): with a clear-screen (ESC [2J), a terminal
rename (OSC 0 … BEL), an 8-bit CSI and a right-to-left override in every free-text field
of the demo, a walk over every screen, its dialogs and the first row of each list paints
none of them, and shows the escape (`\\x1b[2J`) instead; the records keep them as stored."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from sqlalchemy import select, update
from textual.geometry import Region
from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk
from tests.screens.screen_walk import LEAD_STOPS, STOPS, once_each, walk

HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"
SHOWN = r"\x1b[2J"
DRIVING = ("\x1b", "\x07", "\x9b", "\u202e")
FREE_TEXT: dict[Any, tuple[str, ...]] = {
    m.Customer: ("name", "address", "unit_number", "notes"),
    m.Contact: ("name", "position", "convenient_time", "personal_notes"),
    m.Ticket: ("customer_words", "expectation", "answer"),
    m.HandoverItem: ("customer_name", "title", "done_so_far", "next_step", "note"),
    m.Callback: ("notes", "occasion", "sales_head", "sales_note"),
    m.Notification: ("text",),
    m.Order: ("shop", "customer", "responsible", "reason"),
    m.ComplaintRecord: ("cause", "responsible", "result", "reply_text"),
    m.VisitRequest: ("reason", "frequency", "decision_note", "feedback"),
    m.DepartmentLeg: ("note", "measures", "result"),
    m.Attachment: ("filename",),
    m.Visit: ("visitor", "company", "purpose", "host", "prepare"),
    m.ContractorPass: ("company", "people", "area", "issued_by"),
    m.PhoneMessage: ("from_name", "message"),
    m.Correspondence: ("party", "handed_to", "note"),
    m.Prospect: ("interest", "outcome"),
    m.Gift: ("gift", "confirm_note"),
    m.CustomerEvent: ("name", "place", "plan"),
    m.Promotion: ("name",),
    m.CalendarDay: ("note",),
}
"""Every field a person types or a file imports, as the demo has it."""

BLANK_FORMS = frozenset(
    {
        "help", "intake", "command palette", "command palette, nothing found",
        "handover item form", "visitor form", "correspondence form", "profile form",
    }
)  # fmt: skip
"""Stops that show no stored text: left out to keep the walk short."""
RECORD_STOPS = tuple(stop for stop in (*STOPS, *LEAD_STOPS) if stop[0] not in BLANK_FORMS)
ROWS_OPENED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a customer's history", ("ctrl+k", "h")),
    ("a handover item's history", ("f5", "l")),
    ("a callback's history", ("f4", "3", "l")),
    ("a customer's form", ("ctrl+k", "enter")),
    *(
        (f"{name}, first row", (*keys, "enter"))
        for name, keys in STOPS
        if len(keys) == 1 and keys[0] not in ("f1", "f2", "ctrl+p", "n")
    ),
)
"""The history views, and Enter on each list's first row (walked once_each: the complaint,
the callback call and the customer's form are these keys' first names)."""


def poisoned(db: Database) -> None:
    """The hostile text after every free-text field, and in one agent's name."""
    with UnitOfWork(db) as uow:
        for model, fields in FREE_TEXT.items():
            values = {field: getattr(model, field) + HOSTILE for field in fields}
            uow.session.execute(update(model).values(values))
        renamed = update(m.Agent).where(m.Agent.name == "李娜").values(name="李娜" + HOSTILE)
        uow.session.execute(renamed)
        uow.commit()


def painted(app: Any) -> str:
    """What the terminal would be sent for the whole screen, its own cursor moves left out."""
    update_ = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console = Console(file=io.StringIO(), force_terminal=True, width=SIZE[0], height=SIZE[1])
    return "".join(s.text for s in console.render(update_) if not s.control)


EDITABLE = (Input, TextArea)
"""Where the record's own value is edited: it stays as stored, the guard shows it."""


def unguarded(app: Any) -> dict[str, str]:
    """Widgets other than editors that paint a control character with the app's last-line
    filter off: a screen that built display text from a record without `visible`."""
    app.terminal_guard.enabled = False
    found: dict[str, str] = {}
    try:
        for widget in app.screen.query("*"):
            if isinstance(widget, EDITABLE) or not widget.display or not widget.region.area:
                continue
            width, height = widget.outer_size
            for strip in widget.render_lines(Region(0, 0, width, height)):
                if any(char in strip.text for char in DRIVING):
                    found[f"{type(widget).__name__}#{widget.id}"] = strip.text.strip()
                    break
    finally:
        app.terminal_guard.enabled = True
    return found


async def test_no_screen_paints_a_stored_control_character_and_each_shows_its_escape(
    demo_database: Database, clock: FixedClock
) -> None:
    poisoned(demo_database)
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    driven: dict[str, list[str]] = {}
    built_without_visible: dict[str, dict[str, str]] = {}
    shown: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        async for stop in walk(pilot, once_each((*RECORD_STOPS, *ROWS_OPENED))):
            text = painted(app)
            if found := [repr(char) for char in DRIVING if char in text]:
                driven[stop] = found
            if SHOWN in text:
                shown.add(stop)
            if found_widgets := unguarded(app):
                built_without_visible[stop] = found_widgets
    assert driven == {}
    assert built_without_visible == {}
    assert {
        "desk",
        "profiles",
        "messages",
        "passes",
        "prospects",
        "events",
        "complaint",
        "a customer's form",
    } <= shown
    with UnitOfWork(demo_database) as uow:  # shown, never changed
        names = uow.session.scalars(select(m.Customer.name)).all()
        assert names and all(name.endswith(HOSTILE) for name in names)
