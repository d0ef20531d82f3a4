"""What a service can answer instead of a result, as the screens and the CLI catch it.

`Conflict`: someone else saved the record first (who, when, both versions). A refusal: the
command broke a rule of the seeds (a missing field, a flagged word, a closed record) or the
actor's role may not do it; each derives from `deskui.domain.refusal.Refusal` and carries the
catalog key saying why. Anything else is a fault of the database, said in plain words by
`deskui.data.trouble`.

The refusals' own classes live beside the rules that raise them; they are named here for the
screens and tests, and imported only when one is asked for (PEP 562), so catching `REFUSALS`
costs no import of the stores.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from deskui.data.conflict import Conflict
from deskui.data.trouble import is_database_fault, trouble_of
from deskui.domain.refusal import Invalid, Refusal

if TYPE_CHECKING:
    from deskui.data.callback_store import BookingDoubted, BookingRefused, CallbackError
    from deskui.data.frontdesk_store import FrontDeskError
    from deskui.data.handover_store import HandoverError
    from deskui.data.missing import MissingRecord
    from deskui.data.pause_store import PauseError
    from deskui.data.survey_store import SurveyError
    from deskui.data.tabular import TableError
    from deskui.domain.conduct import ConductError
    from deskui.domain.script_flow import ScriptError
    from deskui.services.accounts import AccountRefused, SignInRefused
    from deskui.services.actor import Denied

REFUSALS: tuple[type[Exception], ...] = (Refusal,)
"""The answers that are the agent's to fix: the form stays open with the reason beside it."""

_HOMES = {
    "AccountRefused": "deskui.services.accounts",
    "BookingDoubted": "deskui.data.callback_store",
    "BookingRefused": "deskui.data.callback_store",
    "CallbackError": "deskui.data.callback_store",
    "ConductError": "deskui.domain.conduct",
    "Denied": "deskui.services.actor",
    "FrontDeskError": "deskui.data.frontdesk_store",
    "HandoverError": "deskui.data.handover_store",
    "MissingRecord": "deskui.data.missing",
    "PauseError": "deskui.data.pause_store",
    "ScriptError": "deskui.domain.script_flow",
    "SignInRefused": "deskui.services.accounts",
    "SurveyError": "deskui.data.survey_store",
    "TableError": "deskui.data.tabular",
}


def __getattr__(name: str) -> type[Exception]:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    refusal: type[Exception] = getattr(importlib.import_module(home), name)
    return refusal


__all__ = [
    "REFUSALS",
    "AccountRefused",
    "BookingDoubted",
    "BookingRefused",
    "CallbackError",
    "ConductError",
    "Conflict",
    "Denied",
    "FrontDeskError",
    "HandoverError",
    "Invalid",
    "MissingRecord",
    "PauseError",
    "Refusal",
    "ScriptError",
    "SignInRefused",
    "SurveyError",
    "TableError",
    "is_database_fault",
    "trouble_of",
]
