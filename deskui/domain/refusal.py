"""A refusal: the command broke a rule of the seeds (a missing field, a flagged word, a closed
record) or the actor's role may not do it. It is the agent's to fix, so the form stays open
with the reason beside it; anything else a service raises is a fault of the database.

Every refusal of every layer derives from `Refusal`, so the runner catches them all without
importing the stores that define them (importing them all cost some 45 ms of the desk's first
service run)."""

from __future__ import annotations


class Refusal(Exception):
    """The base of every answer that is the agent's to fix."""
