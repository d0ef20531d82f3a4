"""The columns every list of deadlines shares: countdown first, then what and whose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskui.i18n import has_key, t
from deskui.widgets.work_list import Column

if TYPE_CHECKING:
    from datetime import datetime


def subject(row: Any) -> str:
    """What the deadline is about; a callback's label is its purpose, said in the catalog."""
    return said(row.kind, row.label)


def said(kind: str, text: object) -> str:
    """A callback's purpose key in the agent's language; any other text as it is."""
    if kind == "callback" and has_key(f"callbacks.purpose.{text}"):
        return t(f"callbacks.purpose.{text}")
    return str(text)


def kind_text(row: Any) -> str:
    """The deadline's kind; the three profile filings by name, so the month for personal
    notes (seed 000:1.4.2) reads apart from the 24 hours for filing (1.4.3)."""
    note = getattr(row, "note", "")
    if row.kind == "profile_filing" and has_key(f"deadline_kind.filing.{note}"):
        return t(f"deadline_kind.filing.{note}")
    return t(f"deadline_kind.{row.kind}")


SUBJECT_CELLS = 14
"""Cells a list of deadlines keeps for what each one is about, on a narrow terminal."""


def deadline_columns(timezone: str, *, with_owner: bool = False) -> list[Column]:
    zone = ZoneInfo(timezone)

    def due_local(row: Any) -> str:
        due: datetime = row.due_at  # every deadline row has one (the desk's, a team's)
        return due.astimezone(zone).strftime("%m-%d %H:%M")

    def severity(row: Any) -> str:
        return t(f"severity.{row.severity}") if row.severity else ""

    # on a narrow terminal the owner, the customer, ... give way (down to min_width) so
    # what each deadline is about keeps SUBJECT_CELLS
    columns = [
        Column(
            title=t("work.countdown"),
            width=18,
            countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
            min_width=14,
        ),
        Column(title=t("work.due"), width=12, cell=due_local, min_width=11),
        Column(
            title=t("work.kind"),
            width=14,
            cell=kind_text,
            min_width=8,
        ),
        Column(title=t("work.severity"), width=8, cell=severity, min_width=6),  # "紧急度" whole
        Column(
            title=t("work.customer"), width=26, cell=lambda row: row.customer_name, min_width=16
        ),
    ]
    if with_owner:
        columns.append(
            Column(title=t("work.owner"), width=8, cell=lambda row: row.owner_name, min_width=6)
        )
    columns.append(Column(title=t("work.subject"), width=0, cell=subject, min_width=SUBJECT_CELLS))
    return columns
