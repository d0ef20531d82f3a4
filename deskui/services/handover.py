"""The shift handover (交班 / 接班, seed 004 after-sales 8): the outgoing agent (or the lead,
for the whole shift) gathers the day's unfinished work, adds items by hand, hands the shift
over in one action and prints the report; the incoming agent takes it over item by item.
Late take-overs go to the lead (a sweep of the app's tick)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from deskui.data.handover_store import HandedOver, HandoverError, HandoverRow, NewHandoverItem
from deskui.data.history import HistoryEntry
from deskui.domain.clock import site_zone
from deskui.domain.handover import (
    ItemRefusal,
    Leave,
    edit_refusal,
    hand_over_refusal,
    item_text_problems,
    next_item_status,
    recipient_refusal,
)
from deskui.domain.model import HandoverStatus
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "INCOMING",
    "OUTGOING",
    "AcknowledgeHandover",
    "AddHandoverItem",
    "FinishHandoverItem",
    "GatherHandover",
    "HandOver",
    "HandedOver",
    "HandoverError",
    "HandoverHistory",
    "HandoverPage",
    "HandoverRow",
    "NewHandoverItem",
    "PrintHandoverReport",
    "PrintedReport",
    "ReassignHandoverItem",
    "UpdateHandoverItem",
    "acknowledge_handover",
    "add_handover_item",
    "finish_handover_item",
    "flag_late_acknowledgements",
    "gather_handover",
    "hand_over",
    "handover_count",
    "handover_item_history",
    "handover_page",
    "print_handover_report",
    "reassign_handover_item",
    "update_handover_item",
]

OUTGOING, INCOMING = "outgoing", "incoming"

ACK_ALL_LIMIT = 10_000
"""Acknowledging everything takes at most this many items in one go (as the screen did)."""


def _require_scope(actor: Actor, whole_shift: bool) -> None:
    """The whole shift's work is the lead's to see and hand over (the screen's `w`)."""
    require(actor, Action.SEE_TEAM if whole_shift else Action.WORK_OWN)


# -- the lists -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandoverPage:
    """The outgoing list (the actor's open items, or the whole shift's) or the incoming one
    (handed over to the actor, waiting to be taken over)."""

    view: str
    whole_shift: bool = False
    offset: int = 0
    limit: int = 0


def handover_count(uow: UnitOfWork, actor: Actor, page: HandoverPage, now: datetime) -> int:
    _require_scope(actor, page.whole_shift)
    return uow.handover.handover_count(page.view, actor.id, page.whole_shift)


def handover_page(
    uow: UnitOfWork, actor: Actor, page: HandoverPage, now: datetime
) -> list[HandoverRow]:
    """One page of the list, soonest due first (items without a due time last)."""
    _require_scope(actor, page.whole_shift)
    return uow.handover.handover_rows(
        page.view, actor.id, page.offset, page.limit, page.whole_shift
    )


@dataclass(frozen=True, slots=True)
class HandoverHistory:
    """One item's history: each change, who and when, newest first."""

    item_id: int


def handover_item_history(
    uow: UnitOfWork, actor: Actor, query: HandoverHistory, now: datetime
) -> list[HistoryEntry]:
    require(actor, Action.WORK_OWN)
    return uow.handover.item_history(query.item_id)


# -- end of shift ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GatherHandover:
    """Put today's unfinished work the actor (or the whole shift) owns on the handover list;
    `site_timezone` says where today ends."""

    site_timezone: str
    whole_shift: bool = False


def gather_handover(uow: UnitOfWork, actor: Actor, command: GatherHandover, now: datetime) -> int:
    """How many items were added (each subject once; only the day's unfinished work, issue 14)."""
    _require_scope(actor, command.whole_shift)
    added = uow.handover.gather_handover(
        actor.id, now, command.whole_shift, site_zone(command.site_timezone)
    )
    uow.commit()
    return added


@dataclass(frozen=True, slots=True)
class AddHandoverItem:
    """A hand-entered item on one of the seed's sheets, owned by the outgoing actor."""

    item: NewHandoverItem


def add_handover_item(
    uow: UnitOfWork, actor: Actor, command: AddHandoverItem, now: datetime
) -> int:
    """The new item's id. Raises `HandoverError` for a missing title or unknown sheet."""
    require(actor, Action.WORK_OWN)
    item_id = uow.handover.add_handover_item(command.item, actor.id, now)
    uow.commit()
    return item_id


@dataclass(frozen=True, slots=True)
class UpdateHandoverItem:
    """What was done so far, the next step and the note of an open item."""

    item_id: int
    done_so_far: str
    next_step: str
    note: str
    expected_version: int
    """The version the form loaded (issue 16)."""


def update_handover_item(
    uow: UnitOfWork, actor: Actor, command: UpdateHandoverItem, now: datetime
) -> None:
    """Raises `HandoverError` when the item is no longer open, `Conflict` when another desk
    saved it since the form loaded it."""
    require(actor, Action.WORK_OWN)
    texts = {
        "done_so_far": command.done_so_far,
        "next_step": command.next_step,
        "note": command.note,
    }
    problems = item_text_problems(texts)
    if problems:
        raise HandoverError("handover.error.fix_fields", problems)
    refused = edit_refusal(uow.handover.item_status(command.item_id))
    if refused is not None:
        _refuse_item(uow, command.item_id, command.expected_version, refused)
    uow.handover.update_handover_item(
        command.item_id,
        command.done_so_far,
        command.next_step,
        command.note,
        now,
        agent_id=actor.id,
        expected_version=command.expected_version,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class HandOver:
    """Hand the shift over to the incoming agent: the actor's open items, or the whole
    shift's (a lead's)."""

    to_agent_id: int
    whole_shift: bool = False


def hand_over(uow: UnitOfWork, actor: Actor, command: HandOver, now: datetime) -> HandedOver:
    """Every open item goes to the incoming agent with a take-over countdown and the report
    is frozen as it stands; how many items, how many done, and when the take-over is due.
    Raises `HandoverError` when handing over to oneself. The whole shift's (a lead moving
    everyone's open work) is an audit line; one's own is in each item's history."""
    _require_scope(actor, command.whole_shift)
    refused = hand_over_refusal(actor.id, command.to_agent_id, _role_of(uow, command.to_agent_id))
    if refused is not None:
        raise HandoverError(refused.key)
    handed = uow.handover.hand_over(actor.id, command.to_agent_id, now, command.whole_shift)
    if command.whole_shift:  # every agent's open work moved by a lead, as a reassign is
        report = uow.handover.handover_report(handed.report_id)
        uow.audit.write(
            now,
            "shift_handed_over",
            agent_id=actor.id,
            agent_name=actor.name,
            subject=f"handover report {handed.report_id}",
            detail={"to": report.to_name, "records": handed.items},
        )
    uow.commit()
    return handed


# -- start of shift --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AcknowledgeHandover:
    """The incoming actor takes over one item, at the version their list showed, or every
    item waiting for them (None: as they stand now, the list reloads with them)."""

    item_id: int | None = None
    expected_version: int | None = None
    """With `item_id`: the version the list showed (issue 16)."""


def acknowledge_handover(
    uow: UnitOfWork, actor: Actor, command: AcknowledgeHandover, now: datetime
) -> int:
    """How many items the actor took over: ownership moves, the countdowns stay. Raises
    `Conflict` when the one item changed since the list showed it (taken, moved, edited)."""
    require(actor, Action.WORK_OWN)
    expected: dict[int, int] = {}
    if command.item_id is not None:
        item_ids: tuple[int, ...] = (command.item_id,)
        if command.expected_version is not None:
            expected[command.item_id] = command.expected_version
    else:
        rows = uow.handover.handover_rows(INCOMING, actor.id, 0, ACK_ALL_LIMIT)
        item_ids = tuple(row.item_id for row in rows)
    taken = uow.handover.acknowledge(item_ids, actor.id, now, expected)
    uow.commit()
    return taken


@dataclass(frozen=True, slots=True)
class FinishHandoverItem:
    """The item is done, with the result in a note; it leaves the list."""

    item_id: int
    expected_version: int
    """The version the list showed when the form opened (issue 16)."""
    note: str = ""


def finish_handover_item(
    uow: UnitOfWork, actor: Actor, command: FinishHandoverItem, now: datetime
) -> None:
    """Its own countdowns are met. Raises `HandoverError` when it may not be finished,
    `Conflict` when another desk saved it since the form opened."""
    require(actor, Action.WORK_OWN)
    status = _item_leaves(uow, command.item_id, command.expected_version, Leave.DONE, command.note)
    uow.handover.finish_handover_item(
        command.item_id, actor.id, now, command.note, command.expected_version, status
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class ReassignHandoverItem:
    """The item goes to another agent, with a note saying why."""

    item_id: int
    to_agent_id: int
    note: str
    expected_version: int
    """The version the list showed when the form opened (issue 16)."""


def reassign_handover_item(
    uow: UnitOfWork, actor: Actor, command: ReassignHandoverItem, now: datetime
) -> None:
    """The take-over countdown moves to the new agent. Any agent may do it today (the
    screen's `r` has no role check), so it needs WORK_OWN, not REASSIGN. Raises
    `HandoverError` without a note or when the item may not move, `Conflict` when another
    desk saved it since the form opened."""
    require(actor, Action.WORK_OWN)
    problems = item_text_problems({"note": command.note})  # the audit keeps it as the reason
    if problems:
        raise HandoverError("handover.error.fix_fields", problems)
    refused = recipient_refusal(_role_of(uow, command.to_agent_id))
    if refused is not None:  # the same rule as a whole hand-over's
        raise HandoverError(refused.key)
    _item_leaves(uow, command.item_id, command.expected_version, Leave.REASSIGNED, command.note)
    before, after = uow.handover.reassign_handover_item(
        command.item_id,
        command.to_agent_id,
        actor.id,
        now,
        command.note,
        command.expected_version,
    )
    subject = f"handover_item {command.item_id}"  # the audit's too, with its reason
    uow.audit.reassigned(now, actor.id, actor.name, subject, before, after, command.note.strip())
    uow.commit()


def _item_leaves(
    uow: UnitOfWork, item_id: int, expected_version: int | None, how: Leave, note: str
) -> HandoverStatus:
    """The status the item leaves the list with (domain/handover), or its refusal."""
    decided = next_item_status(uow.handover.item_status(item_id), how, note)
    if isinstance(decided, ItemRefusal):
        _refuse_item(uow, item_id, expected_version, decided)
    assert isinstance(decided, HandoverStatus)
    return decided


def _refuse_item(
    uow: UnitOfWork, item_id: int, expected_version: int | None, refused: ItemRefusal
) -> NoReturn:
    """Refuse the move with the rule's reason; a save another desk got in first since the
    form loaded is said first (`Conflict`), as it always was."""
    uow.handover.check_item_version(item_id, expected_version)
    raise HandoverError(refused.key)


def flag_late_acknowledgements(
    uow: UnitOfWork, actor: Actor | None, command: None, now: datetime
) -> int:
    """The app's sweep, whoever is signed in (or nobody yet): items not taken over within
    the site-set time go to the lead as a notice, once each; how many were flagged."""
    flagged = uow.handover.flag_unacknowledged(now)
    if flagged:
        uow.commit()
    return flagged


# -- the report on the wall ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrintHandoverReport:
    """Print the last report the actor gave or received into the desk's reports folder."""

    settings: Settings


@dataclass(frozen=True, slots=True)
class PrintedReport:
    """Where the report went: the PDF and the XLSX, side by side."""

    pdf: Path
    xlsx: Path


def print_handover_report(
    uow: UnitOfWork, actor: Actor, command: PrintHandoverReport, now: datetime
) -> PrintedReport | None:
    """Write the report as it was frozen when handed over; None when the actor has none."""
    from deskui.data.handover_report import write_report
    from deskui.locations import reports_dir

    require(actor, Action.WORK_OWN)
    report = uow.handover.latest_handover_report(actor.id)
    if report is None:
        return None
    settings = command.settings
    pdf, xlsx = write_report(report, reports_dir(settings), settings.site_timezone)
    return PrintedReport(pdf, xlsx)


def _role_of(uow: UnitOfWork, agent_id: int) -> str | None:
    """The role of the active account `agent_id`, None when there is none."""
    return next((a.role for a in uow.agents.agents() if a.id == agent_id), None)
