"""The rules of conduct's hits, kept for coaching (issue 17; seed 000:3.2.1.2): each time a
save is stopped because the words to a customer hold a forbidden phrase, which phrases and
where, as an audit line the lead's measures count per agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

GUARDRAIL = "guardrail"
"""The audit action of a hit."""


@dataclass(frozen=True, slots=True)
class GuardrailHit:
    """A save stopped by the rules of conduct: where (`intake.answer`, `callback.notes`) and
    the phrases found, each once."""

    where: str
    phrases: tuple[str, ...]


def record_guardrail_hit(uow: UnitOfWork, actor: Actor, hit: GuardrailHit, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    if not hit.phrases:
        return
    uow.audit.write(
        now,
        GUARDRAIL,
        agent_id=actor.id,
        agent_name=actor.name,
        outcome="flagged",
        subject=hit.where,
        detail={"phrases": list(hit.phrases)},
    )
    uow.commit()
