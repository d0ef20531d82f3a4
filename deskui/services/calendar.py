"""The site's business calendar (issue 3): a lead marks a day a holiday or a make-up working
day, as the official schedule says; every desk counts deadlines on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import day_note_problem
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, require

__all__ = ["CalendarDays", "SetCalendarDay", "calendar_days", "set_calendar_day"]


@dataclass(frozen=True, slots=True)
class SetCalendarDay:
    """A day of the business calendar: a holiday or a working day, with a note (the
    holiday's name, "make-up day for the Spring Festival" ...); saving a day again
    replaces it."""

    day: date
    working: bool
    note: str = ""


def set_calendar_day(uow: UnitOfWork, actor: Actor, command: SetCalendarDay, now: datetime) -> None:
    """Only a lead or manager edits the calendar (the screen offers it to no one else); a note
    the domain refuses (too long, a character driving the terminal) is `Invalid`, nothing
    stored. Every desk's deadlines move with it, so each change is an audit line."""
    require(actor, Action.EDIT_CALENDAR)
    problem = day_note_problem(command.note)
    refuse_problems([problem] if problem is not None else [])
    uow.calendar.set_calendar_day(command.day, command.working, command.note)
    uow.audit.write(
        now,
        "calendar_day",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=command.day.isoformat(),
        detail={"working": command.working},
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class CalendarDays:
    """The days a lead marked, by date."""


def calendar_days(
    uow: UnitOfWork, actor: Actor, query: CalendarDays, now: datetime
) -> list[tuple[date, bool, str]]:
    """(day, working, note) of every marked day; everyone may read them (the agent sees the
    list, only the editing is the lead's)."""
    require(actor, Action.WORK_OWN)
    return uow.calendar.calendar_days()
