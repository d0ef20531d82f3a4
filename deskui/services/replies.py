"""Written replies to complaints (seed 001:7): the facts the letter reports and the letter
as the agent edited it, saved with the complaint's version check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.complaint_store import REPLY_FIELDS, ReplyFactsSave
from deskui.domain.conduct import packaged_conduct
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.domain.reply_checks import reply_problems
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = ["REPLY_FIELDS", "ReplySaved", "SaveReply", "save_reply"]


@dataclass(frozen=True, slots=True)
class SaveReply:
    """The written reply to one complaint: the facts it reports (seed 001:7.3), the letter
    as edited, and the complaint's version the agent saw (0 for no record yet)."""

    ticket_id: int
    cause: str
    responsible: str
    action_at: datetime | None
    """When the action was taken, as the agent typed it (none: the letter says so)."""
    expected_finish: datetime | None
    result: str
    reply_text: str
    expected_version: int | None
    """The version loaded (0: no complaint record yet, still checked); None saves unchecked."""
    locale: str = "zh-CN"
    """The letter's language, whose rules of conduct the facts it quotes keep."""


@dataclass(frozen=True, slots=True)
class ReplySaved:
    version: int
    """The complaint's version after the save, for the next save's check."""


def save_reply(uow: UnitOfWork, actor: Actor, command: SaveReply, now: datetime) -> ReplySaved:
    """Save the reply's facts and text with the version check; one commit. Raises `Conflict`
    when another desk saved the complaint first (the reply is part of its record), `Invalid`
    for an empty letter or facts past their limits or the rules of conduct."""
    require(actor, Action.WORK_OWN)
    uow.tickets.ticket_kind(command.ticket_id)  # MissingRecord: no such complaint
    locale = command.locale if command.locale in ("zh-CN", "en") else "zh-CN"
    refuse_problems(
        reply_problems(
            cause=command.cause,
            responsible=command.responsible,
            result=command.result,
            reply_text=command.reply_text,
            rules=packaged_conduct(locale),
        )
    )
    facts = ReplyFactsSave(
        cause=command.cause,
        responsible=command.responsible,
        action_at=command.action_at,
        expected_finish=command.expected_finish,
        result=command.result,
        reply_text=command.reply_text,
        expected_version=command.expected_version,
    )
    version = uow.complaints.save_reply_facts(command.ticket_id, actor.id, facts, now)
    uow.commit()
    return ReplySaved(version)
