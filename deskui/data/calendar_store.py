"""The site's business calendar overrides: holidays and make-up working days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class CalendarStore(StoreBase):
    """The days a lead marked working or not, with their notes."""

    # -- calendar, drafts, changes -----------------------------------------------------------

    def calendar_overrides(self) -> dict[date, bool]:
        kept = self._uow.calendar_kept
        if kept is not None:  # as a caller keeps them between units of work (the bridge)
            return dict(kept)
        return {d.day: d.is_working for d in self.session.scalars(select(m.CalendarDay))}

    def set_calendar_day(self, day: date, is_working: bool, note: str = "") -> None:
        self.session.merge(m.CalendarDay(day=day, is_working=is_working, note=note))

    def calendar_days(self) -> list[tuple[date, bool, str]]:
        """The site's overrides with their notes, by date."""
        query = select(m.CalendarDay).order_by(m.CalendarDay.day)
        return [(d.day, d.is_working, d.note) for d in self.session.scalars(query)]
