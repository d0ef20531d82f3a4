"""Complaint handling by the seven-step script (seed 001:6-7, 002:2.4.1): what happens when
an agent saves a step, in one function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.complaint_store import ComplaintCase, ComplaintRow, DepartmentRepeats, StepSave
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

__all__ = [
    "ComplaintCase",
    "ComplaintRow",
    "ComplaintStepSaved",
    "DepartmentRepeats",
    "SaveComplaintStep",
    "save_complaint_step",
]

RESOLVING_STEPS = ("resolved", "report")
"""Leaving these steps records the complaint as fixed, with the action taken (seed 001:6.6)."""


@dataclass(frozen=True, slots=True)
class SaveComplaintStep:
    """One step of the script done: where the agent goes next and what they wrote."""

    ticket_id: int
    script: str
    leaving: str
    """The step the agent is on as they save."""
    target: str
    """The step they go to; `final` when it ends this desk's part."""
    final: bool
    path: tuple[str, ...]
    answers: dict[str, object]
    expected_version: int
    """The record's version the agent saw: 0 for no record yet, checked all the same."""
    commit_mode: str = ""
    promised_at: datetime | None = None
    expected_finish: datetime | None = None
    callback_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ComplaintStepSaved:
    case: ComplaintCase
    """The complaint as it now stands (its new version, step and path)."""
    lead_name: str = ""
    """Who took it over, when the step handed it to the lead."""


def save_complaint_step(
    uow: UnitOfWork, actor: Actor, command: SaveComplaintStep, now: datetime
) -> ComplaintStepSaved:
    """Save the step with its version check, record the fix when leaving a resolving step,
    book the satisfaction callback (seed 001:6.7), then hand to the lead (escalate) or close
    when the step is final; one commit. Raises `Conflict` when another desk saved first."""
    require(actor, Action.WORK_OWN)
    ticket_id = command.ticket_id
    uow.complaints.save_complaint_step(
        ticket_id,
        actor.id,
        StepSave(
            script=command.script,
            step=command.target,
            path=command.path,
            answers=command.answers,
            commit_mode=command.commit_mode if command.promised_at else "",
            promised_at=command.promised_at,
            expected_finish=command.expected_finish,
            expected_version=command.expected_version,
        ),
        now,
    )
    if command.leaving in RESOLVING_STEPS:
        action_taken = str(command.answers.get("action_taken", ""))
        uow.complaints.resolve_complaint(ticket_id, actor.id, action_taken, now)
    if command.callback_at is not None:
        uow.complaints.schedule_satisfaction_callback(ticket_id, actor.id, command.callback_at, now)
    lead_name = ""
    if command.final and command.target == "escalate":
        _, lead_name = uow.complaints.hand_to_lead(ticket_id, actor.id, now)
    elif command.final:
        uow.complaints.close_complaint(ticket_id, actor.id, now)
    uow.commit()
    return ComplaintStepSaved(uow.complaints.complaint(ticket_id), lead_name)
