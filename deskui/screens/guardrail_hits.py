"""A save the rules of conduct stopped is kept for the lead's coaching (issue 17), in a worker:
the agent sees only the phrases to change, never a wait or a fault of this bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen

from deskui.screens.runner import run_service


def keep_guardrail_hit(screen: Screen[Any], where: str, phrases: Sequence[str]) -> None:
    from deskui.services.conduct import GuardrailHit, record_guardrail_hit

    if not phrases:
        return
    run_service(
        screen,
        record_guardrail_hit,
        GuardrailHit(where, tuple(phrases)),
        done=lambda _: None,
        group="guardrail_hit",
    )
