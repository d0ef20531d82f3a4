"""What a service can answer instead of a result, as the screens and the CLI catch it.

`Conflict`: someone else saved the record first (who, when, both versions). A refusal: the
command broke a rule of the seeds (a missing field, a flagged word, a closed record) or the
actor's role may not do it; each carries the catalog key saying why. Anything else is a
fault of the database, said in plain words by `deskui.data.trouble`.
"""

from __future__ import annotations

from deskui.data.callback_store import BookingRefused, CallbackError
from deskui.data.conflict import Conflict
from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.handover_store import HandoverError
from deskui.data.pause_store import PauseError
from deskui.data.survey_store import SurveyError
from deskui.data.tabular import TableError
from deskui.data.trouble import trouble_of
from deskui.domain.conduct import ConductError
from deskui.domain.script_flow import ScriptError
from deskui.services.actor import Denied

REFUSALS: tuple[type[Exception], ...] = (
    Denied,
    BookingRefused,
    CallbackError,
    FrontDeskError,
    HandoverError,
    PauseError,
    SurveyError,
    TableError,
    ConductError,
    ScriptError,
)
"""The answers that are the agent's to fix: the form stays open with the reason beside it."""

__all__ = [
    "REFUSALS",
    "BookingRefused",
    "CallbackError",
    "ConductError",
    "Conflict",
    "Denied",
    "FrontDeskError",
    "HandoverError",
    "PauseError",
    "ScriptError",
    "SurveyError",
    "TableError",
    "trouble_of",
]
